"""Background work on the JobQueue, rebuilt at every start (PTB does not persist jobs).

Drafts: one kind nudge after 24 hours without an answer, deletion after 30 days.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot.core import callbacks
from bot.core.i18n import _, translated
from bot.core.jobs import run_repeating
from bot.core.services import in_language_of, services

log = logging.getLogger(__name__)

NUDGE_AFTER = timedelta(hours=24)
DELETE_AFTER = timedelta(days=30)
SWEEP_EVERY = timedelta(minutes=30)
DRAFTS_JOB = "drafts"


def schedule(application: Application) -> None:  # type: ignore[type-arg]
    run_repeating(application, sweep_drafts, every=SWEEP_EVERY, first=60, name=DRAFTS_JOB)


async def sweep_drafts(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Nudge drafts idle for 24 hours (once), delete those idle for 30 days."""
    svc = services(context)
    now = svc.clock()
    for conversation in svc.store.stale_conversations(older_than=now - NUDGE_AFTER):
        updated = datetime.fromisoformat(conversation.updated_at)
        if now - updated >= DELETE_AFTER:
            svc.store.abandon_draft(conversation.user_id, action="expired")
            continue
        if (
            conversation.nudged_at is not None
            or not svc.dialogs.has_step(conversation.step)
            or svc.store.is_blocked(conversation.user_id)
        ):
            continue
        # Marked first: if sending fails halfway, the person is never nudged twice.
        svc.store.mark_nudged(conversation.user_id)
        with in_language_of(svc, conversation.user_id):
            text = translated(svc.dialogs.messages, "nudge")
            resume = InlineKeyboardButton(
                _("Continuer"),
                callback_data=callbacks.journey(conversation.step, callbacks.RESUME),
            )
        try:
            await context.bot.send_message(
                conversation.user_id, text, reply_markup=InlineKeyboardMarkup([[resume]])
            )
        except Forbidden:
            svc.store.mark_blocked(conversation.user_id)
            log.info("a draft's owner blocked the bot; no nudge")
        except TelegramError as error:
            log.warning("nudge not sent: %s", type(error).__name__)
