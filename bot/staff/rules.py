"""An application's life, as staff move it: which decision is allowed from which state.

Pure rules (no Telegram, no SQL). The states themselves, their groups and their names are in
`bot.core.states`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.rules.moments import TimeError, read_local
from bot.core.states import OPEN, State

# Decisions a staff member can take (short: they travel in callback data).
CONVENE = "conv"
ACCEPT = "ok"
REFUSE = "no"
WAIT = "wait"
NOTE = "note"

VERDICTS = ("probable", "a_confirmer", "pas_pour_vous")

TARGET: dict[str, State] = {
    CONVENE: State.INTERVIEW,
    ACCEPT: State.ACCEPTED,
    REFUSE: State.REFUSED,
    WAIT: State.WAITING,
}

# Per state, the decisions offered (in the order of the card's buttons). From `entretien`,
# "convoquer" again moves the interview (a no-show, a date that does not suit).
_ALLOWED: dict[str, tuple[str, ...]] = {
    State.NEW: (CONVENE, ACCEPT, REFUSE, WAIT, NOTE),
    State.REVIEWING: (CONVENE, ACCEPT, REFUSE, WAIT, NOTE),
    State.INTERVIEW: (CONVENE, ACCEPT, REFUSE, WAIT, NOTE),
    State.WAITING: (CONVENE, ACCEPT, REFUSE, NOTE),
    State.ACCEPTED: (NOTE,),
    State.REFUSED: (NOTE,),
    State.CANCELLED: (NOTE,),
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
    return state == State.NEW


def is_open(state: str) -> bool:
    return state in OPEN


# --- a typed interview date ------------------------------------------------------------------

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
    try:
        start, rest = read_local(text, timezone, today=now.astimezone(timezone).date())
    except TimeError:
        raise MomentError("format") from None
    if start <= now:
        raise MomentError("past")
    start = start.astimezone(timezone)
    place = " ".join(rest.split()) or None
    if place is not None and len(place) > MAX_PLACE:
        raise MomentError("place")
    return TypedMoment(start=start, place=place)
