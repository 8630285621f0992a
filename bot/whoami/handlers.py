"""/whoami: a person's own id, privately; a group's id, in the group."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.access import own_private
from bot.whoami import views


async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return
    if own_private(update):
        await message.reply_text(views.private_answer(user.id))
    elif chat.type in (chat.GROUP, chat.SUPERGROUP):
        # Others read the group: its id only, never the sender's.
        await message.reply_text(views.group_answer(chat.id))
    # A forged private chat (its id is not the sender's) or a channel: nothing.
