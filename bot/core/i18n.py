"""French first: gettext catalogs from `locales/` and Babel formatting for fr_FR.

Source strings are French. `_()` looks them up in the catalog (so wording can be adjusted in
`locales/fr/LC_MESSAGES/messages.po` without touching code). The compiled `.mo` is used when
it is up to date; otherwise the `.po` is compiled in memory, so a fresh clone just works.
"""

from __future__ import annotations

import gettext
import io
import tomllib
from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE = "fr_FR"
DOMAIN = "messages"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_timezone = ZoneInfo("Europe/Paris")


def setup(locales_dir: Path, *, language: str = "fr", timezone: ZoneInfo | None = None) -> None:
    """Load the catalog once at start; every later `_()` uses it."""
    global _translations, _timezone
    _translations = load_translations(locales_dir, language)
    if timezone is not None:
        _timezone = timezone


def load_translations(locales_dir: Path, language: str = "fr") -> gettext.NullTranslations:
    folder = locales_dir / language / "LC_MESSAGES"
    po_path, mo_path = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po_path.exists():
        return gettext.GNUTranslations(io.BytesIO(compile_po(po_path)))
    return gettext.NullTranslations()


def compile_po(po_path: Path) -> bytes:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def _(message: str) -> str:
    """Translate a French source string (marks it for extraction too)."""
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later, where it is shown."""
    return message


# --- Babel formatting -----------------------------------------------------------------------


def local(moment: datetime) -> datetime:
    return moment.astimezone(_timezone)


def format_day(moment: datetime | date) -> str:
    """ "mardi 10 mars 2026"."""
    if isinstance(moment, datetime):
        moment = local(moment)
    return _babel_date(moment, "EEEE d MMMM y", locale=LOCALE)


def format_moment(moment: datetime, *, with_year: bool = False) -> str:
    """ "mardi 10 mars à 14 h" (or "à 14 h 30"), in the configured time zone."""
    return _format_moment(moment, with_year, _timezone)


@lru_cache(maxsize=4096)
def _format_moment(moment: datetime, with_year: bool, zone: ZoneInfo) -> str:
    # The same few slot dates are shown at every step that lists them: Babel's formatting
    # costs tens of microseconds, so each date is formatted once.
    moment = moment.astimezone(zone)
    day = "EEEE d MMMM y" if with_year else "EEEE d MMMM"
    hour = "H 'h'" if moment.minute == 0 else "H 'h' mm"
    return _babel_datetime(moment, f"{day} 'à' {hour}", locale=LOCALE, tzinfo=zone)


def format_number(value: float | int) -> str:
    return format_decimal(value, locale=LOCALE)


# --- extraction of the dialogs' texts (used by `pybabel extract`, see babel.cfg) -----------

TRANSLATABLE_KEYS = frozenset(
    {
        "text",
        "hint",
        "summary",
        "label",
        "title",
        "work",
        "name",
        "detail",
        "hours",
        "staff",
        "candidate",
    }
)


def extract_toml(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for `dialogs/*.toml`: every French text a person may read."""
    raw = fileobj.read()
    source = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    lines = source.splitlines()
    data = tomllib.loads(source)

    def line_of(text: str) -> int:
        probe = text[:40]
        return next((n for n, line in enumerate(lines, 1) if probe in line), 1)

    def walk(value: Any, key: str | None, in_messages: bool) -> Iterator[str]:
        if isinstance(value, dict):
            for child_key, child in value.items():
                yield from walk(
                    child, child_key, in_messages or child_key in ("messages", "states")
                )
        elif isinstance(value, list):
            for child in value:
                yield from walk(child, key, in_messages)
        elif isinstance(value, str) and value.strip() and (in_messages or key in TRANSLATABLE_KEYS):
            yield value.strip()

    for text in walk(data, None, False):
        yield line_of(text), "_", text, []
