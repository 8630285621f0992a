"""The service's part of the bot: READY=1 once the job queue runs, then WATCHDOG=1."""

from __future__ import annotations

import logging
import os

from telegram.ext import ContextTypes

from bot.core.feature import Feature, TelegramApp
from bot.service.notify import notify, watchdog_interval

READY_JOB = "systemd-ready"
WATCHDOG_JOB = "systemd-watchdog"


async def ready(context: ContextTypes.DEFAULT_TYPE) -> None:
    notify("READY=1\nSTATUS=taking updates")


async def alive(context: ContextTypes.DEFAULT_TYPE) -> None:
    notify("WATCHDOG=1")


class _RoutineJobs(logging.Filter):
    """The scheduler's lines about these jobs (two a minute) would drown the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return READY_JOB not in text and WATCHDOG_JOB not in text


async def on_start(application: TelegramApp) -> None:
    queue = application.job_queue
    if not os.environ.get("NOTIFY_SOCKET") or queue is None:
        return
    logging.getLogger("apscheduler.executors.default").addFilter(_RoutineJobs())
    # Jobs run once the application has started: READY=1 means the bot takes updates.
    queue.run_once(ready, when=0, name=READY_JOB)
    interval = watchdog_interval()
    if interval is not None:
        queue.run_repeating(alive, interval=interval, first=0, name=WATCHDOG_JOB)


FEATURE = Feature(name="service", on_start=on_start)
