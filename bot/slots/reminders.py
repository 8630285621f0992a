"""Reminders and notices about slots, on the JobQueue, rebuilt from the database at each start.

python-telegram-bot does not persist jobs, so the database is the truth:
- each reminder (the evening before, a few hours before) is recorded in `reminders_sent`
  *before* it is sent, so that it goes out at most once across restarts and concurrent runs;
- at start, a reminder whose moment passed while the bot was down is sent then if the slot
  has not started (skipped otherwise); later ones get a `run_once` job each;
- a sweep every few minutes catches what jobs cannot know: bookings of slots cancelled from
  the command line, failed sends to retry, a clock that jumped.
Notices (a slot cancelled by staff, an absence) are marked in `bookings.notice_due` and sent
once the same way.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from enum import Enum

from apscheduler.jobstores.base import JobLookupError
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes

from bot.core import states
from bot.core.jobs import run_repeating
from bot.core.services import Services, in_language_of, services
from bot.slots import offers as slot_offers
from bot.slots import rules as rules
from bot.slots import views as slot_views
from bot.slots.store import Booking

log = logging.getLogger(__name__)

SWEEP_JOB = "slots:sweep"
SWEEP_EVERY = timedelta(minutes=5)
# A draft holds its seat this long without moving on (the nudge comes then); at filing the
# seat is taken again if it is still free.
DRAFT_HOLD = timedelta(hours=24)


def job_name(booking_id: int, kind: str) -> str:
    return f"reminder:{booking_id}:{kind}"


class Outcome(Enum):
    SENT = "sent"
    FAILED = "failed"  # will not work later either (blocked, refused)
    RETRY = "retry"  # a passing problem: try again at the next sweep


async def send(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Outcome:
    """Send one message; never raises. A timeout counts as sent: it may have arrived, and a
    reminder twice is worse than once."""
    try:
        await bot.send_message(chat_id, text, reply_markup=markup)
    except Forbidden:
        log.info("a candidate blocked the bot; slot message not sent")
        return Outcome.FAILED
    except TimedOut:
        log.warning("slot message timed out; counted as sent")
        return Outcome.SENT
    except (RetryAfter, NetworkError) as error:
        log.warning("slot message not sent, will retry: %s", type(error).__name__)
        return Outcome.RETRY
    except TelegramError as error:
        log.warning("slot message refused: %s", type(error).__name__)
        return Outcome.FAILED
    return Outcome.SENT


# --- schedule ---------------------------------------------------------------------------


async def start(application: Application) -> None:  # type: ignore[type-arg]
    """At start: send what is overdue, schedule the rest, start the sweep."""
    svc = services(application)
    await catch_up(application.bot, svc)
    for booking in svc.store.bookings_to_remind(now=svc.clock()):
        schedule_booking(application, booking)
    run_repeating(application, sweep, every=SWEEP_EVERY, first=SWEEP_EVERY, name=SWEEP_JOB)


def schedule_booking(application: Application, booking: Booking) -> None:  # type: ignore[type-arg]
    """One `run_once` job per reminder of the booking still to come (replacing older ones)."""
    queue = application.job_queue
    if queue is None:
        return
    svc = services(application)
    now = svc.clock()
    recorded = svc.store.reminders_recorded(booking.id)
    moments = rules.reminder_moments(
        booking.slot.start, svc.settings.timezone, slot_views.texts(svc).reminders
    )
    for kind, moment in moments.items():
        name = job_name(booking.id, kind)
        if kind in recorded or moment <= now:
            with contextlib.suppress(JobLookupError):
                queue.scheduler.remove_job(name)
            continue
        # The name is the scheduler's job id: found (and replaced) directly, where
        # `get_jobs_by_name` walks every job, a cost that grows with the bookings.
        queue.run_once(
            remind,
            when=moment,
            name=name,
            data={"booking": booking.id, "kind": kind},
            job_kwargs={"id": name, "replace_existing": True},
        )


def schedule_for_application(application: Application, application_id: int) -> None:  # type: ignore[type-arg]
    """After a booking or a move: the reminders of the application's active booking."""
    booking = services(application).store.active_booking_of(application_id)
    if booking is not None and booking.application_state in states.FILED_ALIVE:
        schedule_booking(application, booking)


async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reminder's job: send it if it is (still) due."""
    job = context.job
    if job is None or not isinstance(job.data, dict):
        return
    svc = services(context)
    try:
        booking = svc.store.booking(int(job.data["booking"]))
    except LookupError:
        return  # erased meanwhile
    await process(context.bot, svc, booking, str(job.data["kind"]))


async def sweep(context: ContextTypes.DEFAULT_TYPE) -> None:
    await catch_up(context.bot, services(context))


async def catch_up(bot: Bot, svc: Services) -> None:
    """Seats of idle drafts freed; every reminder due and not yet handled; every notice due."""
    svc.store.release_idle_drafts(idle_since=svc.clock() - DRAFT_HOLD)
    for booking in svc.store.bookings_to_remind(now=svc.clock()):
        for kind in rules.REMINDER_KINDS:
            await process(bot, svc, booking, kind)
    await send_notices(bot, svc)


# --- one reminder ---------------------------------------------------------------------------


async def process(bot: Bot, svc: Services, booking: Booking, kind: str) -> None:
    """Send, skip or wait for one reminder of one booking; each is handled once, ever."""
    now = svc.clock()
    alive = (
        booking.state in ("booked", "confirmed")
        and booking.application_state in states.FILED_ALIVE
        and not booking.slot.cancelled
    )
    if not alive or kind in svc.store.reminders_recorded(booking.id):
        return
    moments = rules.reminder_moments(
        booking.slot.start, svc.settings.timezone, slot_views.texts(svc).reminders
    )
    decision = rules.reminder_decision(
        kind, moments, start=booking.slot.start, booked_at=booking.created_at, now=now
    )
    if decision is rules.Decision.WAIT:
        return
    if decision is rules.Decision.SKIP:
        svc.store.claim_reminder(booking.id, kind, "skipped")
        return
    if not svc.store.claim_reminder(booking.id, kind, "sent"):
        return  # someone else (a job, the sweep) has it
    with in_language_of(svc, booking.user_id):
        outcome = await send(
            bot,
            booking.user_id,
            _reminder_text(svc, booking, kind),
            slot_views.reminder_markup(svc, booking.id),
        )
    if outcome is Outcome.RETRY:
        svc.store.release_reminder(booking.id, kind)
    elif outcome is Outcome.FAILED:
        svc.store.set_reminder_outcome(booking.id, kind, "failed")


# --- notices: a slot cancelled by staff, an absence ---------------------------------------


async def send_notices(bot: Bot, svc: Services) -> int:
    """Tell each candidate whose booking has a notice due; returns how many were told."""
    told = 0
    for booking in svc.store.notices_due():
        if not svc.store.claim_notice(booking.id):
            continue
        if booking.application_state not in states.ACTIVE:
            continue  # withdrawn or closed meanwhile: nothing to offer
        if svc.store.active_booking_of(booking.application_id) is not None:
            continue  # already has another date
        with in_language_of(svc, booking.user_id):
            outcome = await _send_notice(bot, svc, booking)
        if outcome is Outcome.RETRY:
            svc.store.release_notice(booking.id)
        elif outcome is Outcome.SENT:
            told += 1
    return told


async def _send_notice(bot: Bot, svc: Services, booking: Booking) -> Outcome:
    """The slot is gone (cancelled by the team, or missed): other dates, or a call."""
    key = "cancelled_by_team" if booking.notice_due == "slot_cancelled" else "no_show"
    offers = slot_offers.open_for(
        svc,
        slot_offers.workshops_of(svc, booking.application_id),
        kinds=(booking.slot.kind,),
        exclude=(booking.slot.id,),
    )
    lines = [slot_views.fill(svc, key, booking.slot)]
    if offers:
        lines.append(slot_views.message(svc, "other_date"))
        markup = slot_views.offer_markup(svc, offers)
    else:
        lines.append(slot_views.message(svc, "team_will_call"))
        markup = None
    return await send(bot, booking.user_id, "\n".join(lines), markup)


def _reminder_text(svc: Services, booking: Booking, kind: str) -> str:
    """The reminder; the evening before, with what to bring (the person's own list)."""
    text = slot_views.fill(svc, "reminder", booking.slot)
    if kind != rules.EVENING:
        return text
    bring = slot_views.bring_block(svc, slot_offers.bring_for(svc, booking.application_id))
    return "\n".join([text, *bring])
