"""Who may do what, and where. Staff are `TREMPLIN_STAFF_IDS`; anyone else using a staff
command or button gets the same neutral answer as for an unknown command, which reveals
nothing (no name, phone, reference or count, not even that the command exists).

A private chat is a person's own only when its id is theirs (`chat.id == from.id`, as
Telegram always sends it): a forged update with another chat id gets nothing personal."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes, filters

from bot.core.i18n import _, in_french
from bot.core.services import Services, services

log = logging.getLogger(__name__)

# What PTB calls: a coroutine function (its HandlerCallback), not any awaitable.
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]


def staff_chats(svc: Services) -> list[int]:
    """Where staff read cards: the staff group, or else each staff member's private chat."""
    if svc.settings.staff_chat_id is not None:
        return [svc.settings.staff_chat_id]
    return sorted(svc.settings.staff_ids)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know."""
    if update.effective_message:
        await update.effective_message.reply_text(
            _("Je ne connais pas cette commande. Tapez /aide pour voir ce que je sais faire.")
        )


@in_french
async def tell_staff(context: ContextTypes.DEFAULT_TYPE, svc: Services, text: str) -> None:
    for chat_id in staff_chats(svc):
        try:
            await context.bot.send_message(chat_id, text)
        except TelegramError as error:
            log.warning("could not reach staff chat: %s", type(error).__name__)


def neutral_command_answer() -> str:
    return _("Je ne connais pas cette commande. Tapez /aide pour voir ce que je sais faire.")


def neutral_button_answer() -> str:
    return _("Ce bouton n'est plus valable.")


def is_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and services(context).settings.is_staff(user.id)


def own_private(update: Update) -> bool:
    """The update comes from the sender's own private chat with the bot."""
    chat, user = update.effective_chat, update.effective_user
    return chat is not None and user is not None and chat.type == "private" and chat.id == user.id


class _OwnPrivate(filters.UpdateFilter):
    def filter(self, update: Update) -> bool:
        return own_private(update)


# Use instead of `filters.ChatType.PRIVATE` wherever the chat must be the person's own.
OWN_PRIVATE = _OwnPrivate(name="OWN_PRIVATE")


def staff_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Staff work in their own private chat with the bot or in the staff group, nowhere else."""
    chat = update.effective_chat
    if chat is None:
        return False
    return own_private(update) or chat.id == services(context).settings.staff_chat_id


def staff_only(handler: Handler) -> Handler:
    """Run `handler` for staff in a staff place; answer anyone else neutrally (command or
    button alike; a forged private chat gets silence)."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        if is_staff(update, context) and staff_place(update, context):
            return await handler(update, context)
        if update.callback_query is not None:
            await update.callback_query.answer(neutral_button_answer())
        elif update.effective_message is not None and own_private(update):
            await update.effective_message.reply_text(neutral_command_answer())
        return None

    return guarded


def candidate_button(handler: Handler) -> Handler:
    """A candidate's button acts only on a message in the presser's own private chat: on a
    staff card in a group, or a forged chat, it changes no message and no row."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        if own_private(update):
            return await handler(update, context)
        if update.callback_query is not None:
            await update.callback_query.answer(neutral_button_answer())
        return None

    return guarded
