"""The language each candidate reads (issue #15): chosen per person, kept in SQLite, set for
every update before any handler runs.

First Telegram's `language_code` when a catalog exists for it, otherwise French; the welcome
offers the change in one tap and `/langue` at any time, and the journey goes on where it was.
Staff always read French, whatever their phone says.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.core import callbacks, i18n
from bot.core import dialog_views as views
from bot.core.access import own_private
from bot.core.feature import referrals, welcome_rows
from bot.core.i18n import _, translated
from bot.core.services import Services, services
from bot.core.telegram_bot import reply, send_or_edit
from bot.journey.screen import draft_answers, send_step, step_message

WELCOME, MENU = "w", "m"  # where the choice was offered: the welcome message, or /langue


def reader_language(svc: Services, update: Update) -> str:
    """The language of the person behind `update`: staff and groups read French."""
    user = update.effective_user
    if user is None or svc.settings.is_staff(user.id) or not own_private(update):
        return i18n.FRENCH
    stored = svc.store.language_of(user.id)
    if stored is not None:
        return stored
    return i18n.language_for(user.language_code) or i18n.FRENCH


async def set_reader_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first for every update (group -100): every `_()` of this update reads it."""
    i18n.set_language(reader_language(services(context), update))


def language_keyboard(where: str) -> InlineKeyboardMarkup | None:
    rows = views.language_rows(where)
    return InlineKeyboardMarkup(rows) if rows else None


def welcome_markup(svc: Services) -> InlineKeyboardMarkup | None:
    """Under the welcome, when it is recorded: "🔊 Écouter", "🔊 Lire à voix haute". (The
    languages are under the first question, and go once it is answered: /langue stays.)"""
    rows = welcome_rows(svc)
    return InlineKeyboardMarkup(rows) if rows else None


def keep_language(svc: Services, user_id: int) -> None:
    """The language the person reads now, kept if none is yet."""
    if svc.store.language_of(user_id) is None:
        svc.store.set_language(user_id, i18n.current_language())


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/langue: the languages, one tap to change."""
    message = update.effective_message
    if message is None:
        return
    markup = language_keyboard(MENU)
    if markup is None:
        await reply(message, _("Le robot parle seulement français pour le moment."))
        return
    await reply(message, _("Choisissez votre langue :"), reply_markup=markup)


async def on_language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language tapped: kept, the message said again in it, and the journey goes on."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    data = callbacks.parse(query.data)
    if data is None or data.action not in i18n.languages() or data.subject not in (WELCOME, MENU):
        await query.answer()
        return
    svc = services(context)
    svc.store.set_language(user.id, data.action)
    i18n.set_language(data.action)
    await query.answer()
    conversation = svc.store.conversation(user.id)
    on_step = conversation is not None and svc.dialogs.has_step(conversation.step)
    if data.subject == WELCOME and conversation is not None and on_step:
        # The first question, with the welcome again above it, in the new language.
        welcome = translated(svc.dialogs.messages, "welcome")
        note = referrals().welcome_note(svc, conversation.source)
        text, markup = step_message(svc, conversation, draft_answers(svc, conversation))
        await send_or_edit(query, "\n\n".join(filter(None, [welcome, note, text])), markup)
        return
    await send_or_edit(query, _("D'accord. Je vous écris en français."), None)
    if isinstance(query.message, Message) and conversation is not None and on_step:
        await send_step(query.message, svc, conversation)
