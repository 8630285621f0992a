"""Text that a staff member was asked to type (a note, a reason, a date, a slot's place…).

A staff dialogue calls `expect(...)` and registers a handler for its `kind` with
`on_input(kind)`. The pending request lives in SQLite, so it survives a restart. Staff text
is looked at before the candidate handlers (group -1): when nothing is pending, it goes on
to them as usual.

An answer counts only where it was asked: in the staff member's own private chat, or in the
staff group as a reply to the bot's prompt. Text elsewhere (another group, a message in the
staff group that replies to nothing) is not taken, and nothing is sent there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Message, Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from bot.access import OWN_PRIVATE, is_staff, own_private
from bot.core.i18n import _
from bot.services import services

InputHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, dict[str, Any]], Awaitable[None]]
_handlers: dict[str, InputHandler] = {}

CANCEL_WORDS = frozenset({"/annuler", "annuler"})


def on_input(kind: str) -> Callable[[InputHandler], InputHandler]:
    """Register the handler of one kind of typed staff input."""

    def register(handler: InputHandler) -> InputHandler:
        _handlers[kind] = handler
        return handler

    return register


def expect(
    context: ContextTypes.DEFAULT_TYPE,
    user_id: int,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    prompt: Message | None = None,
) -> None:
    """The next text this staff member sends answers `kind` (replaces any earlier request):
    in their own private chat, or, given the bot's `prompt` in a group, as a reply to it."""
    if kind not in _handlers:
        raise KeyError(f"no handler registered for staff input {kind!r}")
    in_group = prompt is not None and prompt.chat.type != "private"
    services(context).store.expect_staff_input(
        user_id,
        kind,
        payload or {},
        chat_id=prompt.chat_id if in_group and prompt else None,
        prompt_id=prompt.message_id if in_group and prompt else None,
    )


def done(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> None:
    services(context).store.clear_staff_input(user_id)


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
    """Route a staff member's text to the dialogue waiting for it, if any."""
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None or message.text is None or not is_staff(update, context):
        return
    store = services(context).store
    pending = store.staff_input(user.id)
    place = store.staff_input_place(user.id)
    if pending is None or place is None:
        return
    kind, payload = pending
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
    handler = _handlers.get(kind)
    if handler is None:
        done(context, user.id)
        return
    await handler(update, context, payload)
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
