"""`python -m bot slots add | list | cancel` as a person would type them, and `check` of
dialogs/slots.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.settings import PROJECT_ROOT
from bot.slots.cli import check
from bot.store import Store
from tests.conftest import make_settings


def _slots(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env["TREMPLIN_ENV_FILE"] = os.devnull  # never a developer's .env
    env.update({"TREMPLIN_DATABASE": str(tmp_path / "var" / "tremplin.sqlite3"), **extra})
    return subprocess.run(
        [sys.executable, "-m", "bot", "slots", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


@pytest.mark.parametrize("action", [[], ["add"], ["list"], ["cancel"]])
def test_help_of_each_slots_command(tmp_path: Path, action: list[str]) -> None:
    result = _slots(tmp_path, *action, "--help")
    assert result.returncode == 0
    assert "usage: python -m bot slots" in result.stdout


def test_add_list_cancel(tmp_path: Path) -> None:
    added = _slots(
        tmp_path, "add", "2031-03-10T14:00", "--seats", "12", "--place", "Salle  des fêtes"
    )
    assert added.returncode == 0, added.stderr
    assert "lundi 10 mars 2031 à 14 h" in added.stdout
    _slots(tmp_path, "add", "2031-03-12T09:30", "--seats", "2", "--kind", "entretien")
    store = Store.open(tmp_path / "var" / "tremplin.sqlite3")
    first, second = store.slots_between(since=datetime(2031, 1, 1, tzinfo=UTC))
    assert first.start == datetime(2031, 3, 10, 13, 0, tzinfo=UTC)  # 14 h in Paris, winter
    assert (first.seats, first.duration_minutes, first.kind, first.place) == (
        12,
        90,
        "information_collective",
        "Salle des fêtes",
    )
    assert (second.kind, second.duration_minutes) == ("entretien", 45)
    application = store.start_draft(1001, source=None)
    assert store.book_seat(second.id, application.id, now=datetime.now(UTC))
    store.close()
    listing = _slots(tmp_path, "list")
    assert listing.returncode == 0
    lines = listing.stdout.splitlines()
    assert lines[1].startswith(f"{first.id}\t2031-03-10 14:00\t")
    assert "0/12 taken, 12 left" in lines[1]
    assert "1/2 taken, 1 left" in lines[2]
    cancelled = _slots(tmp_path, "cancel", str(second.id))
    assert cancelled.returncode == 0
    assert "1 booked candidate(s) will be told by the running bot" in cancelled.stdout
    assert "CANCELLED" in _slots(tmp_path, "list").stdout
    again = _slots(tmp_path, "cancel", str(second.id))
    assert "already cancelled" in again.stdout
    store = Store.open(tmp_path / "var" / "tremplin.sqlite3")
    assert store.slot(second.id).cancelled and store.slot(second.id).taken == 0
    assert [b.notice_due for b in store.notices_due()] == ["slot_cancelled"]
    store.close()


def test_summer_time_is_local(tmp_path: Path) -> None:
    assert _slots(tmp_path, "add", "2031-07-01T14:00", "--seats", "5").returncode == 0
    store = Store.open(tmp_path / "var" / "tremplin.sqlite3")
    (slot,) = store.slots_between(since=datetime(2031, 1, 1, tzinfo=UTC))
    assert slot.start == datetime(2031, 7, 1, 12, 0, tzinfo=UTC)
    store.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2031-03-30T02:30", "--seats", "5"], "does not exist"),  # clocks go forward
        (["demain", "--seats", "5"], "not a date"),
        (["2020-01-01T10:00", "--seats", "5"], "in the past"),
        (["2031-03-10T14:00", "--seats", "0"], "--seats"),
        (["2031-03-10T14:00", "--seats", "5", "--duration", "1"], "--duration"),
        (["2031-03-10T14:00", "--seats", "5", "--workshop", "piscine"], "unknown workshop"),
    ],
)
def test_add_refuses_bad_values(tmp_path: Path, args: list[str], message: str) -> None:
    result = _slots(tmp_path, "add", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_cancel_unknown_slot_and_empty_list(tmp_path: Path) -> None:
    assert "No upcoming slot." in _slots(tmp_path, "list").stdout
    result = _slots(tmp_path, "cancel", "42")
    assert result.returncode == 1
    assert "no slot 42" in result.stderr


def test_check_reports_a_broken_slots_file(tmp_path: Path) -> None:
    assert check(make_settings(tmp_path)) == []
    dialogs = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", dialogs)
    path = dialogs / "slots.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("hours_before = 3", "hours_before = 30"), encoding="utf-8")
    problems = check(make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs)))
    assert problems and "hours_before" in problems[0]
    path.write_text(text.replace("{kind}, {moment}", "{kind}, {date}"), encoding="utf-8")
    problems = check(make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs)))
    assert problems and "unknown placeholder" in problems[0]
    path.write_text(
        text.replace('coming = "Je viens"', 'coming = "Oui je viens avec plaisir demain"'),
        encoding="utf-8",
    )
    problems = check(make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs)))
    assert problems and "1 to 4 words" in problems[0]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "TREMPLIN_DIALOGS": str(dialogs)},
        timeout=60,
    )
    assert result.returncode == 1
    assert "slots.toml" in result.stdout


def test_slots_added_by_the_command_line_while_the_bot_runs_are_offered(tmp_path: Path) -> None:
    """The bot reads open slots from the database at each offer: nothing to reload."""
    settings = make_settings(tmp_path)
    start = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    result = _slots(
        tmp_path,
        "add",
        start.astimezone(settings.timezone).strftime("%Y-%m-%dT%H:%M"),
        "--seats",
        "3",
        TREMPLIN_DATABASE=str(settings.database),
    )
    assert result.returncode == 0, result.stderr
    store = Store.open(settings.database)
    assert [s.seats for s in store.open_slots(now=datetime.now(UTC))] == [3]
    store.close()
