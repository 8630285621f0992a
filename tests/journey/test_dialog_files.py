"""One loader for `dialogs/*.toml` (bot.core.dialog_files): every problem with its file and
key, at once; an edit made while the bot runs is used from the next update, and a broken
one keeps the last good version (told once in the log), never an error in a live handler."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.checks import run_checks
from bot.core.dialog_files import DialogError, placeholder_problems
from bot.core.dialogs import JOURNEY, check_dialogs
from bot.core.settings import PROJECT_ROOT
from bot.slots.dialogs import check_slot_dialogs
from localapi import LocalBotApi
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot, Clock, make_settings
from tests.journeys import (
    AFTER_VERDICT,
    PROBABLE,
    add_slot,
    finish_after_rendez_vous,
    play,
    reach_rendez_vous,
)

LOADER = "bot.core.dialog_files"
CHOOSE = (
    "choose = \"Choisissez une date pour venir nous rencontrer. C'est une réunion d'information.\""
)
TEAM_WILL_CALL = 'team_will_call = "L\'équipe va vous appeler pour trouver une date."'
AGE_QUESTION = "Quel âge avez-vous ?"
# The command line of this checkout (the virtualenv may be installed from another one).
_THIS_CODE = {"PYTHONPATH": str(PROJECT_ROOT)}


@pytest.fixture
def dialogs(tmp_path: Path) -> Path:
    target = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", target)
    return target


@pytest.fixture
async def running(tmp_path: Path, dialogs: Path) -> AsyncIterator[Bot]:
    """The real bot on a copy of the dialogs that the test edits while it runs."""
    settings = make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs))
    harness = Bot(settings=settings, api=LocalBotApi(), clock=Clock())
    harness.api.known_chat(STAFF_ID)
    await harness.start()
    yield harness
    await harness.stop()


def _edit(path: Path, old: str, new: str) -> None:
    """Replace a text of the file as staff would, with a newer modification time (a file
    rewritten within the same tick of the file system's clock is still seen as changed)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    before = path.stat().st_mtime_ns
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stamp = max(path.stat().st_mtime_ns, before + 1_000_000_000)
    os.utime(path, ns=(stamp, stamp))


def _told(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOADER and r.levelname == "ERROR"]


async def test_a_broken_slots_edit_keeps_the_last_good_texts_and_the_bot_answers(
    running: Bot, dialogs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOADER)
    add_slot(running, days=3)
    slots = dialogs / "slots.toml"
    # A good edit while the bot runs: used from the next update on, no restart.
    _edit(slots, CHOOSE, 'choose = "Quelle date vous va ?"')
    first = running.chat(CANDIDATE_ID, "Awa")
    await reach_rendez_vous(first)
    assert "Quelle date vous va ?" in first.last.text
    # A broken edit: two problems in the file.
    _edit(slots, 'choose = "Quelle date vous va ?"', 'choose = "Quelle date {jour} ?"')
    _edit(slots, 'none_fits = "Aucune de ces dates"', 'none_fits = "Aucune de ces dates ne me va"')
    second = running.chat(CANDIDATE_ID + 1, "Binta")
    await reach_rendez_vous(second, "Binta")
    # The last good texts, and the journey goes on to the end.
    assert "Quelle date vous va ?" in second.last.text
    await second.tap("Aucune de ces dates")
    await finish_after_rendez_vous(second)
    filed = running.store.active_application(CANDIDATE_ID + 1)
    assert filed is not None and filed.state == "nouvelle"
    # Told once, with the file and the key of each problem.
    told = _told(caplog)
    assert len(told) == 1, told
    assert "slots.toml: messages.choose: unknown placeholder {jour} (allowed: none)" in told[0]
    assert "slots.toml: messages.none_fits: is a button: 1 to 4 words" in told[0]
    third = running.chat(CANDIDATE_ID + 2, "Chloé")
    await reach_rendez_vous(third, "Chloé")
    assert "Quelle date vous va ?" in third.last.text
    assert len(_told(caplog)) == 1  # the same broken file is not told at every update
    # Fixed: the new version is used.
    _edit(slots, "{jour}", "choisissez-vous")
    _edit(slots, "Aucune de ces dates ne me va", "Aucune de ces dates")
    fourth = running.chat(CANDIDATE_ID + 3, "Dalia")
    await reach_rendez_vous(fourth, "Dalia")
    assert "Quelle date choisissez-vous ?" in fourth.last.text


async def test_a_broken_staff_edit_keeps_the_last_good_version(
    running: Bot, dialogs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOADER)
    from bot.staff.dialogs import staff_dialogs_in

    good = staff_dialogs_in(dialogs)
    _edit(dialogs / "staff.toml", "[[reasons]]", "[[motifs]]")
    assert staff_dialogs_in(dialogs) is good
    assert staff_dialogs_in(dialogs) is good
    told = _told(caplog)
    assert len(told) == 1 and "staff.toml: (top level): unknown key(s) ['motifs']" in told[0]
    chat = running.chat()
    await chat.send("/start")
    assert chat.last.text  # the bot answers


async def test_journey_edits_apply_at_the_next_update_but_a_removed_step_waits_for_a_restart(
    running: Bot, dialogs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOADER)
    journey = dialogs / "journey.toml"
    awa = running.chat(CANDIDATE_ID, "Awa")
    await awa.send("/start")
    await awa.tap("J'accepte")
    assert AGE_QUESTION in awa.last.text
    # Valid, but a step a conversation may be at is renamed: kept until the next start.
    _edit(journey, AGE_QUESTION, "Votre âge ?")
    _edit(journey, 'id = "disponible"', 'id = "dispo"')
    binta = running.chat(CANDIDATE_ID + 1, "Binta")
    await binta.send("/start")
    await binta.tap("J'accepte")
    assert AGE_QUESTION in binta.last.text
    told = _told(caplog)
    assert len(told) == 1
    assert "journey.toml: step 'disponible' was removed or renamed" in told[0]
    # Awa, in the middle of the journey, goes on to the end.
    await play(awa, PROBABLE[1:])
    await awa.tap("Continuer")
    await play(awa, AFTER_VERDICT)
    await awa.tap("✅ Envoyer ma candidature")
    filed = running.store.active_application(CANDIDATE_ID)
    assert filed is not None and filed.state == "nouvelle"
    # Only the rewording: used from the next update on.
    _edit(journey, 'id = "dispo"', 'id = "disponible"')
    chloe = running.chat(CANDIDATE_ID + 2, "Chloé")
    await chloe.send("/start")
    await chloe.tap("J'accepte")
    assert "Votre âge ?" in chloe.last.text
    # After a restart the renamed step is used too.
    _edit(journey, 'id = "disponible"', 'id = "dispo"')
    await running.restart()
    assert running.store is not None
    assert JOURNEY.live(dialogs).has_step("dispo")


def test_check_lists_every_problem_with_its_file_and_key(tmp_path: Path, dialogs: Path) -> None:
    slots = dialogs / "slots.toml"
    _edit(slots, "hours_before = 3", "hours_before = 30")
    _edit(slots, TEAM_WILL_CALL, 'team_will_call = "Nous vous appelons {heure}."')
    _edit(slots, 'coming = "Je viens"', 'coming = "Oui je viens avec plaisir demain"')
    _edit(dialogs / "staff.toml", "{moment}.", "{moment} {when}.")
    _edit(dialogs / "staff.toml", 'id = "autre"', 'id = "Autre!"')
    journey = dialogs / "journey.toml"
    _edit(journey, 'kind = "multi"', 'kind = "plusieurs"')
    _edit(journey, 'validate = "postcode"', 'validate = "zip"')
    _edit(dialogs / "eligibility.toml", "level2_needed = 3", "level2_needed = 0")
    _edit(dialogs / "referrers.toml", 'id = "plie"', 'id = "PLIE!"')
    problems = run_checks(make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs)))
    expected = [
        "slots.toml: reminders.hours_before: must be a number from 1 to 12",
        "slots.toml: messages.team_will_call: unknown placeholder {heure} (allowed: none)",
        "slots.toml: messages.coming: is a button: 1 to 4 words",
        "staff.toml: messages.entretien: unknown placeholder {when} (allowed: {moment})",
        "staff.toml: [[reasons]] 9: id 'Autre!' must be 1-20 characters among a-z, 0-9 and _",
        "journey.toml: step 25 (ateliers): kind 'plusieurs' must be one of",
        "journey.toml: step 19 (code_postal): validate 'zip' must be one of",
        "eligibility.toml: [rule] level2_needed must be a whole number ≥ 1",
        "referrers.toml: kind 3: id 'PLIE!' must be 1-20 characters among a-z, 0-9 and _",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), (line, problems)
    # `python -m bot check` prints each of them and exits 1.
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "TREMPLIN_DIALOGS": str(dialogs), **_THIS_CODE},
        timeout=60,
    )
    assert result.returncode == 1
    for line in expected:
        assert line in result.stdout, line


def test_a_step_with_several_problems_has_each_of_them(dialogs: Path) -> None:
    journey = dialogs / "journey.toml"
    _edit(journey, 'id = "age"\nkind = "choice"', 'id = "Âge!"\nkind = "choix"\nindice = "x"')
    problems = check_dialogs(dialogs)
    assert any("step 2 (Âge!): unknown key(s) ['indice']" in p for p in problems), problems
    assert any("step 2 (Âge!): kind 'choix' must be one of" in p for p in problems), problems
    assert any("step 2 (Âge!): id 'Âge!' must be 1-20" in p for p in problems), problems


async def test_a_first_load_with_problems_gives_the_full_list(
    tmp_path: Path, dialogs: Path
) -> None:
    _edit(dialogs / "slots.toml", "hours_before = 3", "hours_before = 30")
    _edit(dialogs / "slots.toml", TEAM_WILL_CALL, 'team_will_call = "Appel {heure}."')
    _edit(dialogs / "journey.toml", 'validate = "postcode"', 'validate = "zip"')
    settings = make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs))
    harness = Bot(settings=settings, api=LocalBotApi(), clock=Clock())
    with pytest.raises(DialogError) as raised:
        await harness.start()
    assert len(raised.value.problems) == 3, raised.value.problems
    assert harness.application is None
    # `python -m bot demo`: exit 2, one clear line per problem.
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        input="/start\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={
            **{k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"},
            "TREMPLIN_DIALOGS": str(dialogs),
            "TREMPLIN_DATABASE": str(tmp_path / "db.sqlite3"),
            **_THIS_CODE,
        },
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3, result.stderr
    assert lines == [
        "tremplin: dialogs/slots.toml: reminders.hours_before: must be a number from 1 to 12",
        "tremplin: dialogs/slots.toml: messages.team_will_call: unknown placeholder {heure} "
        "(allowed: none)",
        lines[2],
    ]
    assert lines[2].startswith("tremplin: dialogs/journey.toml: step 19 (code_postal): validate")


def test_the_placeholder_check() -> None:
    assert placeholder_problems("Le {moment} à {place}.", {"moment", "place"}) == []
    assert placeholder_problems("{{littéral}}", ()) == []
    assert placeholder_problems("Le {date}.", {"moment"}) == [
        "unknown placeholder {date} (allowed: {moment})"
    ]
    assert placeholder_problems("Un {} sans nom", {"moment"}) == [
        "unknown placeholder {} (allowed: {moment})"
    ]
    assert placeholder_problems("{moment.year}", {"moment"}) == []
    assert placeholder_problems("Une { ouverte", {"moment"})[0].startswith("has a stray brace")
    # The structure's names are allowed everywhere, but a value the code gives must not take
    # one: `_()` would put the structure's postcode in place of hers.
    assert placeholder_problems("Ici, {structure}.", ()) == []
    assert placeholder_problems("Près de chez vous ({postcode}).", {"postcode"}) == [
        "placeholder {postcode} is the structure's (structure.toml): "
        "the value the code gives needs another name"
    ]


def test_the_shipped_files_have_no_problem() -> None:
    assert check_dialogs(PROJECT_ROOT / "dialogs") == []
    assert check_slot_dialogs(PROJECT_ROOT / "dialogs") == []
