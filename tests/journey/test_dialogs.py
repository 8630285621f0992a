"""Dialogs as data: the shipped files are valid, broken ones are refused with a clear reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.checks import run_checks
from bot.core.dialog_fields import DialogError
from bot.core.dialogs import check_dialogs, load_dialogs
from bot.core.rules import eligibility
from bot.core.rules.steps import active_path
from bot.core.settings import PROJECT_ROOT
from tests.conftest import make_settings

DIALOGS = PROJECT_ROOT / "dialogs"


@pytest.fixture
def dialogs_copy(tmp_path: Path) -> Path:
    target = tmp_path / "dialogs"
    shutil.copytree(DIALOGS, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_shipped_dialogs_and_catalogs_are_valid(tmp_path: Path) -> None:
    assert check_dialogs(DIALOGS) == []
    assert run_checks(make_settings(tmp_path)) == []


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("journey.toml", 'criteria = ["rsa"]', 'criteria = ["rsaa"]', "unknown criterion 'rsaa'"),
        (
            "journey.toml",
            'ask_if = { inscrit_ft = ["oui"] }',
            'ask_if = { inscrite = ["oui"] }',
            "ask_if names unknown step 'inscrite'",
        ),
        (
            "journey.toml",
            '{ id = "non", label = "Non merci", end = "refus_accord" }',
            '{ id = "non", label = "Non merci", next = "nulle_part" }',
            "skips to unknown step 'nulle_part'",
        ),
        ("journey.toml", 'kind = "multi"', 'kind = "plusieurs"', "kind 'plusieurs'"),
        ("journey.toml", 'validate = "postcode"', 'validate = "zip"', "validate 'zip'"),
        ("journey.toml", 'section = "situation"', 'section = "ailleurs"', "unknown section"),
        ("journey.toml", 'id = "age"', 'id = "Âge!"', "must be 1-20 characters"),
        ("journey.toml", 'hint = "Le RSA', 'indice = "Le RSA', "unknown key(s) ['indice']"),
        ("eligibility.toml", "level2_needed = 3", "level2_needed = 0", "level2_needed"),
        (
            "eligibility.toml",
            'level = 1\nlabel = "Bénéficiaire du RSA"',
            'level = 3\nlabel = "Bénéficiaire du RSA"',
            "level must be 1 or 2",
        ),
        ("journey.toml", 'flag = "droit_travail",', 'flag = "papiers",', "unknown flag 'papiers'"),
        ("eligibility.toml", 'effect = "doubt"', 'effect = "maybe"', "effect must be one of"),
        (
            "eligibility.toml",
            'effect = "block"\nstaff = "⛔ Moins de 16 ans"\ncandidate = ',
            'effect = "block"\nstaff = "⛔ Moins de 16 ans"\nautre = ',
            "a block needs a 'candidate' text",
        ),
        (
            "journey.toml",
            'counsellor_if = { inscrit_ft = ["oui"]',
            'counsellor_if = { inscrit_ft = ["peut-etre"]',
            "counsellor_if inscrit_ft='peut-etre' is not an option",
        ),
        (
            "journey.toml",
            'short = "Votre accord"',
            'short = "Votre accord pour garder vos réponses"',
            "29 at most",
        ),
        ("journey.toml", 'short = "Votre accord"', 'short = " "', "short must not be empty"),
        ("eligibility.toml", "[diagnosis]\nstaff", "[diagnosis]\nautre", "'staff' is missing"),
        ("journey.toml", "[messages]\n", '[messages]\nwelcom = "x"\n', None),
        ("structure.toml", "latitude = 48.9071", 'latitude = "nord"', "latitude"),
    ],
)
def test_broken_dialogs_are_refused(
    dialogs_copy: Path, file: str, old: str, new: str, expected: str | None
) -> None:
    _edit(dialogs_copy / file, old, new)
    problems = check_dialogs(dialogs_copy)
    if expected is None:  # an extra message is harmless
        assert problems == []
        return
    assert any(expected in p for p in problems), problems
    with pytest.raises(DialogError):
        load_dialogs(dialogs_copy)


def test_malformed_toml_is_one_clear_problem(dialogs_copy: Path) -> None:
    (dialogs_copy / "workshops.toml").write_text("[[workshops]\nid = ")
    problems = check_dialogs(dialogs_copy)
    assert len(problems) == 1
    assert problems[0].startswith("workshops.toml: not valid TOML")


def test_a_new_question_without_its_translation_is_reported(
    dialogs_copy: Path, tmp_path: Path
) -> None:
    _edit(dialogs_copy / "journey.toml", "Quel âge avez-vous ?", "Quel est votre âge ?")
    problems = run_checks(make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs_copy)))
    # Every catalog lacks it; a folder of its own: its own catalogs (`catalogs`).
    assert problems == [
        f"locales/{code}: missing translation for 'Quel est votre âge ?' "
        "(run `python -m bot catalogs`)"
        for code in ("ar", "bn", "en", "fr", "ta", "zh")
    ]


def test_the_threshold_is_data(dialogs_copy: Path) -> None:
    """Two level-2 criteria: not enough for an ACI (3), enough once the rule says 2."""
    answers = {
        "accord": "oui",
        "age": "16_25",
        "droit_travail": "oui",
        "accord_aides": "non",
        "inscrit_ft": "non",
        "diplome": "aucun",
    }
    aci = load_dialogs(dialogs_copy)
    path = active_path(aci, answers)
    assert eligibility.verdict(aci, path.criteria, path.flags) == eligibility.A_CONFIRMER
    _edit(dialogs_copy / "eligibility.toml", "level2_needed = 3", "level2_needed = 2")
    ai = load_dialogs(dialogs_copy)
    path = active_path(ai, answers)
    assert eligibility.verdict(ai, path.criteria, path.flags) == eligibility.PROBABLE
    # …and the remaining level-2 questions are then skipped.
    assert "parent_seul" not in path.ids


def test_the_ids_the_code_relies_on_are_checked(dialogs_copy: Path) -> None:
    """Rewording is free; renaming an id the code reads is refused, with the id named."""
    journey = dialogs_copy / "journey.toml"
    _edit(journey, 'id = "email"', 'id = "courriel"')
    _edit(journey, '{ id = "aucune", label', '{ id = "aucun", label')
    _edit(journey, '{ id = "continuer", label', '{ id = "suite", label')
    problems = check_dialogs(dialogs_copy)
    assert "journey.toml: the code needs a step 'email' of kind 'text'" in problems
    assert "journey.toml: the step 'rendez_vous' needs an option 'aucune'" in problems
    assert "journey.toml: the verdict step needs an option 'continuer'" in problems
