"""Help, unknown input, groups, and the error handler: never silence, never a crash."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.i18n import _

log = logging.getLogger(__name__)


def help_text() -> str:
    return "\n".join(
        [
            _("Voici ce que je sais faire :"),
            _("/start : commencer ou reprendre votre candidature"),
            _("/statut : savoir où en est votre candidature"),
            _("/recommencer : tout reprendre depuis le début"),
            _("/retirer : retirer votre candidature"),
            _("/mesdonnees : recevoir tout ce que nous gardons sur vous"),
            _("/supprimer : effacer toutes vos données"),
            _("/aide : revoir ce message"),
        ]
    )


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/aide: the commands, in plain words."""
    if update.effective_message:
        await update.effective_message.reply_text(help_text())


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know."""
    if update.effective_message:
        await update.effective_message.reply_text(
            _("Je ne connais pas cette commande. Tapez /aide pour voir ce que je sais faire.")
        )


async def edited_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: we only read new messages, say so kindly."""
    if update.edited_message:
        await update.edited_message.reply_text(
            _("Vous avez modifié un message. Je lis seulement les nouveaux messages.")
        )


async def group_notice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start or /aide in a group: the journey happens in a private chat."""
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
    # The stack without the exception's message: a message may quote what a person typed.
    stack = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("error while handling update %s: %s\n%s", update_id, type(error).__name__, stack)
    if (
        isinstance(update, Update)
        and update.effective_chat
        and update.effective_chat.type == "private"
    ):
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                _("Désolé, j'ai eu un problème. Réessayez dans un moment, s'il vous plaît."),
            )
        except TelegramError:
            log.warning("could not tell the user about the error")
