"""The `.ics` calendar file of a booked slot (icalendar): the date lands in the agenda."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vGeo

FILENAME = "rendez-vous.ics"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    uid: str
    start: datetime  # aware
    duration_minutes: int
    summary: str
    location: str
    description: str
    geo: tuple[float, float] | None = None


def ics_bytes(entry: CalendarEntry, *, zone: ZoneInfo, stamp: datetime, product_id: str) -> bytes:
    """One VEVENT with a local DTSTART (TZID and its VTIMEZONE), in a VCALENDAR;
    `product_id` is the structure's (structure.toml `calendar_id`)."""
    # Written once per rendez-vous and wording (icalendar's writing cost a tenth of a
    # filing, bench/); only the booking's own UID and the moment of sending go in each time.
    body = _calendar(replace(entry, uid=""), zone.key, product_id)
    ids = Event()
    ids.add("uid", entry.uid)
    ids.add("dtstamp", stamp)
    lines = ids.to_ical().removeprefix(_BEGIN).removesuffix(b"END:VEVENT\r\n")
    return body.replace(_BEGIN, _BEGIN + lines, 1)


_BEGIN = b"BEGIN:VEVENT\r\n"


@lru_cache(maxsize=256)
def _calendar(entry: CalendarEntry, zone_key: str, product_id: str) -> bytes:
    """The calendar without the event's UID and DTSTAMP (see `ics_bytes`)."""
    zone = ZoneInfo(zone_key)
    calendar = Calendar()
    calendar.add("prodid", product_id)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    start = entry.start.astimezone(zone)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=entry.duration_minutes))
    event.add("summary", entry.summary)
    event.add("location", entry.location)
    event.add("description", entry.description)
    if entry.geo is not None:
        event.add("geo", vGeo(entry.geo))
    calendar.add_component(event)
    # Calendars that do not know the zone still read the right hour: the zone's VTIMEZONE
    # goes in before the end of the calendar, as `add_component` would have put it.
    body: bytes = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    return body.removesuffix(end) + _vtimezone(zone.key, start.year) + end


@lru_cache(maxsize=8)
def _vtimezone(key: str, year: int) -> bytes:
    """The zone's rules around the rendez-vous, as text (built once: they cost milliseconds
    to compute and to write out)."""
    rules: bytes = Timezone.from_tzinfo(
        ZoneInfo(key), tzid=key, first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1)
    ).to_ical()
    return rules
