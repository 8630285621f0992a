"""Starting another structure: `new-structure DIR` writes a folder whose identity is empty,
`check` names each field left to fill (exit 1 until they are), `catalogs` writes the texts it
adds for translation, and the time zone comes from structure.toml unless the settings say."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.pofile import read_po

from bot.core.settings import PROJECT_ROOT, load_settings
from tests.system.test_cli import _bot

FILLED = {
    'name = ""': 'name = "Atelier Fictif de Test"',
    'city = ""': 'city = "Villefictive-sur-Test"',
    'address = ""': 'address = "1 rue Imaginaire, 99100 Villefictive-sur-Test"',
    'reference_prefix = ""': 'reference_prefix = "AFT"',
    'department = ""': 'department = "Département Fictif"',
    'department_code = ""': 'department_code = "99"',
    "\npostcodes = [\n]": '\npostcodes = [{ postcode = "99100", town = "Villefictive-sur-Test" }]',
}


def test_a_new_folder_says_field_by_field_what_to_fill(tmp_path: Path) -> None:
    folder = tmp_path / "nouvelle"
    made = _bot(tmp_path, "new-structure", str(folder))
    assert made.returncode == 0, made.stderr
    assert f"TREMPLIN_DIALOGS={folder} python -m bot check" in made.stdout
    shipped = sorted(p.name for p in (PROJECT_ROOT / "dialogs").glob("*.toml"))
    assert sorted(p.name for p in folder.glob("*.toml")) == shipped
    structure = (folder / "structure.toml").read_text(encoding="utf-8")
    assert "Initiatives Solidaires" not in structure and "Aubervilliers" not in structure

    check = _bot(tmp_path, "check", TREMPLIN_DIALOGS=str(folder))
    assert check.returncode == 1
    lines = check.stdout.splitlines()
    for field in ("name", "city", "address", "reference_prefix"):
        assert any(line.startswith(f"structure.toml: {field}: is empty: write") for line in lines)
    for field in ("department", "department_code", "postcodes"):
        assert any(f"[area]: {field}: is empty" in line for line in lines), field

    # Each field filled in turn: one line fewer each time, and exit 0 at the end.
    for number, (empty, filled) in enumerate(FILLED.items(), 1):
        structure = structure.replace(empty, filled)
        (folder / "structure.toml").write_text(structure, encoding="utf-8")
        check = _bot(tmp_path, "check", TREMPLIN_DIALOGS=str(folder))
        identity = [line for line in check.stdout.splitlines() if "is empty: write" in line]
        assert len(identity) == len(FILLED) - number, check.stdout
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.splitlines()[-1] == "OK: dialogs, catalogs are valid."


def test_a_new_structure_in_a_folder_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pris").mkdir()
    (tmp_path / "pris" / "structure.toml").write_text("name = 'x'")
    result = _bot(tmp_path, "new-structure", str(tmp_path / "pris"))
    assert result.returncode == 2
    assert "already exists and is not an empty folder" in result.stderr
    assert (tmp_path / "pris" / "structure.toml").read_text() == "name = 'x'"


def test_catalogs_writes_the_added_texts_and_keeps_translations(tmp_path: Path) -> None:
    folder = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", folder)
    workshops = folder / "workshops.toml"
    workshops.write_text(
        workshops.read_text(encoding="utf-8")
        + '\n[[workshops]]\nid = "jardin"\nlabel = "Jardin fictif"\nwork = "Cultiver un jardin."\n',
        encoding="utf-8",
    )
    check = _bot(tmp_path, "check", TREMPLIN_DIALOGS=str(folder))
    assert check.returncode == 1
    assert "locales/ar: missing translation for 'Jardin fictif' (run `python -m bot catalogs`)" in (
        check.stdout
    )
    result = _bot(tmp_path, "catalogs", TREMPLIN_DIALOGS=str(folder))
    assert result.returncode == 0, result.stderr
    own = folder / "locales" / "ar" / "LC_MESSAGES" / "messages.po"
    assert f"{own}: 2 text(s) of your own, 2 to translate" in result.stdout
    with own.open("rb") as handle:
        catalog = read_po(handle)
    assert [m.id for m in catalog if m.id] == ["Jardin fictif", "Cultiver un jardin."]
    check = _bot(tmp_path, "check", TREMPLIN_DIALOGS=str(folder))
    assert "locales/ar: 'Jardin fictif' is not translated yet" in check.stdout

    text = own.read_text(encoding="utf-8")
    own.write_text(
        text.replace('msgid "Jardin fictif"\nmsgstr ""', 'msgid "Jardin fictif"\nmsgstr "حديقة"'),
        encoding="utf-8",
    )
    again = _bot(tmp_path, "catalogs", TREMPLIN_DIALOGS=str(folder))
    assert f"{own}: 2 text(s) of your own, 1 to translate" in again.stdout
    assert 'msgstr "حديقة"' in own.read_text(encoding="utf-8")  # kept
    check = _bot(tmp_path, "check", TREMPLIN_DIALOGS=str(folder))
    assert "locales/ar: 'Jardin fictif'" not in check.stdout
    assert "locales/ar: 'Cultiver un jardin.' is not translated yet" in check.stdout


def test_the_time_zone_comes_from_the_structure_unless_the_settings_say(tmp_path: Path) -> None:
    folder = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", folder)
    structure = folder / "structure.toml"
    structure.write_text(
        structure.read_text(encoding="utf-8").replace(
            'timezone = "Europe/Paris"', 'timezone = "Indian/Reunion"'
        ),
        encoding="utf-8",
    )
    assert load_settings({"TREMPLIN_DIALOGS": str(folder)}).timezone.key == "Indian/Reunion"
    overridden = {"TREMPLIN_DIALOGS": str(folder), "TREMPLIN_TIMEZONE": "America/Cayenne"}
    assert load_settings(overridden).timezone.key == "America/Cayenne"
    assert load_settings({}).timezone.key == "Europe/Paris"  # the shipped structure's

    structure.write_text(
        structure.read_text(encoding="utf-8").replace("Indian/Reunion", "Mars/Olympus"),
        encoding="utf-8",
    )
    check = _bot(tmp_path, "check", TREMPLIN_DIALOGS=str(folder))
    assert check.returncode == 1
    assert "structure.toml: timezone: 'Mars/Olympus' is not a time zone name" in check.stdout


def test_every_placeholder_of_the_structure_has_a_value() -> None:
    from bot.core.dialog_files import IDENTITY_PLACEHOLDERS
    from bot.core.dialogs import load_dialogs

    structure = load_dialogs(PROJECT_ROOT / "dialogs").structure
    assert set(structure.identity()) == IDENTITY_PLACEHOLDERS
    assert all(structure.identity().values())
