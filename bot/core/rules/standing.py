"""Where a candidate stands, decided once: what /start, /statut and /rdv say (issue 21), and
what a decision or a withdrawal says of the rendez-vous she booked.

Pure (no Telegram, no SQL): the facts are read by `bot.slots.standing`, which also turns the
answer into words. Because the three commands read the same `Standing`, they cannot disagree
(after a refusal, /rdv no longer says "Vous n'avez pas de candidature" while /statut says
"pas retenue").
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import states
from bot.core.states import State

# What is said of the rendez-vous.
SESSION = "session"  # a seat in a slot, to come: its date and place
INTERVIEW = "interview"  # a date the team typed, to come
NO_RENDEZ_VOUS = "none"  # "Vous n'avez pas de rendez-vous."
# What comes after it.
OFFER_DATES = "offer_dates"  # open dates to choose (/rdv shows them as buttons)
TEAM_WILL_CALL = "team_will_call"
APPLY_AGAIN = "apply_again"  # closed: /start makes a new application
# What /start does.
BEGIN = "begin"  # the welcome and the consent
RESUME = "resume"  # the draft, where she stopped
SHOW = "show"  # "Vous avez déjà une candidature." and where it stands
BEGIN_AGAIN = "begin_again"  # where the closed one stands, then the welcome for a new one
# What to bring (the person's own list).
AT_RENDEZ_VOUS = "at_rendez_vous"
WHEN_CALLED = "when_called"  # no rendez-vous booked: "quand l'équipe vous appellera"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the store knows of the person, read once."""

    state: str | None  # her latest application's state; None: none (or erased)
    session: bool = False  # a seat in a slot that has not started
    typed_interview: bool = False  # an interview at a date the team typed, to come
    open_dates: bool = False  # dates she could take now


@dataclass(frozen=True, slots=True)
class Standing:
    """What /statut, /rdv and /start say; every field empty when there is nothing to say."""

    state: str | None  # the key of journey.toml [states]; None: no application
    rendez_vous: str = ""  # SESSION | INTERVIEW | NO_RENDEZ_VOUS | "" (a draft, nothing sent)
    then: str = ""  # OFFER_DATES | TEAM_WILL_CALL | APPLY_AGAIN | ""
    bring: str = ""  # AT_RENDEZ_VOUS | WHEN_CALLED | ""
    start: str = BEGIN

    @property
    def closed(self) -> bool:
        return self.start == BEGIN_AGAIN


def standing(facts: Facts) -> Standing:
    """The one answer to "where do I stand?" (see the module's docstring)."""
    state = facts.state
    if state is None or state not in states.ALL:
        return Standing(state=None, start=BEGIN)
    if state == State.DRAFT:
        return Standing(state=state, start=RESUME)
    if state in states.FINAL and state != State.ACCEPTED:
        # Refused or withdrawn: the seat went with the decision (a trigger of the store).
        return Standing(
            state=state, rendez_vous=NO_RENDEZ_VOUS, then=APPLY_AGAIN, start=BEGIN_AGAIN
        )
    if facts.session:
        return Standing(state=state, rendez_vous=SESSION, bring=AT_RENDEZ_VOUS, start=SHOW)
    if facts.typed_interview:
        return Standing(state=state, rendez_vous=INTERVIEW, bring=AT_RENDEZ_VOUS, start=SHOW)
    if state == State.ACCEPTED:
        # Hired: no session to choose any more; the team calls for the rest.
        return Standing(state=state, rendez_vous=NO_RENDEZ_VOUS, bring=WHEN_CALLED, start=SHOW)
    if facts.open_dates and state != State.INTERVIEW:
        # The list comes with the confirmation of the date she takes.
        return Standing(state=state, rendez_vous=NO_RENDEZ_VOUS, then=OFFER_DATES, start=SHOW)
    return Standing(
        state=state,
        rendez_vous=NO_RENDEZ_VOUS,
        then=TEAM_WILL_CALL,
        bring=WHEN_CALLED,
        start=SHOW,
    )


# --- what a decision or a withdrawal says of the rendez-vous she booked ----------------------

FREED = "freed"  # she no longer needs it (invited to an interview, or accepted)
CANCELLED = "cancelled"  # the application is closed (refused, withdrawn): no more rendez-vous
KEPT = "kept"  # it stays (put on the waiting list, still being read)


def session_fate(new_state: str, *, freed: bool) -> str:
    """What becomes of a rendez-vous she holds when her application moves to `new_state`:
    `freed` says whether the change freed its seat (a decision frees those it makes needless,
    closing an application frees them all)."""
    if not freed:
        return KEPT
    if new_state in (State.REFUSED, State.CANCELLED):
        return CANCELLED
    return FREED
