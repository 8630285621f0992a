"""Staff review in Telegram (issue #4): who may act and where, the routing of staff buttons,
the commands and the staff's command menus. Cards and decisions live in `staff_cards`, the
queue, search, export and figures in `staff_screens`.

Every decision is a compare-and-set in the store (state and review version): two staff
members tapping at once record one decision, the other is told who decided and when, and
the candidate gets one message. Anyone who is not staff, or a staff command used outside a
private chat or the staff group, gets the same neutral answer as an unknown command.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    Message,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    Application as TelegramApp,
)
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.core import callbacks
from bot.core import typed_input as staff_input
from bot.core.access import (
    OWN_PRIVATE,
    is_staff,
    neutral_button_answer,
    neutral_command_answer,
    own_private,
    staff_place,
)
from bot.core.i18n import N_, _
from bot.core.services import Services, services
from bot.core.states import State
from bot.core.store import NotFoundError
from bot.staff import callback_views, queue_views
from bot.staff import notice as staff_notice
from bot.staff.cards import on_callback_button, on_card_button, show_card
from bot.staff.screens import (
    export_command,
    on_queue_button,
    open_file,
    queue,
    search,
    stats_command,
)

log = logging.getLogger(__name__)

STAFF_COMMANDS = (
    ("file", N_("La file des candidatures, filtres et pages")),
    ("dossier", N_("Ouvrir une candidature : /dossier {prefix}-2026-0001")),
    ("cherche", N_("Chercher une candidature par nom")),
    ("export", N_("Le tableau des candidatures (Excel, ou /export csv)")),
    ("stats", N_("Les chiffres et le graphique")),
    ("aide", N_("Les commandes de l'équipe")),
)

# What PTB calls: a coroutine function (its HandlerCallback), not any awaitable.
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]


# --- who may do what, where ----------------------------------------------------------------


def staff_command(handler: Handler) -> Handler:
    """A staff command: anyone else gets what an unknown command gets (in a group: nothing)."""

    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        if is_staff(update, context) and staff_place(update, context):
            return await handler(update, context)
        if update.effective_message is not None and own_private(update):
            await update.effective_message.reply_text(neutral_command_answer())
        return None

    guarded.__doc__ = handler.__doc__
    return guarded


async def staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any `s:` button: checked here (the presser must be staff, not the chat), then run."""
    query = update.callback_query
    if query is None:
        return
    svc = services(context)
    if not (is_staff(update, context) and staff_place(update, context)):
        await query.answer(neutral_button_answer())
        return
    data = callbacks.parse(query.data)
    user = update.effective_user
    if data is None or user is None or not isinstance(query.message, Message):
        await query.answer(neutral_button_answer())
        return
    if data.subject == queue_views.QUEUE:
        await on_queue_button(query, svc, query.message, data.action)
        return
    subject, _dot, version = data.subject.partition(".")
    if not subject.isdigit() or (version and not version.isdigit()):
        await query.answer(neutral_button_answer())
        return
    try:
        application = svc.store.application(int(subject))
    except NotFoundError:
        await query.answer(_("Cette candidature n'existe plus."))
        return
    if application.state == State.DRAFT:
        await query.answer(neutral_button_answer())
        return
    if data.action == "open" and not version:
        await query.answer()
        await show_card(context, svc, query.message.chat_id, application, user)
        return
    if not version:
        await query.answer(neutral_button_answer())
        return
    if callback_views.is_callback(application):
        await on_callback_button(
            context, svc, query, query.message, user, application, int(version), data.action
        )
        return
    await on_card_button(
        context, svc, query, query.message, user, application, int(version), data.action
    )


# --- help, registration, command menus ---------------------------------------------------------


def staff_help_text(svc: Services) -> str:
    lines = [_("Les commandes de l'équipe :")]
    lines += [f"/{command.command} : {command.description}" for command in staff_menu(svc)]
    lines.append(_("/annuler : annuler une note ou une date en cours"))
    return "\n".join(lines)


async def staff_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/aide for staff: their commands."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(staff_help_text(services(context)))


def register(application: TelegramApp) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers; the staff's typed inputs come first of all."""
    staff_input.register(application)
    svc = services(application)
    staff_notice.staff_texts(svc)  # a broken staff.toml stops the start with a clear line
    new = filters.UpdateType.MESSAGE
    for name, callback in (
        ("file", queue),
        ("dossier", open_file),
        ("cherche", search),
        ("export", export_command),
        ("stats", stats_command),
    ):
        application.add_handler(CommandHandler(name, staff_command(callback), filters=new))
    if svc.settings.staff_ids:
        where: filters.BaseFilter = OWN_PRIVATE
        if svc.settings.staff_chat_id is not None:
            where = where | filters.Chat(chat_id=svc.settings.staff_chat_id)
        application.add_handler(
            CommandHandler(
                ["aide", "help"],
                staff_help,
                filters=new & where & filters.User(user_id=sorted(svc.settings.staff_ids)),
            )
        )
    application.add_handler(CallbackQueryHandler(staff_button, pattern=rf"^{callbacks.STAFF}:"))


def staff_menu(svc: Services) -> list[BotCommand]:
    """The staff's command menu: every feature's staff commands, in registry order."""
    return [BotCommand(name, _(description)) for name, description in svc.staff_commands]


async def on_start(application: TelegramApp) -> None:  # type: ignore[type-arg]
    """At every start: the staff command menu, for each staff member's chat and the staff
    group only (per-chat scopes); best effort, a chat never seen is skipped."""
    svc = services(application)
    commands = staff_menu(svc)
    chats = sorted(svc.settings.staff_ids)
    if svc.settings.staff_chat_id is not None:
        chats.append(svc.settings.staff_chat_id)
    for chat_id in chats:
        try:
            await application.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
        except TelegramError as error:
            log.info("staff command menu not set for a chat: %s", type(error).__name__)
