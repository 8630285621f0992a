"""Build the telegram `Application`: one factory used by `run`, the demo, the tests and the
benchmark, so that all of them drive the very same bot."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import callbacks, i18n, jobs, retention
from bot.config import Settings
from bot.context import KEY, Services
from bot.dialogs import Dialogs, load_dialogs
from bot.handlers import (
    candidate,
    common,
    outbox,
    referrers,
    rights,
    slots,
    staff,
    staff_input,
)
from bot.handlers.access import OWN_PRIVATE, candidate_button
from bot.i18n import N_, _
from bot.polling import TremplinApplication
from bot.ratelimit import RetryingRateLimiter
from bot.store import Store, utcnow
from bot.telegram_bot import make_bot

log = logging.getLogger(__name__)

# Without a token (demo, tests) the bot still needs one of the right shape.
OFFLINE_TOKEN = "1000000001:offline-demo-token"

CANDIDATE_COMMANDS = (
    ("start", N_("Commencer ou reprendre ma candidature")),
    ("statut", N_("Où en est ma candidature")),
    ("rdv", N_("Mon rendez-vous")),
    ("aide", N_("Ce que le robot sait faire")),
    ("recommencer", N_("Tout reprendre depuis le début")),
    ("retirer", N_("Retirer ma candidature")),
    ("mesdonnees", N_("Recevoir mes données")),
    ("supprimer", N_("Effacer mes données")),
)


def build_application(
    settings: Settings,
    *,
    store: Store | None = None,
    dialogs: Dialogs | None = None,
    request: BaseRequest | None = None,
    clock: Callable[[], datetime] = utcnow,
    rate_limit: bool = False,
) -> Application:  # type: ignore[type-arg]
    """The bot, ready to `initialize()`; `request` replaces the network (localapi)."""
    i18n.setup(settings.locales_dir, timezone=settings.timezone)
    dialogs = dialogs or load_dialogs(settings.dialogs_dir)
    store = store or Store.open(settings.database, clock=clock)
    bot = make_bot(
        token=settings.token or OFFLINE_TOKEN,
        base_url=settings.api_url,
        base_file_url=settings.api_file_url,
        request=request,
        # Keeps under Telegram's flood limits, retries a 429 after its retry_after and a
        # request lost to the network with back-off.
        rate_limiter=RetryingRateLimiter(max_retries=3) if rate_limit else None,
    )
    builder: ApplicationBuilder = (  # type: ignore[type-arg]
        Application.builder().bot(bot).post_init(_post_init).application_class(TremplinApplication)
    )
    application = builder.build()
    application.bot_data[KEY] = Services(
        settings=settings, store=store, dialogs=dialogs, clock=clock
    )
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Order matters: the first matching handler of a group wins, so each feature's commands
    and buttons come before the candidate's catch-alls (unknown command, any text, any
    button)."""
    staff_input.register(application)
    for feature in (staff, slots, referrers):
        feature.register(application)
    # The sender's own private chat (a forged chat id gets no handler: silence).
    private = OWN_PRIVATE
    new_message = filters.UpdateType.MESSAGE
    commands = [
        ("start", candidate.start),
        ("aide", common.show_help),
        ("help", common.show_help),
        ("statut", rights.status),
        ("retirer", rights.withdraw),
        ("supprimer", rights.erase),
        ("recommencer", rights.restart),
        ("mesdonnees", rights.my_data),
    ]
    for name, callback in commands:
        application.add_handler(CommandHandler(name, callback, filters=private & new_message))
    application.add_handler(
        CommandHandler(
            ["start", "aide", "help"], common.group_notice, filters=filters.ChatType.GROUPS
        )
    )
    application.add_handler(
        CallbackQueryHandler(
            candidate_button(candidate.on_button), pattern=rf"^{callbacks.JOURNEY}:"
        )
    )
    application.add_handler(
        CallbackQueryHandler(candidate_button(rights.on_confirm), pattern=rf"^{callbacks.CONFIRM}:")
    )
    application.add_handler(CallbackQueryHandler(candidate_button(candidate.on_button)))  # forged
    application.add_handler(
        MessageHandler(private & new_message & filters.COMMAND, common.unknown_command)
    )
    application.add_handler(MessageHandler(private & new_message & filters.TEXT, candidate.on_text))
    application.add_handler(
        MessageHandler(private & new_message & filters.CONTACT, candidate.on_contact)
    )
    application.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, common.edited_message)
    )
    application.add_handler(MessageHandler(private & new_message, candidate.on_other_message))
    application.add_error_handler(common.on_error)


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    """At start: the command menu, and the jobs rebuilt from the database."""
    try:
        await application.bot.set_my_commands(
            [BotCommand(name, _(description)) for name, description in CANDIDATE_COMMANDS],
            scope=BotCommandScopeAllPrivateChats(),
        )
    except TelegramError as error:
        # Some Bot API servers lack command menus; the bot works without one.
        log.warning("command menu not set: %s", type(error).__name__)
    jobs.schedule(application)
    retention.schedule(application)
    outbox.schedule(application)  # its first sweep delivers what a crash left owed
    for feature in (staff, slots, referrers):
        await feature.on_start(application)
