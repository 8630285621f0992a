"""Pure rules of recruitment slots: local times, reminder moments, when a reminder is due.

Times are stored in UTC; people think in local time (`TREMPLIN_TIMEZONE`). The evening-before
reminder is a local wall-clock time ("18 h the day before") so it stays at 18 h across daylight
saving changes; the hours-before reminder is a duration before the start.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from bot.core.rules.moments import TimeError as TimeError
from bot.core.rules.moments import has_started as has_started
from bot.core.rules.moments import local_to_utc as local_to_utc
from bot.core.rules.moments import parse_clock as parse_clock
from bot.core.rules.moments import parse_local as parse_local
from bot.core.rules.moments import read_local as read_local
from bot.core.states import State

KINDS = ("information_collective", "entretien")  # réunion d'information, entretien
EVENING = "veille"  # the evening before
SAME_DAY = "jour"  # a few hours before
REMINDER_KINDS = (EVENING, SAME_DAY)


@dataclass(frozen=True, slots=True)
class ReminderRule:
    evening_at: time  # local time, the day before the slot
    hours_before: float  # before the start, as a duration


def reminder_moments(start: datetime, zone: ZoneInfo, rule: ReminderRule) -> dict[str, datetime]:
    """When each reminder of a slot starting at `start` is due, in UTC."""
    local_day = start.astimezone(zone).date() - timedelta(days=1)
    evening = datetime.combine(local_day, rule.evening_at)
    try:
        evening_utc = local_to_utc(evening, zone)
    except TimeError:
        # The evening hour falls in a skipped hour: an hour later exists.
        evening_utc = local_to_utc(evening + timedelta(hours=1), zone)
    return {
        EVENING: evening_utc,
        SAME_DAY: start.astimezone(UTC) - timedelta(hours=rule.hours_before),
    }


class Decision(Enum):
    WAIT = "wait"  # not yet
    SEND = "send"
    SKIP = "skip"  # never: record it so that it is not looked at again


def reminder_decision(
    kind: str,
    moments: dict[str, datetime],
    *,
    start: datetime,
    booked_at: datetime,
    now: datetime,
) -> Decision:
    """Whether the reminder `kind` is to be sent now.

    Late (the bot was down at its moment) it is still sent if the slot has not started; a
    reminder whose moment came before the booking is skipped (the confirmation said it all),
    and so is the evening one once the same-day one is due (one message, not two)."""
    moment = moments[kind]
    if now < moment:
        return Decision.WAIT
    if now >= start or booked_at >= moment:
        return Decision.SKIP
    if kind == EVENING and now >= moments[SAME_DAY]:
        return Decision.SKIP
    return Decision.SEND


def day_word(start: datetime, now: datetime, zone: ZoneInfo) -> str:
    """ "today", "tomorrow" or "later": how the start relates to now, in local days."""
    days = (start.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return "later"


def offerable(
    *,
    kind: str,
    workshop: str | None,
    start: datetime,
    cancelled: bool,
    now: datetime,
    kinds: Collection[str],
    workshops: Collection[str],
) -> bool:
    """Whether a person may take this slot: of a kind they may choose, for one of their
    workshops (or for all), not cancelled, not started. Checked when the buttons are built
    and again at the tap, since a button's data can be forged."""
    return (
        kind in kinds
        and (workshop is None or workshop in workshops)
        and not cancelled
        and not has_started(start, now)
    )


def freed_by_decision(new_state: str, *, interview_in_slot: bool) -> tuple[str, ...]:
    """The kinds of slot whose seat a staff decision frees (the person no longer needs it).

    Invited to an interview, or accepted, she no longer needs an information session;
    accepted, she no longer needs an interview either. An interview moved into a slot moves
    its booking there (`book_seat`); moved to a typed date, the old seat goes."""
    if new_state == State.ACCEPTED:
        return KINDS
    if new_state == State.INTERVIEW:
        return KINDS if not interview_in_slot else ("information_collective",)
    return ()


def leaves_workshops(slot_workshop: str | None, chosen: Collection[str]) -> bool:
    """A slot tied to a workshop that the person no longer chose."""
    return slot_workshop is not None and slot_workshop not in chosen
