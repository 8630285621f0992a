"""What the gettext catalogs hold: the texts missing from them, for `python -m bot check`
and each feature's own check (kept apart from `checks`, which gathers the features)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.core.settings import Settings


def missing_translations(settings: Settings, texts: Iterable[str]) -> list[str]:
    """Texts missing from a catalog (run `make locales` after a change); in a language other
    than French, texts not translated yet. Each feature checks its own dialogs' texts."""
    problems: list[str] = []
    for po_path in sorted(settings.locales_dir.glob("*/LC_MESSAGES/messages.po")):
        language = po_path.parent.parent.name
        try:
            catalog = read_catalog(po_path)
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


def read_catalog(po_path: Path) -> Catalog:
    with po_path.open("rb") as handle:
        return read_po(handle)
