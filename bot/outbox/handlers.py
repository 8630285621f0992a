"""Delivering what committed changes owe (the store's outbox): right after the change, and
by a sweep that starts with the bot, for whatever a crash left undelivered.

Each duty is taken before its message is sent (at most once); a network failure before the
message left puts it back for the next sweep; a timeout counts as sent (it may have arrived).
"""

from __future__ import annotations

import logging
import os

from telegram import CallbackQuery
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes

from bot.core import i18n
from bot.core.application_store import CandidateApplication
from bot.core.dialog_views import callback_confirmation
from bot.core.i18n import _, translated
from bot.core.services import Services, in_language_of, services
from bot.core.store import NotFoundError
from bot.core.telegram_bot import send_or_edit, send_text
from bot.maintenance import redactions
from bot.outbox.store import Duty
from bot.slots import journey_step as slot_step
from bot.staff import decision_notice
from bot.staff import notice as staff_notice
from bot.voice import handlers as voice
from bot.voice import rules as voice_rules

log = logging.getLogger(__name__)

# For the crash test only: the process dies when a duty of this kind is about to be sent.
CRASH_POINT = os.environ.get("TREMPLIN_TEST_CRASH_BEFORE_SENDING", "")

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
    return candidate + [(CARD, chat_id) for chat_id in staff_notice.staff_chats(svc)]


def owed_by_callback(svc: Services, user_id: int) -> list[tuple[str, int]]:
    """What a call-back request owes: its confirmation, then the staff's cards."""
    return [(CALLBACK, user_id)] + [(CARD, chat_id) for chat_id in staff_notice.staff_chats(svc)]


def callback_text(svc: Services, request: CandidateApplication) -> str:
    """ "L'équipe va vous appeler": the number and the moment she gave, then who else can
    help (she was told the work is probably not for her)."""
    return callback_confirmation(svc.dialogs, request.phone or "", request.answers)


def filed_text(svc: Services, application: CandidateApplication) -> str:
    """Received, and its number. What to bring comes once, after it (`after_filing`): with
    the rendez-vous she booked, or "quand l'équipe vous appellera" without one."""
    return "\n".join(
        [
            translated(svc.dialogs.messages, "filed"),
            _("Votre numéro de candidature : {reference}").format(reference=application.reference),
        ]
    )


def next_steps_text(svc: Services) -> str:
    return translated(svc.dialogs.messages, "next_steps").format(
        days=svc.dialogs.structure.answer_within_days
    )


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
        try:
            await _send(context, svc, duty, filed_query)
        except TimedOut:
            log.info("owed %s timed out: counted as sent", duty.kind)
        except BadRequest as error:
            log.warning("owed %s refused: %s", duty.kind, type(error).__name__)
        except NetworkError as error:
            log.warning("owed %s not sent (%s): kept", duty.kind, type(error).__name__)
            svc.store.owe_again(duty)
        except TelegramError as error:  # Forbidden: blocked; the rest: refused for good
            log.info("owed %s not delivered: %s", duty.kind, type(error).__name__)


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
    if duty.kind == CALLBACK:
        with in_language_of(svc, application.user_id):
            text = callback_text(svc, application)
            if filed_query is not None:
                await send_or_edit(filed_query, text, None)
            else:
                await send_text(context.bot, duty.chat_id, text)
    elif duty.kind in (FILED, NEXT_STEPS, AFTER_FILING):
        with in_language_of(svc, application.user_id):
            await _send_candidate(context, svc, duty, application, filed_query)
    elif duty.kind == CARD:
        with i18n.french():
            await staff_notice.send_card(context, svc, duty.chat_id, application)
    elif duty.kind == DECISION:
        if svc.store.review(application.id).version != duty.version:
            return  # a later decision owes its own message: the person reads that one
        with i18n.french():  # staff's side; the candidate's texts are in their language
            await decision_notice.after_decision(context, svc, duty.chat_id, application.id)
    else:
        log.warning("unknown owed message %r dropped", duty.kind)


async def _send_candidate(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    duty: Duty,
    application: CandidateApplication,
    filed_query: CallbackQuery | None,
) -> None:
    if duty.kind == FILED:
        text = filed_text(svc, application)
        listen = voice.listen_markup(svc, None, voice_rules.FILED)
        if filed_query is not None:
            await send_or_edit(filed_query, text, listen)
        else:
            await send_text(context.bot, duty.chat_id, text, reply_markup=listen)
    elif duty.kind == NEXT_STEPS:
        await send_text(context.bot, duty.chat_id, next_steps_text(svc))
    else:
        await slot_step.after_filing(context, svc, application)


async def sweep(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    await deliver(context, svc)
    # Also owed by committed changes: the edits an erasure or a purge (maybe the
    # command-line one, while the bot was stopped) left to do.
    await redactions.redact_owed(context, svc)


def schedule(application: Application) -> None:  # type: ignore[type-arg]
    queue = application.job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(SWEEP_JOB):
        job.schedule_removal()
    queue.run_repeating(sweep, interval=SWEEP_EVERY, first=1, name=SWEEP_JOB)
