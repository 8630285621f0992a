"""Exactly-once processing of updates, and long polling that acknowledges only what is done.

python-telegram-bot's own updater acknowledges a batch of updates (the next getUpdates'
`offset`) before processing it, so a crash loses them. Here updates are processed side by
side (bot/core/processor.py) and the offset only moves past updates that are all finished and
recorded in SQLite (a low-water mark); after a crash Telegram redelivers the rest, and an
update already recorded is skipped (`TremplinApplication.process_update`). At start nothing
is assumed: Telegram sends everything not yet acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3
from collections import deque

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application

from bot.core.services import services
from bot.core.telegram_bot import TremplinBot

log = logging.getLogger(__name__)

POLL_TIMEOUT = 20  # seconds a getUpdates call may wait for news
MAX_BACKOFF = 30
FETCH_LIMIT = 100  # updates per getUpdates (Telegram's maximum)
MAX_UNFINISHED = 1000  # updates fetched and not finished before fetching waits
# Seconds before fetching again when only updates still running came back: Telegram answers
# at once while any update is unacknowledged, so a long poll is not possible then; each
# fetch is a round trip anyway, this only keeps a Bot API next door from spinning.
BUSY_POLL_WAIT = 0.01
PASSED_KEPT = 1000  # ids remembered after the offset passed them
SHUTDOWN_GRACE = 20  # seconds the updates under way get to finish at shutdown


class TremplinApplication(Application):  # type: ignore[type-arg]
    """An Application that skips updates already processed and records each one done."""

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        svc = services(self)
        svc.refresh()  # an edited dialogs/journey.toml is used from this update on
        store = svc.store
        if store.was_processed(update.update_id):
            log.info("update %s was already processed: skipped", update.update_id)
            return
        if update.update_id < store.last_update_id() - MAX_UNFINISHED:
            # After a week without updates Telegram may pick the next id at random.
            log.warning(
                "update ids restarted: %s after %s", update.update_id, store.last_update_id()
            )
        user = update.effective_user
        if user is not None and store.is_blocked(user.id):
            store.clear_blocked(user.id)  # writing to the bot again means it is unblocked
        store.begin_update(update.update_id)
        try:
            await super().process_update(update)
        finally:
            try:
                store.end_update()
            except sqlite3.Error as error:
                # The handler already told the person; the update will come again if unsaved.
                log.error("update %s not recorded: %s", update.update_id, error)


class _Acknowledgements:
    """Updates fetched and not yet acknowledged, in arrival order, each running or done.

    Telegram acknowledges by offset (every update before it), so the offset is the first
    update, in arrival order, that is not finished yet (a low-water mark): a crash loses none,
    and what comes again is skipped here (running or done) or by the processed record."""

    def __init__(self) -> None:
        self.fetched: dict[int, bool] = {}  # update id -> finished, in arrival order
        # Finished and passed by the offset, but a getUpdates sent before may still bring
        # them: the last ones are remembered too.
        self.passed: deque[int] = deque(maxlen=PASSED_KEPT)
        self._passed: set[int] = set()
        self.after_last: int | None = None  # the offset once everything is finished
        self.progress = asyncio.Event()

    def __contains__(self, update_id: object) -> bool:
        """Fetched already: running, or done (acknowledged or not)."""
        return update_id in self.fetched or update_id in self._passed

    def offset(self) -> int | None:
        while self.fetched:
            first, finished = next(iter(self.fetched.items()))
            if not finished:
                return first
            del self.fetched[first]
            if len(self.passed) == self.passed.maxlen:
                self._passed.discard(self.passed[0])
            self.passed.append(first)
            self._passed.add(first)
        return self.after_last

    def arrived(self, update_id: int) -> bool:
        """False when this update was fetched already (running, or done)."""
        if update_id in self:
            return False
        self.fetched[update_id] = False
        self.after_last = update_id + 1
        return True

    def finished(self, update_id: int) -> None:
        if update_id in self.fetched:
            self.fetched[update_id] = True
        self.progress.set()

    def unfinished(self) -> int:
        return sum(1 for done in self.fetched.values() if not done)


async def poll(application: Application, stop: asyncio.Event) -> None:  # type: ignore[type-arg]
    """Fetch updates and hand each to the update processor (side by side across chats, in
    order within a chat: bot/core/processor.py) until `stop` is set; then let those running
    finish."""
    processor = application.update_processor
    acks = _Acknowledgements()
    bot = application.bot
    if isinstance(bot, TremplinBot):
        bot.watch(skip_update_ids=acks)  # fetched again: not even parsed
    tasks: set[asyncio.Task[None]] = set()

    def dispatch(update: Update) -> None:
        task = asyncio.create_task(
            processor.process_update(update, application.process_update(update))
        )
        tasks.add(task)

        def done(task: asyncio.Task[None]) -> None:
            tasks.discard(task)
            acks.finished(update.update_id)
            if not task.cancelled() and task.exception() is not None:
                log.error("update %s failed: %s", update.update_id, type(task.exception()).__name__)

        task.add_done_callback(done)

    backoff = 1.0
    try:
        while not stop.is_set():
            acks.progress.clear()
            fetch = asyncio.ensure_future(
                application.bot.get_updates(
                    offset=acks.offset(),
                    timeout=POLL_TIMEOUT,
                    limit=FETCH_LIMIT,
                    allowed_updates=Update.ALL_TYPES,
                )
            )
            stopping = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if fetch not in done:
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError, TelegramError):
                    await fetch
                break
            stopping.cancel()
            try:
                updates = fetch.result()
            except TimedOut:
                continue
            except (InvalidToken, Conflict):
                raise
            except NetworkError as error:
                log.warning(
                    "getUpdates failed (%s); retrying in %.0f s", type(error).__name__, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            fresh = [update for update in updates if acks.arrived(update.update_id)]
            for update in fresh:
                dispatch(update)
            if len(tasks) >= MAX_UNFINISHED:
                await acks.progress.wait()  # memory stays bounded: wait until one finishes
            elif not fresh and tasks:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(acks.progress.wait(), BUSY_POLL_WAIT)
    finally:
        if tasks:
            # Let the updates under way finish (they are not acknowledged otherwise, and
            # would come again after the restart anyway).
            _, late = await asyncio.wait(set(tasks), timeout=SHUTDOWN_GRACE)
            for task in late:
                task.cancel()
        offset = acks.offset()
        if offset is not None:
            # Acknowledge what finished, so that the next start does not fetch it again.
            with contextlib.suppress(TelegramError):
                await application.bot.get_updates(offset=offset, timeout=0, limit=1)


async def run(application: Application) -> None:  # type: ignore[type-arg]
    """Run the bot with long polling until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with application:
        try:
            await application.bot.delete_webhook(drop_pending_updates=False)
        except TelegramError as error:
            log.warning("could not remove a webhook: %s", type(error).__name__)
        if application.post_init:
            await application.post_init(application)
        await application.start()
        log.info("ready: polling for updates")
        try:
            await poll(application, stop)
        finally:
            await application.stop()
            if application.post_shutdown:
                await application.post_shutdown(application)
