"""`python -m bot check`: the dialogs, the catalogs, and optionally a database file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
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
    """Every text of the journey's dialogs is in each catalog."""
    catalogs = sorted(settings.locales_dir.glob("*/LC_MESSAGES/messages.po"))
    if not catalogs:
        return [f"locales: no catalog in {settings.locales_dir}"]
    problems = []
    for po_path in catalogs:
        try:
            _read_catalog(po_path)
        except Exception as error:  # Babel raises several kinds on a broken file
            problems.append(
                f"locales/{po_path.parent.parent.name}: cannot read messages.po ({error})"
            )
    texts = load_dialogs(settings.dialogs_dir).translatable_strings()
    return problems + missing_translations(settings, texts)


def missing_translations(settings: Settings, texts: Iterable[str]) -> list[str]:
    """Texts missing from a catalog (run `make locales` after a change); in a language other
    than French, texts not translated yet. Each feature checks its own dialogs' texts."""
    problems: list[str] = []
    for po_path in sorted(settings.locales_dir.glob("*/LC_MESSAGES/messages.po")):
        language = po_path.parent.parent.name
        try:
            catalog = _read_catalog(po_path)
        except Exception:  # reported once by check_catalogs
            continue
        for text in dict.fromkeys(texts):
            message = catalog.get(text)
            if message is None:
                problems.append(
                    f"locales/{language}: missing translation for {text[:60]!r} "
                    "(run `make locales`)"
                )
            elif language != "fr" and not message.string:
                problems.append(f"locales/{language}: {text[:60]!r} is not translated yet")
    return problems


def _read_catalog(po_path: Path) -> Catalog:
    with po_path.open("rb") as handle:
        return read_po(handle)


def check_database(path: Path) -> list[str]:
    if not path.is_file():
        return [f"database: {path} does not exist"]
    result = integrity_of_file(path)
    return [] if result == "ok" else [f"database: {result}"]
