"""RGPD retention: applications with no contact for `TREMPLIN_RETENTION_MONTHS` (24 by
default) are deleted — by `python -m bot purge`, and by a daily job while the bot runs."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram.ext import Application, ContextTypes

from bot.maintenance import redactions
from bot.services import services

log = logging.getLogger(__name__)

PURGE_JOB = "purge"


def cutoff(now: datetime, months: int) -> datetime:
    """`months` calendar months before `now` (a month is taken as 30.44 days)."""
    return now - timedelta(days=round(months * 30.44))


def schedule(application: Application) -> None:  # type: ignore[type-arg]
    queue = application.job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(PURGE_JOB):
        job.schedule_removal()
    queue.run_repeating(purge_job, interval=timedelta(days=1), first=120, name=PURGE_JOB)


async def purge_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    before = cutoff(svc.clock(), svc.settings.retention_months)
    removed = svc.store.purge(before=before)
    if removed:
        log.info("retention: %d application(s) deleted", removed)
    # The staff cards and lists that showed them lose every personal detail too.
    await redactions.redact_owed(context, svc)
