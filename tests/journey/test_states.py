"""The one vocabulary of application states (issue #14): every state named, the groups agree
with the decisions staff may take, and the stored strings do not change."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.core import states
from bot.core.dialog_types import APPLICATION_STATES
from bot.core.settings import PROJECT_ROOT
from bot.core.states import LABELS, State, sql_in
from bot.staff import rules as applications
from bot.staff.dialogs import MESSAGES
from bot.store import Store


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
    assert sql_in("state", states.ACTIVE) == (
        "state IN ('brouillon', 'nouvelle', 'a_l_etude', 'entretien', 'en_attente', 'acceptee')"
    )
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


def test_the_groups_of_the_queries() -> None:
    filed = set(states.FILED)
    assert set(states.UNDECIDED) == {State.NEW, State.REVIEWING}
    assert set(states.UNDECIDED) < set(states.OPEN)
    assert set(states.OPEN) - set(states.UNDECIDED) == {State.INTERVIEW, State.WAITING}
    # Decided: where a staff decision leads, and what a referrer is told.
    targets = {applications.target(a) for s in filed for a in applications.actions_for(s)}
    assert set(states.DECIDED) == targets - {None} == states.NOTIFIED
    assert not set(states.DECIDED) & set(states.UNDECIDED)
    # Everything stored is either a filed application or not one (the draft, a call-back).
    assert states.NOT_FILED == (State.DRAFT, "rappel", "rappel_fait")
    assert not set(states.NOT_FILED) & filed
    assert filed | set(states.NOT_FILED) == set(APPLICATION_STATES)


def test_each_decided_state_has_its_message() -> None:
    """staff.toml's [messages] has one per state a decision leads to, named after it."""
    assert set(states.DECIDED) <= set(MESSAGES)


def test_a_group_in_sql() -> None:
    assert sql_in("state", State.DRAFT) == "state = 'brouillon'"
    assert sql_in("a.state", State.DRAFT, negate=True) == "a.state != 'brouillon'"
    assert sql_in("state", states.UNDECIDED) == "state IN ('nouvelle', 'a_l_etude')"
    assert sql_in("state", states.NOT_FILED, negate=True) == (
        "state NOT IN ('brouillon', 'rappel', 'rappel_fait')"
    )
    assert sql_in("e.to_state", states.DECIDED) == (
        "e.to_state IN ('entretien', 'acceptee', 'refusee', 'en_attente')"
    )
    for wrong in ((), ("nouvelle", "x'; DROP TABLE applications; --"), ("Nouvelle",)):
        with pytest.raises(ValueError):
            sql_in("state", wrong)


def test_the_schema_agrees_with_the_groups(tmp_path: Path) -> None:
    """The shipped migrations keep their text (never edited): a group the schema relies on
    that changes needs a new migration, and this test says so."""
    store = Store.open(tmp_path / "tremplin.sqlite3")
    try:
        schema = dict(store.db.execute("SELECT name, sql FROM sqlite_master").fetchall())
    finally:
        store.db.close()
    assert f"WHERE {sql_in('state', states.ACTIVE)}" in schema["applications_one_active"]
    assert f"WHERE {sql_in('state', State.DRAFT, negate=True)}" in schema["applications_names"]
    assert f"DEFAULT '{State.DRAFT}'" in schema["applications"]
    freed = sql_in("NEW.state", (State.CANCELLED, State.REFUSED))
    assert f"WHEN {freed}" in schema["bookings_free_on_close"]


# --- no state typed in SQL outside bot/core/states.py --------------------------------------

STORED = sorted({*State, *states.CALLBACK_STATES}, key=len, reverse=True)
QUOTED = re.compile("'(" + "|".join(STORED) + ")'")
SQL = re.compile(r"\b(SELECT|UPDATE|INSERT|DELETE|WHERE|CREATE|AND|OR|IN|SET|VALUES)\b")
# The shipped migrations keep their SQL text as it was (see the schema test above).
NOT_SCANNED = ("core/states.py", "migrations.py")


def typed_states(source: str) -> list[str]:
    """`line: 'value'` for each stored state written as a quoted literal in an SQL text.
    `'entretien'` is also a kind of slot (`kind = 'entretien'`): next to "kind" it is one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            text = "".join(str(part) for part in parts)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if not SQL.search(text):
            continue
        for hit in QUOTED.finditer(text):
            if (
                hit.group(1) == State.INTERVIEW
                and "kind" in text[max(0, hit.start() - 40) : hit.start()]
            ):
                continue
            found.append(f"{node.lineno}: {hit.group(0)}")
    return sorted(set(found))


def test_the_scan_finds_a_typed_state() -> None:
    source = (
        "a = \"SELECT * FROM applications WHERE state = 'nouvelle'\"\n"
        "b = f\"UPDATE applications SET updated_at = ? WHERE {where} AND state != 'rappel'\"\n"
        "c = \"SELECT 1 FROM slots s WHERE s.kind = 'entretien' AND a.state = ?\"\n"
        "d = \"Votre candidature est 'acceptee'.\"\n"
    )
    assert typed_states(source) == ["1: 'nouvelle'", "2: 'rappel'"]


def test_no_state_is_typed_in_sql_outside_the_states_module() -> None:
    typed = {}
    for path in sorted((PROJECT_ROOT / "bot").rglob("*.py")):
        name = path.relative_to(PROJECT_ROOT / "bot").as_posix()
        if name.endswith(NOT_SCANNED):
            continue
        found = typed_states(path.read_text(encoding="utf-8"))
        if found:
            typed[name] = found
    assert typed == {}, "use bot.core.states.sql_in with a group of bot.core.states"
