"""One vocabulary of application states: the values, their groups and their French names.

Pure (no Telegram, no database; `sql_in` renders a group as an SQL condition, so that no other
module types a state in SQL). The values are the strings stored in `applications.state`, so the
database does not change; a `State` compares equal to its string. States follow les emplois de
l'inclusion: `brouillon` (the journey) → `nouvelle` (filed) → `a_l_etude` (a staff member
opened it) → `entretien` → `acceptee` | `refusee` | `en_attente`; `annulee` when the candidate
withdraws. Which decision moves one state to another is in `bot.staff.rules`.

The candidate's own sentence per state stays in `dialogs/journey.toml` ([states]), where the
wording is edited; the short labels below are marked with `N_` and translated where shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.i18n import N_


class State(StrEnum):
    DRAFT = "brouillon"
    NEW = "nouvelle"
    REVIEWING = "a_l_etude"
    INTERVIEW = "entretien"
    WAITING = "en_attente"
    ACCEPTED = "acceptee"
    REFUSED = "refusee"
    CANCELLED = "annulee"


# Every state, in the order of the journey (the order of journey.toml's [states]).
ALL: tuple[State, ...] = tuple(State)
# Filed: sent by the candidate (everything but the draft), in the order staff read them.
FILED: tuple[State, ...] = (
    State.NEW,
    State.REVIEWING,
    State.INTERVIEW,
    State.WAITING,
    State.ACCEPTED,
    State.REFUSED,
    State.CANCELLED,
)
# Open: staff still have a decision to take.
OPEN: tuple[State, ...] = (State.NEW, State.REVIEWING, State.INTERVIEW, State.WAITING)
# Final: decided or withdrawn; only notes are added.
FINAL: tuple[State, ...] = (State.ACCEPTED, State.REFUSED, State.CANCELLED)
# Filed and alive: only they get reminders and rendez-vous, and appear to staff as current.
FILED_ALIVE: tuple[State, ...] = (*OPEN, State.ACCEPTED)
# Alive (the draft included): at most one per person (the partial index of the store).
ACTIVE: tuple[State, ...] = (State.DRAFT, *FILED_ALIVE)
# Waiting for a decision: filed, and nobody decided yet (the digest's reminders).
UNDECIDED: tuple[State, ...] = (State.NEW, State.REVIEWING)
# Decided: the states a staff decision leads to (the first decision's delay in /stats).
DECIDED: tuple[State, ...] = (State.INTERVIEW, State.ACCEPTED, State.REFUSED, State.WAITING)
# The decisions a referrer is told about as they happen.
NOTIFIED: frozenset[State] = frozenset(DECIDED)


@dataclass(frozen=True, slots=True)
class Labels:
    staff: str  # the staff card and queue, with its emoji
    export: str  # the statistics and the export
    name: str  # the state as the person would say it (their personal data)
    referrer: str  # as a referrer reads it: short, plain, no reference, no reason


# The draft is never shown to staff, in the export or to a referrer: its labels there are the
# plain value, as before.
LABELS: dict[State, Labels] = {
    State.DRAFT: Labels(
        staff=N_("brouillon"),
        export=N_("brouillon"),
        name=N_("pas encore envoyée"),
        referrer=N_("brouillon"),
    ),
    State.NEW: Labels(
        staff=N_("🆕 nouvelle"),
        export=N_("Nouvelle"),
        name=N_("envoyée, pas encore lue"),
        referrer=N_("candidature reçue, l'équipe va la lire"),
    ),
    State.REVIEWING: Labels(
        staff=N_("👀 à l'étude"),
        export=N_("À l'étude"),
        name=N_("l'équipe la regarde"),
        referrer=N_("candidature en cours d'étude"),
    ),
    State.INTERVIEW: Labels(
        staff=N_("📅 entretien"),
        export=N_("Entretien"),
        name=N_("entretien prévu"),
        referrer=N_("rendez-vous proposé"),
    ),
    State.WAITING: Labels(
        staff=N_("⏸ en attente"),
        export=N_("En attente"),
        name=N_("en attente"),
        referrer=N_("candidature en attente : pas de place pour le moment"),
    ),
    State.ACCEPTED: Labels(
        staff=N_("✅ acceptée"),
        export=N_("Acceptée"),
        name=N_("acceptée"),
        referrer=N_("candidature acceptée"),
    ),
    State.REFUSED: Labels(
        staff=N_("❌ refusée"),
        export=N_("Refusée"),
        name=N_("refusée"),
        referrer=N_("candidature non retenue"),
    ),
    State.CANCELLED: Labels(
        staff=N_("↩️ retirée"),
        export=N_("Retirée"),
        name=N_("retirée"),
        referrer=N_("candidature retirée par la personne"),
    ),
}


# A call-back request ("L'équipe peut m'appeler" when the work is probably not for the
# person) is a row of `applications` in a state of its own, never one of the application
# states above: every list of filed or active applications (`state IN (…)`, the partial
# index, the export's `filed_at`) leaves it out by construction, while what is keyed by the
# row (erasure, retention, /mesdonnees, the outbox, cards and their redaction) covers it.
CALLBACK = "rappel"  # the person asked to be called; the team has not called yet
CALLED = "rappel_fait"  # a staff member called her
CALLBACK_STATES: tuple[str, ...] = (CALLBACK, CALLED)
# Not a filed application: the draft and the call-back requests (no figure counts them).
NOT_FILED: tuple[str, ...] = (State.DRAFT, *CALLBACK_STATES)
CALLBACK_LABELS: dict[str, Labels] = {
    CALLBACK: Labels(
        staff=N_("📞 demande de rappel"),
        export=N_("Demande de rappel"),
        name=N_("vous avez demandé un appel"),
        referrer=N_("demande de rappel"),
    ),
    CALLED: Labels(
        staff=N_("☎️ rappel fait"),
        export=N_("Rappel fait"),
        name=N_("l'équipe vous a téléphoné"),
        referrer=N_("rappel fait"),
    ),
}


def labels(state: str) -> Labels | None:
    """The labels of a stored state (None for a value this version does not know)."""
    if state in CALLBACK_LABELS:
        return CALLBACK_LABELS[state]
    try:
        return LABELS[State(state)]
    except ValueError:
        return None


# --- the groups in SQL ------------------------------------------------------------------------
# No state is typed in SQL anywhere else (tests/journey/test_states.py scans the sources);
# the shipped migrations keep their text as it was (they are never edited).

_VALUE = re.compile(r"[a-z_]+")


def sql_in(column: str, group: str | Iterable[str], *, negate: bool = False) -> str:
    """`column IN ('a', 'b')` for a group of states (`NOT IN` with `negate`); for one state,
    `column = 'a'` (or `!=`).

    The values are written as SQL literals, not bound parameters: SQLite uses a partial
    index (`applications_one_active`, `applications_names`) only when the query says the
    index's own condition, and `state IN (?, ?)` does not; the values are this module's own,
    never anyone's input (and checked to be plain words)."""
    values = [str(value) for value in ((group,) if isinstance(group, str) else group)]
    if not values or not all(_VALUE.fullmatch(value) for value in values):
        raise ValueError(f"not a group of states: {values!r}")
    if len(values) == 1:
        return f"{column} {'!=' if negate else '='} '{values[0]}'"
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} {'NOT IN' if negate else 'IN'} ({listed})"
