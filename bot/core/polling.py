"""Exactly-once processing of updates, and long polling that acknowledges only what is done.

python-telegram-bot's own updater acknowledges a batch of updates (the next getUpdates'
`offset`) before processing it, so a crash loses them. Here the offset only moves past an
update once it is processed and recorded in SQLite; after a crash Telegram redelivers the
rest, and an update already recorded is skipped (`TremplinApplication.process_update`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application

from bot.core.services import services

log = logging.getLogger(__name__)

POLL_TIMEOUT = 20  # seconds a getUpdates call may wait for news
MAX_BACKOFF = 30


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
        if update.update_id < store.last_update_id():
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


async def poll(application: Application, stop: asyncio.Event) -> None:  # type: ignore[type-arg]
    """Fetch and process updates one at a time until `stop` is set."""
    store = services(application).store
    offset = store.last_update_id() + 1
    backoff = 1.0
    while not stop.is_set():
        fetch = asyncio.ensure_future(
            application.bot.get_updates(
                offset=offset, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES
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
            log.warning("getUpdates failed (%s); retrying in %.0f s", type(error).__name__, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        backoff = 1.0
        for update in updates:
            # Processed and recorded before the next getUpdates acknowledges it.
            await application.process_update(update)
            offset = update.update_id + 1
            if stop.is_set():
                break


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
