"""An application's life, as staff move it: which decision is allowed from which state.

Pure rules (no Telegram, no SQL). The states themselves, their groups and their names are in
`bot.domain.states`; the names below are kept for the callers that read them from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain import states
from bot.domain.states import State

DRAFT = State.DRAFT
NEW = State.NEW
REVIEWING = State.REVIEWING
INTERVIEW = State.INTERVIEW
WAITING = State.WAITING
ACCEPTED = State.ACCEPTED
REFUSED = State.REFUSED
CANCELLED = State.CANCELLED

# Decisions a staff member can take (short: they travel in callback data).
CONVENE = "conv"
ACCEPT = "ok"
REFUSE = "no"
WAIT = "wait"
NOTE = "note"

FILED_STATES = states.FILED
OPEN_STATES = states.OPEN
FINAL_STATES = states.FINAL
VERDICTS = ("probable", "a_confirmer", "pas_pour_vous")

TARGET: dict[str, State] = {CONVENE: INTERVIEW, ACCEPT: ACCEPTED, REFUSE: REFUSED, WAIT: WAITING}

# Per state, the decisions offered (in the order of the card's buttons). From `entretien`,
# "convoquer" again moves the interview (a no-show, a date that does not suit).
_ALLOWED: dict[State, tuple[str, ...]] = {
    NEW: (CONVENE, ACCEPT, REFUSE, WAIT, NOTE),
    REVIEWING: (CONVENE, ACCEPT, REFUSE, WAIT, NOTE),
    INTERVIEW: (CONVENE, ACCEPT, REFUSE, WAIT, NOTE),
    WAITING: (CONVENE, ACCEPT, REFUSE, NOTE),
    ACCEPTED: (NOTE,),
    REFUSED: (NOTE,),
    CANCELLED: (NOTE,),
}


def actions_for(state: str) -> tuple[str, ...]:
    """The decisions a staff member may take on an application in `state`."""
    return _ALLOWED.get(state, ())


def allowed(state: str, action: str) -> bool:
    return action in actions_for(state)


def target(action: str) -> str | None:
    """The state a decision leads to (None: a note changes no state)."""
    return TARGET.get(action)


def claimable(state: str) -> bool:
    """Opening a card moves a new application to "à l'étude"."""
    return state == NEW


def is_open(state: str) -> bool:
    return state in OPEN_STATES


# --- a typed interview date ------------------------------------------------------------------

_MOMENT = re.compile(
    r"^\s*(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})(?:[/.-](?P<year>\d{4}|\d{2}))?(?!\d)"
    r"\s+(?:(?:à|a)\s+)?(?P<hour>\d{1,2})(?!\d)\s*(?:[:hH]\s*(?P<minute>\d{2})?(?!\d))?"
    r"\s*(?:[,;:–-]\s*)?(?P<place>.*)$",
    re.DOTALL,
)
MAX_PLACE = 200


@dataclass(frozen=True, slots=True)
class TypedMoment:
    start: datetime  # aware
    place: str | None


class MomentError(ValueError):
    """Why a typed date cannot be used: 'format', 'past' or 'place'."""


def parse_moment(text: str, *, now: datetime, timezone: ZoneInfo) -> TypedMoment:
    """ "12/03/2031 14:30" (or "12/03 14h", "12/03/2031 14:30, salle B") in `timezone`.

    Without a year, the next such date. Raises MomentError('format' | 'past' | 'place').
    """
    match = _MOMENT.match(text)
    if match is None:
        raise MomentError("format")
    local_now = now.astimezone(timezone)
    year_text = match["year"]
    year = local_now.year if year_text is None else int(year_text)
    if year_text is not None and len(year_text) == 2:
        year += 2000
    try:
        start = datetime(
            year,
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"] or 0),
            tzinfo=timezone,
        )
        if year_text is None and start <= local_now:
            start = start.replace(year=year + 1)
    except ValueError:
        raise MomentError("format") from None
    if start <= local_now:
        raise MomentError("past")
    place = " ".join(match["place"].split()) or None
    if place is not None and len(place) > MAX_PLACE:
        raise MomentError("place")
    return TypedMoment(start=start, place=place)
