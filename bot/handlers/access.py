"""Who may do what. Staff are `TREMPLIN_STAFF_IDS`; anyone else using a staff command or
button gets the same neutral answer as for an unknown command, which reveals nothing (no
name, phone, reference or count, not even that the command exists)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import services
from bot.i18n import _

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]


def neutral_command_answer() -> str:
    return _("Je ne connais pas cette commande. Tapez /aide pour voir ce que je sais faire.")


def neutral_button_answer() -> str:
    return _("Ce bouton n'est plus valable.")


def is_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and services(context).settings.is_staff(user.id)


def staff_only(handler: Handler) -> Handler:
    """Run `handler` for staff; answer anyone else neutrally (command or button alike)."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        if is_staff(update, context):
            return await handler(update, context)
        if update.callback_query is not None:
            await update.callback_query.answer(neutral_button_answer())
        elif update.effective_message is not None:
            await update.effective_message.reply_text(neutral_command_answer())
        return None

    return guarded
