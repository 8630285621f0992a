"""What the gettext catalogs hold: the texts missing from them, for `python -m bot check`
and each feature's own check (kept apart from `checks`, which gathers the features)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from bot.core.settings import Settings, shipped_folder


class Layers:
    """One language's catalogs: a structure's own (TREMPLIN_DIALOGS/locales/, when it has
    one) over the shipped one. A text is in it when either has it, translated when either
    translates it (the bot reads them in that order: bot/core/i18n.py)."""

    def __init__(self, catalogs: list[Catalog]) -> None:
        self.catalogs = catalogs

    def has(self, text: str) -> bool:
        return any(catalog.get(text) is not None for catalog in self.catalogs)

    def translated(self, text: str) -> bool:
        return any(
            (message := catalog.get(text)) is not None and bool(message.string)
            for catalog in self.catalogs
        )


def languages_of(settings: Settings) -> dict[str, Layers]:
    """Each language's catalogs, the structure's own first (unreadable ones left out: they
    are reported once by `check_catalogs`)."""
    found: dict[str, list[Catalog]] = {}
    folders = [settings.structure_locales_dir, settings.locales_dir]
    for folder in (f for f in folders if f is not None):
        for po_path in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
            try:
                catalog = read_catalog(po_path)
            except Exception:  # reported once by check_catalogs
                continue
            found.setdefault(po_path.parent.parent.name, []).append(catalog)
    return {language: Layers(found[language]) for language in sorted(found)}


def missing_translations(settings: Settings, texts: Iterable[str]) -> list[str]:
    """Texts missing from a catalog (run `make locales` after a change; a structure's own
    texts: `python -m bot catalogs`); in a language other than French, texts not translated
    yet. Each feature checks its own dialogs' texts."""
    problems: list[str] = []
    run = (
        "make locales"
        if settings.dialogs_dir == shipped_folder("dialogs")
        else ("python -m bot catalogs")
    )
    for language, layers in languages_of(settings).items():
        for text in dict.fromkeys(texts):
            if not layers.has(text):
                problems.append(
                    f"locales/{language}: missing translation for {text[:60]!r} (run `{run}`)"
                )
            elif language != "fr" and not layers.translated(text):
                problems.append(f"locales/{language}: {text[:60]!r} is not translated yet")
    return problems


def read_catalog(po_path: Path) -> Catalog:
    with po_path.open("rb") as handle:
        return read_po(handle)


# Longer than this, a button's label is cut on a phone (two buttons to a row).
BUTTON_CHARACTERS = 32
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def code_texts(paths: Iterable[Path]) -> list[str]:
    """The texts of `_()` and `N_()` in these Python files (Babel's own extractor)."""
    texts: list[str] = []
    for path in paths:
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords={"_": None, "N_": None}
        ):
            if isinstance(message, str) and message:
                texts.append(message)
    return list(dict.fromkeys(texts))


def language_problems(
    settings: Settings, candidate_texts: Iterable[str], button_labels: Iterable[str]
) -> list[str]:
    """For each language but French: the candidate's texts not translated yet, placeholders
    that differ from the French, and buttons longer than a phone shows well."""
    problems: list[str] = []
    wanted = list(dict.fromkeys(candidate_texts))
    buttons = set(button_labels)
    for language, layers in languages_of(settings).items():
        if language == "fr":
            continue
        where = f"locales/{language}"
        for text in wanted:
            if layers.has(text) and not layers.translated(text):
                problems.append(f"{where}: {text[:60]!r} is not translated yet")
        for message in (m for catalog in layers.catalogs for m in catalog):
            if not isinstance(message.id, str) or not isinstance(message.string, str):
                continue  # plural forms: none in this project
            if not message.id or not message.string:
                continue
            if sorted(_PLACEHOLDER.findall(message.id)) != sorted(
                _PLACEHOLDER.findall(message.string)
            ):
                problems.append(
                    f"{where}: {message.id[:60]!r}: placeholders differ from the French "
                    f"({', '.join(_PLACEHOLDER.findall(message.string)) or 'none'})"
                )
            if message.id in buttons and len(message.string) > BUTTON_CHARACTERS:
                problems.append(
                    f"{where}: button {message.string!r} is longer than "
                    f"{BUTTON_CHARACTERS} characters (a phone cuts it)"
                )
    return problems
