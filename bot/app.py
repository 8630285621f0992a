"""Build the telegram `Application`: one factory used by `run`, the demo, the tests and the
benchmark, so that all of them drive the very same bot."""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.core import i18n
from bot.core.dialog_files import start_all
from bot.core.dialogs import JOURNEY
from bot.core.i18n import _
from bot.core.polling import InboxQueue, TremplinApplication, replay_inbox
from bot.core.processor import FloodBudget, OrderedUpdateProcessor
from bot.core.ratelimit import RetryingRateLimiter
from bot.core.services import KEY, Services, in_language_of
from bot.core.settings import Settings
from bot.core.store import utcnow
from bot.core.telegram_bot import make_bot, send_text
from bot.features import FEATURES, staff_commands
from bot.store import Store

log = logging.getLogger(__name__)

# Without a token (demo, tests) the bot still needs one of the right shape.
OFFLINE_TOKEN = "1000000001:offline-demo-token"


def build_application(
    settings: Settings,
    *,
    store: Store | None = None,
    request: BaseRequest | None = None,
    clock: Callable[[], datetime] = utcnow,
    rate_limit: bool = False,
) -> Application:  # type: ignore[type-arg]
    """The bot, ready to `initialize()`; `request` replaces the network (localapi).

    Every feature's `dialogs/*.toml` is read and validated first: DialogError lists every
    problem of every file (the bot does not start on broken dialogs). While it runs, each
    file is read again when it changes (bot.core.dialog_files)."""
    i18n.setup(
        settings.locales_dir, timezone=settings.timezone, extra=settings.structure_locales_dir
    )
    start_all(settings.dialogs_dir, (f for feature in FEATURES for f in feature.dialog_files))
    dialogs = JOURNEY.live(settings.dialogs_dir)
    store = store or Store.open(settings.database, clock=clock, backups=settings.backup_plan)
    bot = make_bot(
        token=settings.token or OFFLINE_TOKEN,
        base_url=settings.api_url,
        base_file_url=settings.api_file_url,
        request=request,
        # Keeps under Telegram's flood limits, retries a 429 after its retry_after and a
        # request lost to the network with back-off.
        rate_limiter=RetryingRateLimiter(max_retries=3)
        if rate_limit and settings.rate_limit
        else None,
    )

    def in_transaction() -> bool:
        try:
            return store.db.conn.in_transaction
        except sqlite3.ProgrammingError:  # closed: nothing is open, and an alert must still go
            return False

    bot.watch(in_transaction=in_transaction)
    processor = OrderedUpdateProcessor(
        settings.concurrent_updates,
        budget=FloodBudget(settings.flood_updates, settings.flood_seconds)
        if settings.flood_updates
        else None,
        exempt=settings.is_staff,  # staff are never held back from a decision
    )
    builder: ApplicationBuilder = (  # type: ignore[type-arg]
        Application.builder()
        .bot(bot)
        .post_init(_post_init)
        .application_class(TremplinApplication)
        .concurrent_updates(processor)
    )
    if settings.webhook_url:
        # Each update on disk before the webhook server answers Telegram (polling keeps
        # its own inbox: bot/core/polling.py).
        inbox = InboxQueue(store)
        builder = builder.update_queue(inbox)
        processor.finished = inbox.finished
    application = builder.build()
    processor.on_throttled = functools.partial(_tell_slow_down, application)
    application.bot_data[KEY] = Services(
        settings=settings,
        store=store,
        dialogs=dialogs,
        clock=clock,
        staff_commands=staff_commands(),
    )
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Each feature's handlers, in registry order (the first matching handler wins)."""
    for feature in FEATURES:
        if feature.register is not None:
            feature.register(application)


async def _tell_slow_down(application: Application, update: Update) -> None:  # type: ignore[type-arg]
    """Once per flood: the person's next updates are dropped until her budget has room."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    svc: Services = application.bot_data[KEY]
    with in_language_of(svc, user.id):
        text = _("Doucement, je réponds à vos messages dans l'ordre.")
    try:
        await send_text(application.bot, chat.id, text)
    except TelegramError as error:
        log.info("the slow-down notice was not sent: %s", type(error).__name__)


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    """At start, each feature's work: command menus, jobs rebuilt from the database, what a
    crash left owed."""
    for feature in FEATURES:
        if feature.on_start is not None:
            await feature.on_start(application)
    await replay_inbox(application)
