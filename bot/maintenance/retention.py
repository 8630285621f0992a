"""RGPD retention's daily job: applications with no contact for `TREMPLIN_RETENTION_MONTHS`
(24 by default) are deleted, and the staff messages that showed them are redacted. The
command line does the same with `python -m bot purge` (the rule is in `rules.py`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application, ContextTypes

from bot.core.jobs import run_repeating
from bot.core.services import services
from bot.maintenance import redactions
from bot.maintenance.rules import cutoff

log = logging.getLogger(__name__)

PURGE_JOB = "purge"


def schedule(application: Application) -> None:  # type: ignore[type-arg]
    run_repeating(application, purge_job, every=timedelta(days=1), first=120, name=PURGE_JOB)


async def purge_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    before = cutoff(svc.clock(), svc.settings.retention_months)
    removed = svc.store.purge(before=before)
    if removed:
        log.info("retention: %d application(s) deleted", removed)
    # The staff cards and lists that showed them lose every personal detail too.
    await redactions.redact_owed(context, svc)
