"""Pure rules of recruitment slots: local times, reminder moments, when a reminder is due.

Times are stored in UTC; people think in local time (`TREMPLIN_TIMEZONE`). The evening-before
reminder is a local wall-clock time ("18 h the day before") so it stays at 18 h across daylight
saving changes; the hours-before reminder is a duration before the start.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from bot.core.states import State

KINDS = ("information_collective", "entretien")  # réunion d'information, entretien
EVENING = "veille"  # the evening before
SAME_DAY = "jour"  # a few hours before
REMINDER_KINDS = (EVENING, SAME_DAY)


class TimeError(ValueError):
    """A local time that cannot be used (malformed, or skipped by a daylight saving change)."""


def local_to_utc(moment: datetime, zone: ZoneInfo) -> datetime:
    """A naive local wall-clock time as an aware UTC datetime.

    A time skipped when clocks go forward (02:30 on the last Sunday of March in Paris) does
    not exist and is refused; a repeated one (autumn) is taken the first time it occurs."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    aware = moment.replace(tzinfo=zone, fold=0)
    back = aware.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != moment:
        raise TimeError(f"{moment:%Y-%m-%d %H:%M} does not exist in {zone.key} (clocks go forward)")
    return aware.astimezone(UTC)


# The one way a person types a local date and time (staff and the command line alike):
# "2031-03-10T14:00", "10/03/2031 14:00", "10/03 14h", "10.03.31 à 9h30"; what follows the
# time (", salle B") is returned as it is.
_MOMENT = re.compile(
    r"^\s*(?:(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})[T ]"
    r"(?P<iso_hour>\d{1,2})[:h](?P<iso_minute>\d{2})(?!\d)"
    r"|(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})(?:[/.-](?P<year>\d{4}|\d{2}))?(?!\d)"
    r"\s+(?:(?:à|a)\s+)?(?P<hour>\d{1,2})(?!\d)\s*(?:[:hH]\s*(?P<minute>\d{2})?(?!\d))?)"
    r"\s*(?:[,;:–-]\s*)?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def read_local(text: str, zone: ZoneInfo, *, today: date) -> tuple[datetime, str]:
    """A typed local date and time as an aware UTC datetime, and the text after it. Without
    a year, the next such date from `today`. A time skipped when clocks go forward is refused
    (TimeError), like a malformed one."""
    match = _MOMENT.match(text)
    if not match:
        raise TimeError(f"{text.strip()[:40]!r} is not a date and time")
    if match["iso_year"]:
        year, month, day = int(match["iso_year"]), int(match["iso_month"]), int(match["iso_day"])
        hour, minute = int(match["iso_hour"]), int(match["iso_minute"])
    else:
        day, month = int(match["day"]), int(match["month"])
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        if match["year"] is None:
            year = today.year
            try:
                if date(year, month, day) < today:
                    year += 1
            except ValueError as error:
                raise TimeError(f"{text.strip()[:40]!r}: {error}") from None
        else:
            year = int(match["year"])
            if year < 100:
                year += 2000
    try:
        naive = datetime(year, month, day, hour, minute)
    except ValueError as error:
        raise TimeError(f"{text.strip()[:40]!r}: {error}") from None
    return local_to_utc(naive, zone), match["rest"].strip()


def parse_local(text: str, zone: ZoneInfo, *, today: date | None = None) -> datetime:
    """A typed local date and time, and nothing else (`slots add`, a new slot's date)."""
    moment, rest = read_local(text, zone, today=today or date.today())
    if rest:
        raise TimeError(f"{text.strip()[:40]!r} is not only a date and time")
    return moment


def parse_clock(text: str) -> time:
    """ "18:00" or "18h" as a time of day."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*[:h]\s*(\d{2})?\s*", text)
    if not match or int(match[1]) > 23 or int(match[2] or 0) > 59:
        raise TimeError(f"{text!r} is not a time of day such as 18:00")
    return time(int(match[1]), int(match[2] or 0))


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


def has_started(start: datetime, now: datetime) -> bool:
    return now >= start


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
