"""`python -m bot check`: the dialogs, the catalogs, and optionally a database file."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from bot.config import Settings
from bot.dialogs import check_dialogs, load_dialogs
from bot.store import integrity_of_file


def run_checks(settings: Settings, *, database: Path | None = None) -> list[str]:
    from bot.commands import FEATURES

    problems = check_dialogs(settings.dialogs_dir)
    for feature in FEATURES:
        problems += feature.check(settings)
    if not problems:
        problems += check_catalogs(settings)
    if database is not None:
        problems += check_database(database)
    return problems


def check_catalogs(settings: Settings) -> list[str]:
    """Every text of the dialogs must be in each catalog (run `make locales` after a change);
    for a language other than French, it must also be translated."""
    dialogs = load_dialogs(settings.dialogs_dir)
    problems: list[str] = []
    catalogs = sorted(settings.locales_dir.glob("*/LC_MESSAGES/messages.po"))
    if not catalogs:
        return [f"locales: no catalog in {settings.locales_dir}"]
    for po_path in catalogs:
        language = po_path.parent.parent.name
        try:
            with po_path.open("rb") as handle:
                catalog = read_po(handle)
        except Exception as error:  # Babel raises several kinds on a broken file
            problems.append(f"locales/{language}: cannot read messages.po ({error})")
            continue
        for text in dict.fromkeys(dialogs.translatable_strings()):
            message = catalog.get(text)
            if message is None:
                problems.append(
                    f"locales/{language}: missing translation for {text[:60]!r} "
                    "(run `make locales`)"
                )
            elif language != "fr" and not message.string:
                problems.append(f"locales/{language}: {text[:60]!r} is not translated yet")
    return problems


def check_database(path: Path) -> list[str]:
    if not path.is_file():
        return [f"database: {path} does not exist"]
    result = integrity_of_file(path)
    return [] if result == "ok" else [f"database: {result}"]
