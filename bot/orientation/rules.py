"""The orientation's pure rules (no Telegram, no SQL): a data·inclusion service checked
against the schema's rules, the rows of a published file (JSON or CSV), which services are
near a postcode for a need, and the state a dead end's buttons carry."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.orientation import schema

POSTCODE = re.compile(r"^\d{5}$")
CODE_INSEE = re.compile(r"^\w{5}$")
LIST_FIELDS = ("thematiques", "publics", "modes_accueil")


@dataclass(frozen=True, slots=True)
class Need:
    """Something that holds a person back (orientation.toml [[needs]]), and the thematiques
    of data·inclusion that answer it, each with what the service does in plain words."""

    id: str
    label: str
    icon: str
    thematiques: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Service:
    """One service of data·inclusion's schema: the fields the bot shows or matches on."""

    id: str
    source: str
    nom: str
    thematiques: tuple[str, ...] = ()
    adresse: str | None = None
    code_postal: str | None = None
    commune: str | None = None
    code_insee: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    telephone: str | None = None
    horaires_accueil: str | None = None
    frais: str | None = None
    publics: tuple[str, ...] = ()

    @property
    def department(self) -> str | None:
        return department_of(self.code_insee or self.code_postal or "")

    @property
    def full_address(self) -> str:
        place = " ".join(p for p in (self.code_postal, self.commune) if p)
        return ", ".join(p for p in (self.adresse, place) if p)

    @property
    def has_place(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class RowError(ValueError):
    """A row the schema refuses: the reason, in one line (English, for whoever imports)."""


def _text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise RowError(f"{key}: must be text")
    text = str(value).strip()
    return text or None


def _list(raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A list field: a JSON list, or in a CSV cell a JSON list or values separated by
    commas, semicolons or bars."""
    value = raw.get(key)
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                raise RowError(f"{key}: not a list ({error.msg})") from None
        else:
            return tuple(v.strip() for v in re.split(r"[,;|]", text) if v.strip())
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RowError(f"{key}: must be a list of values")
    return tuple(v.strip() for v in value if v.strip())


def _number(raw: Mapping[str, Any], key: str) -> float | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowError(f"{key}: must be a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RowError(f"{key}: must be a number, not {value!r}") from None


def _enum(values: Iterable[str], allowed: frozenset[str], key: str) -> None:
    for value in values:
        if value not in allowed:
            raise RowError(f"{key}: {value!r} is not a value of the schema")


def validate(raw: Any, *, today: date) -> Service:
    """The service of one row, or RowError saying which rule of the schema it breaks
    (required fields, lengths, dates, codes, enumerations)."""
    if not isinstance(raw, Mapping):
        raise RowError("must be an object (a service)")
    for key in schema.REQUIRED:
        if _text(raw, key) is None:
            raise RowError(f"{key}: required, missing or empty")
    nom = _text(raw, "nom") or ""
    low, high = schema.NOM_LENGTH
    if not low <= len(nom) <= high:
        raise RowError(f"nom: must be {low} to {high} characters")
    description = _text(raw, "description") or ""
    low, high = schema.DESCRIPTION_LENGTH
    if not low <= len(description) <= high:
        raise RowError(f"description: must be {low} to {high} characters")
    stamp = _text(raw, "date_maj") or ""
    try:
        updated = date.fromisoformat(stamp[:10])
    except ValueError:
        raise RowError(f"date_maj: {stamp!r} is not a date (YYYY-MM-DD)") from None
    if updated < date(2000, 1, 1) or updated > today:
        raise RowError(f"date_maj: {stamp!r} must be from 2000 to today")
    code_postal, code_insee = _text(raw, "code_postal"), _text(raw, "code_insee")
    if code_postal is not None and not POSTCODE.match(code_postal):
        raise RowError(f"code_postal: {code_postal!r} must be 5 digits")
    if code_insee is not None and not CODE_INSEE.match(code_insee):
        raise RowError(f"code_insee: {code_insee!r} must be 5 characters")
    thematiques = _list(raw, "thematiques")
    _enum(thematiques, schema.THEMATIQUES, "thematiques")
    publics = _list(raw, "publics")
    _enum(publics, schema.PUBLICS, "publics")
    if schema.TOUS_PUBLICS in publics and len(publics) > 1:
        raise RowError("publics: 'tous-publics' cannot be used with other values")
    _enum(_list(raw, "modes_accueil"), schema.MODES_ACCUEIL, "modes_accueil")
    kind = _text(raw, "type")
    if kind is not None:
        _enum([kind], schema.TYPES, "type")
    frais = _text(raw, "frais")
    if frais is not None:
        _enum([frais], schema.FRAIS, "frais")
    latitude, longitude = _number(raw, "latitude"), _number(raw, "longitude")
    if latitude is not None and not -90 <= latitude <= 90:
        raise RowError("latitude: must be from -90 to 90")
    if longitude is not None and not -180 <= longitude <= 180:
        raise RowError("longitude: must be from -180 to 180")
    return Service(
        id=_text(raw, "id") or "",
        source=_text(raw, "source") or "",
        nom=nom,
        thematiques=thematiques,
        adresse=_text(raw, "adresse"),
        code_postal=code_postal,
        commune=_text(raw, "commune"),
        code_insee=code_insee,
        latitude=latitude,
        longitude=longitude,
        telephone=_text(raw, "telephone"),
        horaires_accueil=_text(raw, "horaires_accueil"),
        frais=frais,
        publics=publics,
    )


# --- the published files -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a file and where it is: "line 4" (CSV) or "index 2" (JSON)."""

    where: str
    raw: Any
    error: str | None = None  # refused before its fields are read (a CSV line too long)


class FileError(ValueError):
    """A file that cannot be read as a list of services at all."""


def json_rows(text: str) -> Iterator[Row]:
    """A JSON list of services, or an object holding it (`items`, `services` or `data`: as
    data·inclusion's API pages it)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileError(f"not valid JSON (line {error.lineno}: {error.msg})") from None
    if isinstance(data, dict):
        data = next(
            (data[k] for k in ("items", "services", "data") if isinstance(data.get(k), list)), None
        )
    if not isinstance(data, list):
        raise FileError("JSON must be a list of services (or an object with 'items')")
    for index, raw in enumerate(data):
        yield Row(f"index {index}", raw)


def csv_rows(text: str) -> Iterator[Row]:
    """A CSV file with a header line (comma or semicolon separated); its line numbers are
    the file's (the header is line 1)."""
    header = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if not reader.fieldnames or "id" not in reader.fieldnames:
        raise FileError("CSV must start with a header line naming the fields (id, nom…)")
    for raw in reader:
        extra = raw.pop(None, None)
        if extra:
            yield Row(f"line {reader.line_num}", None, "more cells than the header names")
            continue
        yield Row(f"line {reader.line_num}", {k: v for k, v in raw.items() if v != ""})


def rows_of(name: str, text: str) -> Iterator[Row]:
    """The rows of a file, by its name's ending (.json or .csv)."""
    if name.lower().endswith(".json"):
        return json_rows(text)
    if name.lower().endswith(".csv"):
        return csv_rows(text)
    raise FileError("the file's name must end with .json or .csv")


# --- near a person, for a need -------------------------------------------------------------


def department_of(code: str) -> str | None:
    """The department of a postcode or an INSEE code: "93300" → "93", "97411" → "974",
    Corsica's postcodes "20000" → "2A", "20200" → "2B"."""
    code = code.strip()
    if len(code) != 5:
        return None
    if code[:2] in ("97", "98"):
        return code[:3]
    if code[:2] in ("2A", "2B"):
        return code[:2]
    if code[:2] == "20" and code.isdigit():
        return "2A" if int(code) < 20200 else "2B"
    return code[:2]


def postcode_in(text: str) -> str | None:
    """The first postcode in an address ("…, 93300 Aubervilliers" → "93300")."""
    found = re.search(r"\b(\d{5})\b", text)
    return found.group(1) if found else None


def nearness(service: Service, postcode: str) -> int | None:
    """0: the same postcode; 1: the same department; None: farther."""
    if service.code_postal == postcode:
        return 0
    department = department_of(postcode)
    if department is not None and service.department == department:
        return 1
    return None


def choose(
    services: Iterable[Service], need: Need, postcode: str, *, limit: int = 3
) -> list[Service]:
    """Up to `limit` services for this need near this postcode: the same postcode first,
    then the same department; by name within each."""
    ranked = []
    for service in services:
        if not set(service.thematiques) & set(need.thematiques):
            continue
        near = nearness(service, postcode)
        if near is not None:
            ranked.append((near, service.nom.casefold(), service.id, service))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked[:limit]]


def helps_of(service: Service, need: Need) -> str:
    """What the service does for this need, in the data file's plain words (its first
    matching thematique's)."""
    return next((need.thematiques[t] for t in service.thematiques if t in need.thematiques), "")


def chosen_needs(answer: Any, needs: Sequence[Need]) -> list[Need]:
    """The needs of an answer (a list of need ids), in the order of the buttons."""
    ids = set(answer) if isinstance(answer, list) else set()
    return [n for n in needs if n.id in ids]


# --- a dead end's buttons carry their state ------------------------------------------------

NO_POSTCODE = "x"


def encode(postcode: str | None, chosen: int) -> str:
    """The state of a dead end's question, in its buttons: nothing is kept on disk."""
    return f"{postcode or NO_POSTCODE}.{chosen}"


def decode(subject: str) -> tuple[str | None, int] | None:
    postcode, _, bits = subject.partition(".")
    if not bits.isdigit() or not (postcode == NO_POSTCODE or POSTCODE.match(postcode)):
        return None
    return (None if postcode == NO_POSTCODE else postcode), int(bits)


def toggled(chosen: int, index: int) -> int:
    return chosen ^ (1 << index)


def indexes(chosen: int, count: int) -> list[int]:
    return [i for i in range(count) if chosen & (1 << i)]
