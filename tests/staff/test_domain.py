"""Pure rules of the staff side: the application state machine, typed interview dates, the
staff.toml check; and the store's compare-and-set across two connections."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core import states
from bot.core.dialogs import load_dialogs
from bot.core.settings import PROJECT_ROOT
from bot.staff import rules as lifecycle
from bot.staff.dialogs import check_staff_dialogs
from bot.staff.rules import MomentError, parse_moment
from bot.store import Store
from tests.conftest import make_settings

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_final_states_only_take_notes() -> None:
    for state in states.FINAL:
        assert lifecycle.actions_for(state) == (lifecycle.NOTE,)
    assert lifecycle.actions_for("brouillon") == ()
    assert not lifecycle.allowed("en_attente", lifecycle.WAIT)
    assert lifecycle.allowed("entretien", lifecycle.CONVENE)  # moving an interview
    assert (
        lifecycle.target(lifecycle.REFUSE) == "refusee" and lifecycle.target(lifecycle.NOTE) is None
    )
    assert lifecycle.claimable("nouvelle") and not lifecycle.claimable("a_l_etude")


@pytest.mark.parametrize(
    ("text", "expected", "place"),
    [
        ("12/03/2031 14:30", datetime(2031, 3, 12, 14, 30, tzinfo=PARIS), None),
        ("12/03/2031 14h30", datetime(2031, 3, 12, 14, 30, tzinfo=PARIS), None),
        ("12/03 14h", datetime(2026, 3, 12, 14, 0, tzinfo=PARIS), None),
        ("01/02 9h", datetime(2027, 2, 1, 9, 0, tzinfo=PARIS), None),  # next such date
        ("12.03.31 à 9:05, salle B", datetime(2031, 3, 12, 9, 5, tzinfo=PARIS), "salle B"),
    ],
)
def test_typed_moments(text: str, expected: datetime, place: str | None) -> None:
    moment = parse_moment(text, now=NOW, timezone=PARIS)
    assert moment.start == expected and moment.place == place


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("demain", "format"),
        ("31/02/2031 10:00", "format"),
        ("12/03/2031 25:00", "format"),
        ("12/03/2031 1430", "format"),
        ("28/03/2027 02:30", "format"),  # skipped when clocks go forward: one parser for all
        ("01/03/2026 10:00", "past"),
        ("12/03/2031 10:00, " + "x" * 300, "place"),
    ],
)
def test_typed_moments_refused(text: str, problem: str) -> None:
    with pytest.raises(MomentError) as error:
        parse_moment(text, now=NOW, timezone=PARIS)
    assert str(error.value) == problem


@pytest.fixture
def dialogs_copy(tmp_path: Path) -> Path:
    target = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", target)
    return target


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('step = "age"', 'step = "agee"', "[[card]] names unknown step 'agee'"),
        ('id = "autre"', 'id = "Autre!"', "must be 1-20 characters"),
        ('id = "autre"', 'id = "injoignable"', "two [[reasons]] share an id"),
        ("acceptee = ", "acceptation = ", "[messages] lacks 'acceptee'"),
        ("{moment}.", "{moment} {when}.", "unknown placeholder"),
        ("[[reasons]]", "[[motifs]]", "unknown key(s) ['motifs']"),
    ],
)
def test_broken_staff_toml_is_reported(
    dialogs_copy: Path, old: str, new: str, expected: str
) -> None:
    path = dialogs_copy / "staff.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    problems = check_staff_dialogs(dialogs_copy, load_dialogs(dialogs_copy))
    assert any(expected in p for p in problems), problems


def test_check_command_reports_staff_toml(dialogs_copy: Path, tmp_path: Path) -> None:
    from bot.checks import run_checks

    (dialogs_copy / "staff.toml").unlink()
    settings = make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs_copy))
    assert "staff.toml: file is missing" in run_checks(settings)


def test_two_connections_record_exactly_one_decision(tmp_path: Path) -> None:
    """Two processes on the same file: the compare-and-set lets one decision through."""
    path = tmp_path / "tremplin.sqlite3"
    first, second = Store.open(path), Store.open(path)
    try:
        draft = first.start_draft(1001, source=None)
        filed, _ = first.file_application(
            draft.id,
            fields={"answers": {}, "criteria": {}, "verdict": "probable", "workshops": ["bois"]},
        )
        results = [
            store.decide(
                filed.id,
                expected="nouvelle",
                version=0,
                new=new,
                staff_id=staff_id,
                staff_name=name,
            )
            for store, new, staff_id, name in (
                (first, "acceptee", 900, "Nadia"),
                (second, "refusee", 901, "Karim"),
            )
        ]
        assert results == [True, False]
        assert second.application(filed.id).state == "acceptee"
        review = second.review(filed.id)
        assert (review.version, review.decided_by_name, review.decision) == (1, "Nadia", "acceptee")
        # The next decision must carry the new version.
        assert not second.decide(
            filed.id, expected="acceptee", version=0, new="refusee", staff_id=901, staff_name="K"
        )
    finally:
        first.close()
        second.close()
