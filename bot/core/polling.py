"""Exactly-once processing of updates, and long polling that loses none.

python-telegram-bot's own updater acknowledges a batch of updates (the next getUpdates'
`offset`) before processing it, so a crash loses them. Here each batch is written to the
inbox (a SQLite table, synced) before the next getUpdates acknowledges it; updates are then
processed side by side (bot/core/processor.py) and leave the inbox once finished. After a
crash the next start processes what is left in the inbox first; an update already recorded
as processed is skipped (`TremplinApplication.process_update`), so processing it twice
changes nothing. Acknowledged at once, Telegram sends only news: the long poll waits for
them instead of bringing back, again and again, updates still being processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sqlite3
from collections import deque
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application

from bot.core.reliability import ReliabilityStore
from bot.core.services import services
from bot.core.telegram_bot import TremplinBot
from bot.core.updates import parse_update

log = logging.getLogger(__name__)

POLL_TIMEOUT = 20  # seconds a getUpdates call may wait for news
MAX_BACKOFF = 30
FETCH_LIMIT = 100  # updates per getUpdates (Telegram's maximum)
MAX_UNFINISHED = 1000  # updates fetched and not finished before fetching waits
SEEN_KEPT = 5000  # ids of dispatched updates remembered, to drop a batch sent again
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


class InboxQueue(asyncio.Queue):  # type: ignore[type-arg]
    """The update queue of webhook mode. python-telegram-bot's webhook server awaits `put`
    before it answers Telegram, so each update is in the inbox (synced) before Telegram is
    told it arrived; the update processor takes it out once done with (`finished`), and
    `replay_inbox` puts back at start what a crash left. A failed write answers Telegram
    500, and Telegram sends the update again later."""

    def __init__(self, store: ReliabilityStore) -> None:
        super().__init__()
        self.store = store

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            self.store.keep_update(item.update_id, item.to_json())
        await super().put(item)

    def finished(self, update: object) -> None:
        if isinstance(update, Update):
            self.store.update_finished(update.update_id)


async def replay_inbox(application: Application) -> None:  # type: ignore[type-arg]
    """Webhook mode, at start: the updates a previous run received and did not finish."""
    queue = application.update_queue
    if not isinstance(queue, InboxQueue):
        return
    bodies = queue.store.unfinished_updates()
    for body in bodies:
        await queue.put(parse_update(json.loads(body), application.bot))
    if bodies:
        log.info("%d update(s) left unfinished by the last run: processed again", len(bodies))


class _Seen:
    """Ids of the updates dispatched lately (running or done): a batch that comes again (its
    acknowledgement was lost with a crash, say) is not even parsed."""

    def __init__(self, kept: int = SEEN_KEPT) -> None:
        self._order: deque[int] = deque()
        self._ids: set[int] = set()
        self.kept = kept

    def __contains__(self, update_id: object) -> bool:
        return update_id in self._ids

    def add(self, update_id: int) -> None:
        if update_id in self._ids:
            return
        self._order.append(update_id)
        self._ids.add(update_id)
        while len(self._order) > self.kept:
            self._ids.discard(self._order.popleft())


async def poll(application: Application, stop: asyncio.Event) -> None:  # type: ignore[type-arg]
    """Fetch updates, keep them in the inbox, acknowledge them, and hand each to the update
    processor (side by side across chats, in order within a chat: bot/core/processor.py)
    until `stop` is set; then let those running finish. At start, what a previous run left
    unfinished in the inbox is processed first."""
    processor = application.update_processor
    bot = application.bot
    store = services(application).store
    seen = _Seen()
    if isinstance(bot, TremplinBot):
        bot.watch(skip_update_ids=seen)  # fetched again: not even parsed
    tasks: set[asyncio.Task[None]] = set()
    finished: list[int] = []  # done since the inbox was last written: their rows go then
    progress = asyncio.Event()

    def dispatch(update: Update) -> None:
        seen.add(update.update_id)
        task = asyncio.create_task(
            processor.process_update(update, application.process_update(update))
        )
        tasks.add(task)

        def done(task: asyncio.Task[None]) -> None:
            tasks.discard(task)
            if task.cancelled():
                return  # not finished: it stays in the inbox for the next start
            finished.append(update.update_id)
            progress.set()
            if task.exception() is not None:
                log.error("update %s failed: %s", update.update_id, type(task.exception()).__name__)

        task.add_done_callback(done)

    for body in store.unfinished_updates():
        dispatch(parse_update(json.loads(body), bot))
    if tasks:
        log.info("%d update(s) left unfinished by the last run: processed again", len(tasks))

    offset: int | None = None
    backoff = 1.0
    try:
        while not stop.is_set():
            if len(tasks) >= MAX_UNFINISHED:
                # Memory stays bounded: Telegram keeps the rest until one finishes.
                progress.clear()
                await progress.wait()
                continue
            fetch = asyncio.ensure_future(_fetch(bot, offset))
            stopping = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if fetch not in done:
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError, TelegramError):
                    await fetch
                break
            stopping.cancel()
            try:
                fetched, highest = fetch.result()
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
            fresh = [(update, raw) for update, raw in fetched if update.update_id not in seen]
            done_ids, finished[:] = list(finished), []
            try:
                # On disk before the next getUpdates acknowledges them.
                store.keep_updates(
                    [(u.update_id, json.dumps(raw, ensure_ascii=False)) for u, raw in fresh],
                    done_ids,
                )
            except sqlite3.Error as error:
                # Not acknowledged: Telegram sends them again once the disk is back.
                finished.extend(done_ids)
                log.error("updates not kept (%s); fetching them again", error)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            if highest is not None:
                offset = highest + 1
            for update, _ in fresh:
                dispatch(update)
    finally:
        if tasks:
            # Let the updates under way finish (cancelled ones stay in the inbox).
            _, late = await asyncio.wait(set(tasks), timeout=SHUTDOWN_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        with contextlib.suppress(sqlite3.Error):
            store.keep_updates([], finished)
        if offset is not None:
            # Acknowledge the last batch, so that the next start does not fetch it again.
            with contextlib.suppress(TelegramError):
                await bot.get_updates(offset=offset, timeout=0, limit=1)


async def _fetch(
    bot: Any, offset: int | None
) -> tuple[list[tuple[Update, dict[str, Any]]], int | None]:
    """A long poll: Telegram answers as soon as there is news, or after POLL_TIMEOUT."""
    arguments: dict[str, Any] = {
        "offset": offset,
        "timeout": POLL_TIMEOUT,
        "limit": FETCH_LIMIT,
        "allowed_updates": list(Update.ALL_TYPES),
    }
    if isinstance(bot, TremplinBot):
        return await bot.fetch_updates(**arguments)
    # Another Bot (tests may give one): no raw JSON, so the inbox keeps its dict form.
    updates = await bot.get_updates(**arguments)
    highest = max((update.update_id for update in updates), default=None)
    return [(update, update.to_dict()) for update in updates], highest


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
