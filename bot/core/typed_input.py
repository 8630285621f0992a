"""Forms that staff fill in by typing (a note, a reason, a date, a new slot, a new referrer…).

A dialogue is declared as data: a `Form` is a name, ordered `Field`s and what to do with the
values at the end. A field has a prompt, a parser (the typed text gives a value, or a
`Refused` answer in plain words: the same field is asked again, nothing is lost), and may
have buttons that answer it with a tap (a choice, "skip", "the usual address").

Which form, which field and the values so far live in SQLite (the `staff_inputs` row of the
staff member), so a restart goes on at the same field. Staff text is looked at before the
candidate handlers (group -1): when nothing is pending, it goes on to them as usual.

An answer counts only where it was asked: in the staff member's own private chat, or in the
staff group as a reply to the bot's prompt. Text elsewhere (another group, a message in the
staff group that replies to nothing) is not taken, and nothing is sent there. A button
answers only the field that is pending now: one of a finished or another form gets the
neutral answer.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    User,
)
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from bot.core import callbacks
from bot.core.access import OWN_PRIVATE, is_staff, neutral_button_answer, own_private
from bot.core.i18n import _
from bot.core.services import Services, services
from bot.core.telegram_bot import edit_or_reply as edit

log = logging.getLogger(__name__)

CANCEL_WORDS = frozenset({"/annuler", "annuler"})

Values = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Refused:
    """Why a typed answer is not taken, said to the staff member; `buttons`: show the
    field's buttons again under it."""

    text: str
    buttons: bool = False


@dataclass(frozen=True, slots=True)
class Choice:
    """A button that answers its field: `action` in the callback data, `value` the answer."""

    label: str
    action: str
    value: Any = None


@dataclass(frozen=True, slots=True)
class Field:
    """One question. `prompt(svc, values)` and `parse(svc, text, values)` see the earlier
    answers; `parse` returns the value or `Refused`. Buttons are `<prefix>:<subject>:<action>`."""

    id: str
    prompt: Callable[[Services, Values], str]
    parse: Callable[[Services, str, Values], Any]
    subject: str = ""
    choices: Callable[[Services, Values], list[Choice]] | None = None
    cancel_label: Callable[[], str] | None = None  # a button that ends the form


OnDone = Callable[[ContextTypes.DEFAULT_TYPE, Services, Update, Values], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Form:
    """A dialogue: its fields in order, then `on_done(context, svc, update, values)` (the
    update is the last answer's: a typed message, or a tap)."""

    name: str
    fields: tuple[Field, ...]
    on_done: OnDone
    prefix: str = ""  # the callback family of its buttons (callbacks.SLOTS…)
    cancel: tuple[str, str] = ("", "")  # subject and action of the cancel button

    def field(self, field_id: object) -> int | None:
        return next((i for i, f in enumerate(self.fields) if f.id == field_id), None)


_forms: dict[str, Form] = {}


def form(declared: Form) -> Form:
    """Register a form (at import: a pending one is found again after a restart)."""
    _forms[declared.name] = declared
    return declared


# --- asking -----------------------------------------------------------------------------------


def keyboard(
    form: Form, field: Field, svc: Services, values: Values
) -> InlineKeyboardMarkup | None:
    """The field's buttons, one a row, then its cancel button; None without any."""
    choices = field.choices(svc, values) if field.choices else []
    rows = [[_button(c.label, form.prefix, field.subject, c.action)] for c in choices]
    if field.cancel_label is not None:
        rows.append([_button(field.cancel_label(), form.prefix, *form.cancel)])
    return InlineKeyboardMarkup(rows) if rows else None


def _button(label: str, prefix: str, subject: str, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.make(prefix, subject, action))


async def _prompt(
    message: Message, user: User, text: str, markup: InlineKeyboardMarkup | None
) -> Message:
    """The question as a reply. In a group, the bot reads only replies to it: ask for one
    from this person only. `selective` targets the people mentioned: a real mention of the
    staff member (a card the prompt replies to is the bot's own: a reply targets nobody)."""
    if message.chat.type == "private":
        return await message.reply_text(text, reply_markup=markup)
    mention = user.first_name
    return await message.reply_text(
        f"{mention}, {text}",
        entities=[
            MessageEntity(
                MessageEntity.TEXT_MENTION, 0, len(mention.encode("utf-16-le")) // 2, user=user
            )
        ],
        reply_markup=markup
        or ForceReply(selective=True, input_field_placeholder=_("Votre réponse")),
    )


def _keep(
    context: ContextTypes.DEFAULT_TYPE,
    user_id: int,
    form: Form,
    field: Field,
    values: Values,
    prompt: Message | None,
) -> None:
    """The next answer of this staff member is for `field` (replaces any earlier form): in
    their own private chat, or, given the bot's `prompt` in a group, as a reply to it."""
    in_group = prompt is not None and prompt.chat.type != "private"
    services(context).store.expect_staff_input(
        user_id,
        form.name,
        {"field": field.id, "values": values},
        chat_id=prompt.chat_id if in_group and prompt else None,
        prompt_id=prompt.message_id if in_group and prompt else None,
    )


async def start(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message | None,
    user: User,
    form: Form,
    values: Values | None = None,
) -> None:
    """Ask the form's first field, as a reply to `message` (`values`: what it is about)."""
    if form.name not in _forms:
        raise KeyError(f"form {form.name!r} is not registered")
    svc, values, field = services(context), dict(values or {}), form.fields[0]
    prompt = None
    if message is not None:
        text = field.prompt(svc, values)
        prompt = await _prompt(message, user, text, keyboard(form, field, svc, values))
    _keep(context, user.id, form, field, values, prompt)


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> Message | None:
    """After a tap, replace the tapped message (or send a new one if it cannot be edited);
    after a typed answer, reply to it. Returns the message that shows the text (or None)."""
    query = update.callback_query
    if query is None:
        message = update.effective_message
        return None if message is None else await message.reply_text(text, reply_markup=markup)
    return await edit(query, text, markup)


async def _answered(
    context: ContextTypes.DEFAULT_TYPE,
    update: Update,
    user: User,
    form: Form,
    index: int,
    values: Values,
    value: Any,
) -> None:
    """A field is answered: ask the next one (where the answer was given), or finish."""
    svc = services(context)
    values = {**values, form.fields[index].id: value}
    if index + 1 == len(form.fields):
        done(context, user.id)
        await form.on_done(context, svc, update, values)
        return
    field = form.fields[index + 1]
    text, markup = field.prompt(svc, values), keyboard(form, field, svc, values)
    message = update.effective_message
    if update.callback_query is not None:
        prompt = await show(update, text, markup)
    else:
        prompt = None if message is None else await _prompt(message, user, text, markup)
    _keep(context, user.id, form, field, values, prompt)


def done(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> None:
    services(context).store.clear_staff_input(user_id)


def _pending(svc: Services, user_id: int) -> tuple[Form, int, Values] | None:
    """The form this staff member is filling in, the field it is at, the values so far."""
    pending = svc.store.staff_input(user_id)
    if pending is None:
        return None
    name, payload = pending
    found = _forms.get(name)
    index = None if found is None else found.field(payload.get("field"))
    values = payload.get("values")
    if found is None or index is None or not isinstance(values, dict):
        return None
    return found, index, values


# --- buttons ----------------------------------------------------------------------------------


async def tap(
    update: Update, context: ContextTypes.DEFAULT_TYPE, form: Form, subject: str, action: str
) -> None:
    """A button of `form`: it answers the pending field, or ends the form; any other (an old
    message's, another form's, a double tap) gets the neutral answer and changes nothing."""
    query = update.callback_query
    if query is None:
        return
    user = query.from_user
    pending = _pending(services(context), user.id)
    if pending is None or pending[0].name != form.name:
        await query.answer(neutral_button_answer())
        return
    _form, index, values = pending
    if (subject, action) == form.cancel:
        done(context, user.id)
        await query.answer()
        await show(update, _("D'accord, c'est annulé."), None)
        return
    field = form.fields[index]
    choices = field.choices(services(context), values) if field.choices else []
    choice = next((c for c in choices if c.action == action), None)
    if subject != field.subject or choice is None:
        await query.answer(neutral_button_answer())
        return
    await query.answer()
    await _answered(context, update, user, form, index, values, choice.value)


# --- typed text -------------------------------------------------------------------------------


def _answers_prompt(
    update: Update, message: Message, chat_id: int | None, prompt_id: int | None
) -> bool:
    """The message is typed where the input was asked (see the module's docstring)."""
    if chat_id is None:
        return own_private(update)
    reply = message.reply_to_message
    return (
        message.chat_id == chat_id
        and prompt_id is not None
        and reply is not None
        and reply.message_id == prompt_id
    )


async def dispatch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a staff member's text to the form waiting for it, if any."""
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None or message.text is None or not is_staff(update, context):
        return
    svc = services(context)
    place = svc.store.staff_input_place(user.id)
    if place is None:
        return
    chat_id, prompt_id = place
    asked_here = _answers_prompt(update, message, chat_id, prompt_id)
    cancel = message.text.strip().lower() in CANCEL_WORDS
    if cancel and (asked_here or own_private(update) or message.chat_id == chat_id):
        done(context, user.id)
        await message.reply_text(_("D'accord, c'est annulé."))
        raise ApplicationHandlerStop
    if not asked_here:
        if own_private(update):
            # Asked in the staff group: say where the answer is awaited, take nothing here.
            await message.reply_text(
                _(
                    "J'attends votre réponse dans le groupe de l'équipe : répondez à mon "
                    "message là-bas. Ou tapez /annuler."
                )
            )
            raise ApplicationHandlerStop
        return
    pending = _pending(svc, user.id)
    if pending is None:  # a form this version does not know: forget it
        done(context, user.id)
        return
    form, index, values = pending
    field = form.fields[index]
    value = field.parse(svc, message.text, values)
    if isinstance(value, Refused):
        markup = keyboard(form, field, svc, values) if value.buttons else None
        await message.reply_text(value.text, reply_markup=markup)
    else:
        await _answered(context, update, user, form, index, values, value)
    raise ApplicationHandlerStop


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, a photo… while a staff dialogue waits for text: say so, keep waiting."""
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None or not is_staff(update, context):
        return
    place = services(context).store.staff_input_place(user.id)
    if place is None or place[0] is not None:  # nothing pending here, in this private chat
        return
    await message.reply_text(_("J'attends un texte. Tapez /annuler pour arrêter."))
    raise ApplicationHandlerStop


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & ((filters.TEXT & ~filters.COMMAND) | filters.Regex(r"^/annuler\b")),
            dispatch,
        ),
        group=-1,
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & OWN_PRIVATE & ~filters.TEXT, not_text),
        group=-1,
    )
