"""French first, then the reader's own language: gettext catalogs from `locales/` and Babel
formatting in the reader's locale, in the structure's time zone.

Source strings are French. `_()` looks them up in the catalog of the language of the update
being processed (a context variable, set per update by the journey, so that two people in two
languages at the same moment each get their own; staff always read French). Every catalog in
`locales/<code>/LC_MESSAGES/messages.po` is a language the bot offers: adding one is adding a
catalog. The compiled `.mo` is used when it is up to date; otherwise the `.po` is compiled in
memory, so a fresh clone just works.
"""

from __future__ import annotations

import functools
import gettext
import io
import tomllib
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from babel import Locale, localedata
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import format_time as _babel_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

FRENCH = "fr"
LOCALE = "fr_FR"  # staff's locale, and the source's
DOMAIN = "messages"

P = ParamSpec("P")
T = TypeVar("T")

_catalogs: dict[str, gettext.NullTranslations] = {FRENCH: gettext.NullTranslations()}
_language: ContextVar[str] = ContextVar("language", default=FRENCH)
_timezone = ZoneInfo("Europe/Paris")
# "{structure}" → "Initiatives Solidaires": the structure's identity, filled in by `_()` in
# every text (structure.toml; see `set_identity`).
_identity: dict[str, str] = {}


def setup(
    locales_dir: Path, *, timezone: ZoneInfo | None = None, extra: Path | None = None
) -> None:
    """Load every catalog once at start; `_()` then picks the current reader's. `extra`: a
    structure's own `locales/` (beside its dialogs), read first, the shipped catalogs
    behind it for every text it does not translate."""
    global _timezone
    found = {FRENCH: _layered(locales_dir, extra, FRENCH)}
    folders = [locales_dir] if extra is None else [locales_dir, extra]
    for folder in folders:
        for po_path in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            code = po_path.parent.parent.name
            if code not in found and _known_locale(code):
                found[code] = _layered(locales_dir, extra, code)
    _catalogs.clear()
    _catalogs.update(found)
    if timezone is not None:
        _timezone = timezone


def _layered(locales_dir: Path, extra: Path | None, language: str) -> gettext.NullTranslations:
    shipped = load_translations(locales_dir, language)
    if extra is None or not (extra / language / "LC_MESSAGES" / f"{DOMAIN}.po").exists():
        return shipped
    own = load_translations(extra, language)
    own.add_fallback(shipped)
    return own


def set_identity(values: Mapping[str, str]) -> None:
    """What `{structure}`, `{city}`… stand for in every text from now on (structure.toml):
    texts name the structure through these, so a catalog serves every structure."""
    global _identity
    _identity = {f"{{{name}}}": value for name, value in values.items()}


def _known_locale(code: str) -> bool:
    # A file test: parsing the locale would load its CLDR data at every start.
    return localedata.exists(code)


# --- the reader's language ------------------------------------------------------------------


def languages() -> list[str]:
    """The languages offered: French first, then each catalog's, in the order of their code."""
    return [FRENCH, *sorted(code for code in _catalogs if code != FRENCH)]


def native_name(code: str) -> str:
    """The language's own name, as its readers write it: "Français", "العربية", "中文"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def french_name(code: str) -> str:
    """The language's name for staff: "anglais", "arabe"."""
    return Locale.parse(code).get_display_name(LOCALE) or code


def language_for(telegram_code: str | None) -> str | None:
    """The catalog for Telegram's `language_code` ("en-GB" → "en", "zh-hans" → "zh"), or None."""
    if not telegram_code:
        return None
    base = telegram_code.replace("_", "-").split("-")[0].lower()
    return base if base in _catalogs else None


def current_language() -> str:
    return _language.get()


def set_language(code: str) -> None:
    """For the rest of the update being processed (a context variable: per task)."""
    _language.set(code if code in _catalogs else FRENCH)


@contextmanager
def use(code: str | None) -> Iterator[None]:
    """Texts and dates in `code` inside the block (a message to a candidate sent from a job
    or from a staff member's update), French when the language is unknown."""
    token = _language.set(code if code and code in _catalogs else FRENCH)
    try:
        yield
    finally:
        _language.reset(token)


def french() -> AbstractContextManager[None]:
    """Texts for staff and referrers, whoever's update is being processed."""
    return use(FRENCH)


def in_french(
    function: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """For a coroutine that writes to staff or referrers: French even when a candidate's
    update (in another language) calls it."""

    @functools.wraps(function)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with use(FRENCH):
            return await function(*args, **kwargs)

    return wrapper


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
    """Translate a French source string into the current reader's language (marks it for
    extraction too). A text missing from a catalog is shown in French."""
    catalog = _catalogs.get(_language.get()) or _catalogs[FRENCH]
    text = catalog.gettext(message)
    if "{" in text:
        for placeholder, value in _identity.items():
            text = text.replace(placeholder, value)
    return text


def translated(texts: Mapping[str, str], key: str) -> str:
    """`_(texts[key])`, written so that `pybabel extract` does not take the key for a text (it
    reads every string inside `_()`): the texts themselves come from dialogs/*.toml."""
    return _(texts[key])


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
    language = _language.get()
    if language == FRENCH:
        return _babel_date(moment, "EEEE d MMMM y", locale=LOCALE)
    return _babel_date(moment, "full", locale=language)


def format_moment(moment: datetime, *, with_year: bool = False) -> str:
    """ "mardi 10 mars à 14 h" (or "à 14 h 30"), in the configured time zone; in another
    language, its own full date and short time ("Tuesday, March 10, 2026, 2:00 PM")."""
    return _format_moment(moment, with_year, _timezone, _language.get())


@lru_cache(maxsize=4096)
def _format_moment(moment: datetime, with_year: bool, zone: ZoneInfo, language: str) -> str:
    # The same few slot dates are shown at every step that lists them: Babel's formatting
    # costs tens of microseconds, so each date is formatted once.
    moment = moment.astimezone(zone)
    if language != FRENCH:
        day = _babel_date(moment, "full", locale=language)
        return f"{day}, {_babel_time(moment, 'short', locale=language, tzinfo=zone)}"
    day = "EEEE d MMMM y" if with_year else "EEEE d MMMM"
    hour = "H 'h'" if moment.minute == 0 else "H 'h' mm"
    return _babel_datetime(moment, f"{day} 'à' {hour}", locale=LOCALE, tzinfo=zone)


def format_number(value: float | int) -> str:
    language = _language.get()
    return format_decimal(value, locale=LOCALE if language == FRENCH else language)


# --- extraction of the dialogs' texts (used by `pybabel extract`, see babel.cfg) -----------

TRANSLATABLE_KEYS = frozenset(
    {
        "text",
        "hint",
        "summary",
        "short",
        "label",
        "title",
        "work",
        "name",
        "helps",
        "hours",
        "staff",
        "candidate",
        "bring",
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
                if value is data and child_key == "name":
                    continue  # structure.toml's own name: a name, never translated
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
