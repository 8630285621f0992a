"""Help, unknown input, groups, and the error handler: never silence, never a crash."""

from __future__ import annotations

import logging
import sqlite3
import traceback

from telegram import Chat, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.core.i18n import _
from bot.core.services import services

log = logging.getLogger(__name__)


def help_text() -> str:
    return "\n".join(
        [
            _("Voici ce que je sais faire :"),
            _("/start : commencer ou reprendre votre candidature"),
            _("/statut : savoir où en est votre candidature"),
            _("/rdv : voir, changer ou annuler votre rendez-vous"),
            _("/recommencer : tout reprendre depuis le début"),
            _("/retirer : retirer votre candidature"),
            _("/langue : choisir votre langue"),
            _("/mesdonnees : recevoir tout ce que nous gardons sur vous"),
            _("/supprimer : effacer toutes vos données"),
            _("/aide : revoir ce message"),
        ]
    )


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/aide: the commands, in plain words."""
    if update.effective_message:
        await update.effective_message.reply_text(help_text())


async def edited_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: we only read new messages, say so kindly."""
    if update.edited_message:
        await update.edited_message.reply_text(
            _("Vous avez modifié un message. Je lis seulement les nouveaux messages.")
        )


async def group_notice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start or /aide in a group: the journey happens in a private chat (said once)."""
    chat = update.effective_chat
    if chat is None or not services(context).store.first_group_notice(chat.id):
        return
    if update.effective_message:
        await update.effective_message.reply_text(
            _("Pour candidater, écrivez-moi en message privé : @{username}").format(
                username=context.bot.username
            )
        )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log without personal data, and tell the person kindly."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        # The person blocked the bot: remember it, and stop writing to them.
        if chat is not None and chat.type == "private":
            services(context).store.mark_blocked(chat.id)
        log.info("update %s: the user blocked the bot", update_id)
        return
    if isinstance(error, sqlite3.Error):
        # sqlite's messages name tables and conditions, never values.
        log.error("update %s: database error: %s", update_id, error)
        await _tell(
            context,
            chat,
            _(
                "Je n'arrive pas à enregistrer pour le moment. "
                "Réessayez dans quelques minutes, s'il vous plaît."
            ),
        )
        return
    # The stack without the exception's message: a message may quote what a person typed.
    stack = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("error while handling update %s: %s\n%s", update_id, type(error).__name__, stack)
    await _tell(
        context, chat, _("Désolé, j'ai eu un problème. Réessayez dans un moment, s'il vous plaît.")
    )


async def _tell(context: ContextTypes.DEFAULT_TYPE, chat: Chat | None, text: str) -> None:
    """Tell a private chat what went wrong (never a group: staff cards live there)."""
    if chat is None or chat.type != "private":
        return
    try:
        await context.bot.send_message(chat.id, text)
    except TelegramError:
        log.warning("could not tell the user about the error")
