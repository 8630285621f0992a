"""Voice notes in Telegram: staff record them in their private chat (/voix); candidates hear
them with "🔊 Écouter", or every one with "🔊 Lire à voix haute".

A recording is Telegram's `file_id` of the staff's voice message: nothing is downloaded or
synthesised. A server that refuses voice notes changes nothing else: the text is there.
"""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core import callbacks, i18n
from bot.core.access import is_staff, neutral_button_answer, own_private
from bot.core.i18n import _, in_french
from bot.core.services import Services, services
from bot.core.telegram_bot import reply, send_or_edit
from bot.voice import views
from bot.voice.rules import recordable

log = logging.getLogger(__name__)


# --- candidates ------------------------------------------------------------------------------


def listen_markup(svc: Services, markup: views.Markup, key: str) -> views.Markup:
    """`markup` with "🔊 Écouter" when `key` is recorded in the reader's language."""
    recorded = svc.store.voice_note(key, i18n.current_language()) is not None
    return views.with_listen(markup, recorded, key)


def welcome_rows(svc: Services) -> list[list[views.InlineKeyboardButton]]:
    """Under the welcome: "🔊 Écouter" for it, and "🔊 Lire à voix haute" when this language
    has recordings at all."""
    language = i18n.current_language()
    rows = []
    if svc.store.voice_note("welcome", language) is not None:
        rows.append(views.listen_row("welcome"))
    if svc.store.recorded_keys(language):
        rows.append(views.aloud_row())
    return rows


async def read_aloud(bot: Bot, svc: Services, user_id: int, key: str) -> None:
    """For a person who asked to hear everything: the voice note of what was just shown."""
    if not svc.store.reads_aloud(user_id):
        return
    file_id = svc.store.voice_note(key, i18n.current_language())
    if file_id is not None:
        await _send_voice(bot, user_id, file_id)


async def _play(update: Update, svc: Services, key: str) -> None:
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    file_id = svc.store.voice_note(key, i18n.current_language())
    if file_id is None:
        await query.answer(_("Il n'y a pas de son pour ce message."))
        return
    if not await _send_voice(query.get_bot(), user.id, file_id):
        await query.answer(_("Je ne peux pas envoyer le son. Le texte reste au-dessus."))
        return
    await query.answer()


async def listen_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "🔊 Écouter" tapped on a reply keyboard (the phone step): the current step's recording;
    the journey stays where it was."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc = services(context)
    conversation = svc.store.conversation(user.id)
    file_id = (
        svc.store.voice_note(conversation.step, i18n.current_language())
        if conversation is not None
        else None
    )
    if file_id is None:
        await reply(message, _("Il n'y a pas de son pour ce message."))
    elif not await _send_voice(message.get_bot(), user.id, file_id):
        await reply(message, _("Je ne peux pas envoyer le son. Le texte reste au-dessus."))


async def _aloud(update: Update, svc: Services) -> None:
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    svc.store.set_read_aloud(user.id, True)
    await query.answer(_("D'accord. Chaque message arrive aussi à voix haute."))
    conversation = svc.store.conversation(user.id)
    if conversation is not None:
        await read_aloud(query.get_bot(), svc, user.id, conversation.step)


# --- staff: recording -------------------------------------------------------------------------


@in_french
async def voice_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/voix: the languages, then the messages to record."""
    message = update.effective_message
    if message is None:
        return
    text, markup = languages_view(services(context))
    await reply(message, text, reply_markup=markup)


def languages_view(svc: Services) -> tuple[str, views.InlineKeyboardMarkup]:
    """The languages, with how many messages each has recorded (of those a candidate can
    meet now)."""
    keys = set(recordable(svc.dialogs))
    recorded = {code: len(svc.store.recorded_keys(code) & keys) for code in i18n.languages()}
    return views.languages_view(recorded, len(keys))


@in_french
async def on_staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    data = callbacks.parse(query.data if query else None)
    if query is None or user is None or data is None:
        return
    svc = services(context)
    language, _dot, key = data.subject.partition(".")
    keys = set(recordable(svc.dialogs))
    if language not in i18n.languages() or (key != "-" and key not in keys):
        await query.answer(neutral_button_answer())
        return
    await query.answer()
    action = data.action
    if action == "langs":
        await send_or_edit(query, *languages_view(svc))
    elif action == "list":
        svc.store.clear_voice_request(user.id)
        view = views.list_view(svc.dialogs, language, svc.store.recorded_keys(language))
        await send_or_edit(query, *view)
    elif action == "open" and key != "-":
        exists = svc.store.voice_note(key, language) is not None
        svc.store.expect_voice(user.id, key, language)
        await send_or_edit(query, *views.ask_view(svc.dialogs, language, key, exists))
    elif action == "hear" and key != "-":
        file_id = svc.store.voice_note(key, language)
        if file_id is not None:
            await _send_voice(query.get_bot(), user.id, file_id)
    elif action == "del" and key != "-":
        await send_or_edit(query, *views.delete_view(language, key))
    elif action == "dely" and key != "-":
        svc.store.delete_voice_note(key, language, staff_id=user.id)
        svc.store.clear_voice_request(user.id)
        view = views.list_view(svc.dialogs, language, svc.store.recorded_keys(language))
        await send_or_edit(query, _("🗑 Effacé.") + "\n\n" + view[0], view[1])
    elif action in ("yes", "no") and key != "-":
        await _settle_replacement(query, svc, user.id, language, key, replace=action == "yes")


async def _settle_replacement(
    query: object, svc: Services, staff_id: int, language: str, key: str, *, replace: bool
) -> None:
    pending = svc.store.voice_request(staff_id)
    if pending is None or (pending.key, pending.language) != (key, language) or not pending.file_id:
        await send_or_edit(query, _("Ce choix n'est plus valable."), None)  # type: ignore[arg-type]
        return
    if replace:
        svc.store.save_voice_note(key, language, pending.file_id, staff_id=staff_id)
        said = _("✅ Enregistré.")
    else:
        svc.store.clear_voice_request(staff_id)
        said = _("D'accord, l'ancien enregistrement reste.")
    view = views.list_view(svc.dialogs, language, svc.store.recorded_keys(language))
    await send_or_edit(query, f"{said}\n\n{view[0]}", view[1])  # type: ignore[arg-type]


async def _send_voice(bot: Bot, chat_id: int, file_id: str) -> bool:
    """False when the server refused it (one without voice notes): the text is enough."""
    try:
        await bot.send_voice(chat_id, file_id)
    except TelegramError as error:
        log.info("voice note not sent: %s", type(error).__name__)
        return False
    return True


@in_french
async def on_voice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A staff member's voice message: the recording they were asked for."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.voice is None:
        return
    svc = services(context)
    pending = svc.store.voice_request(user.id)
    if pending is None:
        await reply(message, _("Pour enregistrer une question, tapez /voix."))
        return
    file_id = message.voice.file_id
    if svc.store.voice_note(pending.key, pending.language) is None:
        svc.store.save_voice_note(pending.key, pending.language, file_id, staff_id=user.id)
        view = views.list_view(
            svc.dialogs, pending.language, svc.store.recorded_keys(pending.language)
        )
        await reply(message, _("✅ Enregistré.") + "\n\n" + view[0], reply_markup=view[1])
        return
    svc.store.expect_voice(user.id, pending.key, pending.language, file_id=file_id)
    text, markup = views.replace_view(pending.language, pending.key)
    await reply(message, text, reply_markup=markup)


@in_french
async def on_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """/annuler while a recording is awaited; False when there was none."""
    user = update.effective_user
    message = update.effective_message
    svc = services(context)
    if user is None or message is None or svc.store.voice_request(user.id) is None:
        return False
    svc.store.clear_voice_request(user.id)
    await reply(message, _("D'accord, c'est annulé."))
    return True


# --- routing ----------------------------------------------------------------------------------


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any `v:` button: a candidate's "🔊" in their own private chat, or a staff screen."""
    query = update.callback_query
    if query is None:
        return
    data = callbacks.parse(query.data)
    svc = services(context)
    if data is None or not own_private(update):
        await query.answer(neutral_button_answer())
        return
    if data.action == views.PLAY:
        await _play(update, svc, data.subject)
    elif data.subject == views.ALOUD:
        await _aloud(update, svc)
    elif is_staff(update, context):
        await on_staff_button(update, context)
    else:
        await query.answer(neutral_button_answer())
