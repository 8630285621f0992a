"""The bot's repeating jobs (sweeps, backups, purge, the database watch), each under its name."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.ext import ContextTypes

from bot.core.feature import TelegramApp

Job = Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]


def run_repeating(
    application: TelegramApp,
    job: Job,
    *,
    every: timedelta,
    first: float | timedelta,
    name: str,
) -> None:
    """Run `job` every `every`, the first time after `first` (seconds, or a duration), in
    place of any job of the same name (a second start must not run it twice); nothing when
    the application has no job queue."""
    queue = application.job_queue
    if queue is None:
        return
    for old in queue.get_jobs_by_name(name):
        old.schedule_removal()
    queue.run_repeating(job, interval=every, first=first, name=name)
