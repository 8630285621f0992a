"""The staff's daily digest and the applications left without a decision: pure rules (dates,
thresholds, what the digest says), no Telegram, no SQL (issue #16).

- the digest goes out once a day, at `[digest] hour` of `dialogs/staff.toml` in the
  structure's time zone; a day already done (recorded in the store) is never done again;
- an application waits for a decision while it is `nouvelle` or `à l'étude`; after 7 days it
  is listed in the digest, after 45 days with its own line, after 60 days its card asks staff
  to decide or to keep it waiting ("⏸ Garder en attente" silences the ask for 60 days more).
  Nothing is ever closed by itself.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.application_store import CandidateApplication
from bot.core.states import UNDECIDED

# Waiting for a decision (`UNDECIDED`): nobody decided anything yet.
WAITING_DAYS = 7  # listed in the digest (more than this)
LATE_DAYS = 45  # a line of its own in the digest
ASK_DAYS = 60  # the card asks: decide, or keep it waiting
KEEP_FOR = timedelta(days=60)  # "⏸ Garder en attente" silences the ask this long
STOPPED_FOR = timedelta(days=1)  # a draft at the rendez-vous step this long is "stopped"

WHERE = ("chat", "private")  # the staff chat when set (else privately), or always privately
DEFAULT_HOUR = time(8, 30)
_HOUR = re.compile(r"^([01]?\d|2[0-3])[:h]([0-5]\d)$")


class DigestSettingsError(ValueError):
    """`[digest]` of staff.toml is not usable (the message says why)."""


@dataclass(frozen=True, slots=True)
class DigestSettings:
    hour: time = DEFAULT_HOUR
    where: str = "chat"


def read_settings(raw: Any) -> DigestSettings:
    """`[digest]` of staff.toml: `hour = "08:30"`, `where = "chat" | "private"`."""
    if raw is None:
        return DigestSettings()
    if not isinstance(raw, dict):
        raise DigestSettingsError("staff.toml [digest]: expected a table")
    unknown = set(raw) - {"hour", "where"}
    if unknown:
        raise DigestSettingsError(f"staff.toml [digest]: unknown key(s) {sorted(unknown)}")
    hour_text = raw.get("hour", "08:30")
    match = _HOUR.match(hour_text.strip()) if isinstance(hour_text, str) else None
    if match is None:
        raise DigestSettingsError(f'staff.toml [digest]: hour {hour_text!r} must read like "08:30"')
    where = raw.get("where", "chat")
    if where not in WHERE:
        raise DigestSettingsError(
            f'staff.toml [digest]: where {where!r} must be "chat" or "private"'
        )
    return DigestSettings(hour=time(int(match[1]), int(match[2])), where=str(where))


def due_day(now: datetime, zone: ZoneInfo, hour: time, last_day: date | None) -> date | None:
    """The local day whose digest is due now (None: not yet, or already done)."""
    local = now.astimezone(zone)
    if local.time().replace(tzinfo=None) < hour:
        return None
    if last_day is not None and last_day >= local.date():
        return None
    return local.date()


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The local day `day` as an aware [start, end) in `zone`."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def days_since(stamp: str | None, now: datetime) -> int:
    if not stamp:
        return 0
    return max(0, (now - datetime.fromisoformat(stamp)).days)


def ask_days(application: CandidateApplication, now: datetime, last_kept: str | None) -> int | None:
    """How long the card's ask says it waited (None: no ask on this card)."""
    if application.state not in UNDECIDED:
        return None
    days = days_since(application.filed_at, now)
    if days < ASK_DAYS:
        return None
    if last_kept is not None and now - datetime.fromisoformat(last_kept) < KEEP_FOR:
        return None
    return days


@dataclass(frozen=True, slots=True)
class Waiting:
    application: CandidateApplication
    days: int


@dataclass(frozen=True, slots=True)
class Interview:
    at: datetime
    application: CandidateApplication


@dataclass(frozen=True, slots=True)
class Digest:
    day: date
    new: int = 0  # filed since the last digest
    waiting: Sequence[Waiting] = ()  # no decision for more than WAITING_DAYS, oldest first
    interviews: Sequence[Interview] = ()  # tomorrow, soonest first
    stopped_at_slot: int = 0  # drafts at the rendez-vous step for more than a day
    late: Sequence[Waiting] = ()  # of `waiting`, those of LATE_DAYS or more

    @property
    def empty(self) -> bool:
        return not (self.new or self.waiting or self.interviews or self.stopped_at_slot)


def make_digest(
    day: date,
    now: datetime,
    *,
    new: int,
    undecided: Iterable[CandidateApplication],
    interviews: Iterable[tuple[datetime, CandidateApplication]],
    stopped_at_slot: int,
) -> Digest:
    """What the digest says: the undecided ones past 7 days (45 days: a line each), tomorrow's
    interviews (one per application), the drafts stopped at the rendez-vous."""
    waiting = sorted(
        (
            Waiting(a, days_since(a.filed_at, now))
            for a in undecided
            if a.state in UNDECIDED
            and a.filed_at
            and now - datetime.fromisoformat(a.filed_at) > timedelta(days=WAITING_DAYS)
        ),
        key=lambda w: (-w.days, w.application.id),
    )
    seen: dict[int, Interview] = {}
    for at, application in sorted(interviews, key=lambda pair: pair[0]):
        seen.setdefault(application.id, Interview(at=at, application=application))
    return Digest(
        day=day,
        new=new,
        waiting=tuple(waiting),
        interviews=tuple(seen.values()),
        stopped_at_slot=stopped_at_slot,
        late=tuple(w for w in waiting if w.days >= LATE_DAYS),
    )


def median_days(pairs: Iterable[tuple[str | None, str | None]]) -> float | None:
    """The median of (from, to) ISO moments, in days to one decimal (None: no pair)."""
    spans = [
        (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 86400
        for start, end in pairs
        if start and end
    ]
    spans = [span for span in spans if span >= 0]
    if not spans:
        return None
    return round(statistics.median(spans), 1)


def interview_moment(note: str | None) -> str | None:
    """The interview's moment at the head of a convening's audit note (StaffStore.decide
    writes `interview_at · place`), or None."""
    if not note:
        return None
    head = note.split(" · ", 1)[0].strip()
    try:
        datetime.fromisoformat(head)
    except ValueError:
        return None
    return head
