"""Local dates and times as people type them, pure: one way for staff, the slots and the
command line (moved from bot/slots/rules.py, which still names them)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


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


def has_started(start: datetime, now: datetime) -> bool:
    return now >= start
