"""Delivering what committed changes owe (the store's outbox): right after the change, and
by a sweep that starts with the bot, for whatever a crash left undelivered.

Each duty is claimed before its message is sent and deleted once Telegram answered (at least
once: a crash in between sends it again at the next start); a network failure before the
message left puts it back for the next sweep; a timeout counts as sent (it may have arrived).
The feature that owns a kind of message sends it (its `Feature.owed`, bot/core/feature.py):
the journey the candidate's, slots what to bring, staff the cards and decisions.
"""

from __future__ import annotations

import logging
import os

from telegram import CallbackQuery
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes

from bot.core.access import staff_chats
from bot.core.feature import owed_sender, sweep_owed
from bot.core.outbox.store import Duty
from bot.core.services import Services, services
from bot.core.store import NotFoundError

log = logging.getLogger(__name__)

# For the crash tests only: the process dies when a duty of this kind is about to be sent,
# before it is claimed or once it is.
CRASH_POINT = os.environ.get("TREMPLIN_TEST_CRASH_BEFORE_SENDING", "")
CRASH_CLAIMED = os.environ.get("TREMPLIN_TEST_CRASH_AFTER_CLAIMING", "")

SWEEP_JOB = "outbox:sweep"
SWEEP_EVERY = 60  # seconds; the first sweep runs a second after start

FILED, NEXT_STEPS, AFTER_FILING, CARD, DECISION, CALLBACK = (
    "filed",
    "next_steps",
    "after_filing",
    "card",
    "decision",
    "callback",  # a call-back request's confirmation (no application, no rendez-vous)
)


def owed_by_filing(svc: Services, user_id: int) -> list[tuple[str, int]]:
    """What a filing owes, in the order it is delivered: the candidate first, then staff."""
    candidate = [(FILED, user_id), (NEXT_STEPS, user_id), (AFTER_FILING, user_id)]
    return candidate + [(CARD, chat_id) for chat_id in staff_chats(svc)]


def owed_by_callback(svc: Services, user_id: int) -> list[tuple[str, int]]:
    """What a call-back request owes: its confirmation, then the staff's cards."""
    return [(CALLBACK, user_id)] + [(CARD, chat_id) for chat_id in staff_chats(svc)]


async def deliver(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    application_id: int | None = None,
    *,
    filed_query: CallbackQuery | None = None,
) -> None:
    """Send what is owed (for one application, or everything); `filed_query`: the tap on
    "Envoyer", whose message becomes the confirmation instead of a new message."""
    owed = svc.store.owed(application_id)
    if CRASH_POINT and any(duty.kind == CRASH_POINT for duty in owed):
        os._exit(9)  # tests/test_outbox.py: a crash between the commit and the messages
    for duty in owed:
        if not svc.store.take(duty):
            continue  # another delivery has it
        if CRASH_CLAIMED and duty.kind == CRASH_CLAIMED:
            os._exit(9)  # tests/test_outbox.py: a crash between the claim and the message
        try:
            await _send(context, svc, duty, filed_query)
        except TimedOut:
            log.info("owed %s timed out: counted as sent", duty.kind)
        except BadRequest as error:
            log.warning("owed %s refused: %s", duty.kind, type(error).__name__)
        except NetworkError as error:
            log.warning("owed %s not sent (%s): kept", duty.kind, type(error).__name__)
            svc.store.owe_again(duty)
            continue
        except TelegramError as error:  # Forbidden: blocked; the rest: refused for good
            log.info("owed %s not delivered: %s", duty.kind, type(error).__name__)
        svc.store.done(duty)


async def _send(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    duty: Duty,
    filed_query: CallbackQuery | None,
) -> None:
    try:
        application = svc.store.application(duty.application_id)
    except NotFoundError:
        return  # erased meanwhile: nothing is owed to anyone
    send = owed_sender(duty.kind)
    if send is None:
        log.warning("unknown owed message %r dropped", duty.kind)
        return
    await send(context, svc, duty, application, filed_query)


async def sweep(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    await deliver(context, svc)
    # Also owed by committed changes: each feature's (maintenance: the edits an erasure or a
    # purge, maybe the command-line one while the bot was stopped, left to do).
    await sweep_owed(context, svc)


def schedule(application: Application) -> None:  # type: ignore[type-arg]
    queue = application.job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(SWEEP_JOB):
        job.schedule_removal()
    queue.run_repeating(sweep, interval=SWEEP_EVERY, first=1, name=SWEEP_JOB)
