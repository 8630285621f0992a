"""The one vocabulary of application states (issue #14): every state named, the groups agree
with the decisions staff may take, and the stored strings do not change."""

from __future__ import annotations

from bot.core import states
from bot.core.dialog_types import APPLICATION_STATES
from bot.core.states import LABELS, State
from bot.core.store import ACTIVE_STATES
from bot.slots.store import FILED_ALIVE
from bot.staff import rules as applications


def test_values_are_the_stored_strings() -> None:
    assert [s.value for s in State] == [
        "brouillon",
        "nouvelle",
        "a_l_etude",
        "entretien",
        "en_attente",
        "acceptee",
        "refusee",
        "annulee",
    ]
    assert State.NEW == "nouvelle" and f"{State.NEW}" == "nouvelle"
    assert ACTIVE_STATES == ("brouillon", "nouvelle", "a_l_etude", "entretien", "en_attente",
                             "acceptee")  # fmt: skip
    assert all(type(s) is str for s in (*ACTIVE_STATES, *FILED_ALIVE))  # written into SQL
    # A call-back request has states of its own, never an application's.
    assert tuple(APPLICATION_STATES) == (*State, *states.CALLBACK_STATES)
    assert not set(states.CALLBACK_STATES) & set(State)


def test_every_state_has_its_labels() -> None:
    assert set(LABELS) == set(State)
    for state in State:
        found = states.labels(state.value)
        assert found is LABELS[state]
        for text in (found.staff, found.export, found.name, found.referrer):
            assert text.strip()
    staff = [LABELS[s].staff for s in states.FILED]
    assert len(set(staff)) == len(staff)
    assert states.labels("inconnu") is None


def test_groups_agree_with_the_transitions() -> None:
    filed = set(states.FILED)
    assert filed == set(State) - {State.DRAFT}
    assert set(states.OPEN) | set(states.FINAL) == filed
    assert not set(states.OPEN) & set(states.FINAL)
    assert set(states.FILED_ALIVE) == filed - {State.REFUSED, State.CANCELLED}
    assert set(states.ACTIVE) == set(states.FILED_ALIVE) | {State.DRAFT}
    assert filed >= states.NOTIFIED
    # Staff decide on filed applications only; an open one can still be decided, a final one
    # only takes notes; every decision leads to a filed state, never back to the draft.
    assert applications.actions_for(State.DRAFT) == ()
    for state in states.OPEN:
        assert any(applications.target(a) for a in applications.actions_for(state))
    for state in states.FINAL:
        assert applications.actions_for(state) == (applications.NOTE,)
    targets = {applications.target(a) for s in filed for a in applications.actions_for(s)}
    targets.discard(None)
    assert targets <= filed - {State.NEW, State.REVIEWING, State.CANCELLED}
    assert set(states.NOTIFIED) == targets
    assert applications.claimable(State.NEW)
    assert all(applications.is_open(s) == (s in states.OPEN) for s in State)
