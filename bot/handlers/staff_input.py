"""Text that a staff member was asked to type (a note, a reason, a date, a slot's place…).

A staff dialogue calls `expect(...)` and registers a handler for its `kind` with
`on_input(kind)`. The pending request lives in SQLite, so it survives a restart. Staff text
is looked at before the candidate handlers (group -1): when nothing is pending, it goes on
to them as usual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from bot.context import services
from bot.handlers.access import is_staff
from bot.i18n import _

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
) -> None:
    """The next text this staff member sends answers `kind` (replaces any earlier request)."""
    if kind not in _handlers:
        raise KeyError(f"no handler registered for staff input {kind!r}")
    services(context).store.expect_staff_input(user_id, kind, payload or {})


def done(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> None:
    services(context).store.clear_staff_input(user_id)


async def dispatch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a staff member's text to the dialogue waiting for it, if any."""
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None or message.text is None or not is_staff(update, context):
        return
    pending = services(context).store.staff_input(user.id)
    if pending is None:
        return
    kind, payload = pending
    if message.text.strip().lower() in CANCEL_WORDS:
        done(context, user.id)
        await message.reply_text(_("D'accord, c'est annulé."))
        raise ApplicationHandlerStop
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
    if services(context).store.staff_input(user.id) is None:
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
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.TEXT, not_text
        ),
        group=-1,
    )
