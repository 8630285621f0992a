"""Referrers as pure rules: their kinds (from `dialogs/referrers.toml`), codes, links, names.

No Telegram, no SQL: the handlers, the store and the command line all lean on these.
"""

from __future__ import annotations

import re
import secrets
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.dialog_files import ID_RULE, is_id

# What Telegram allows as a `/start` payload.
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# A one-time link that ties a referrer's Telegram account: `/start lien-<token>`.
LINK_PREFIX = "lien-"
LINK_PAYLOAD = re.compile(r"^lien-[A-Za-z0-9_-]{1,59}$")
CODE_LENGTH = 10  # 64^10 = 2^60 codes: unguessable, short enough to type from a flyer
CODE_ALPHABET = string.ascii_letters + string.digits + "_-"
NAME_MAX = 100
CONTACT_MAX = 200
VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüœæ")


@dataclass(frozen=True, slots=True)
class Kind:
    id: str
    label: str
    diagnosis: bool  # an authorised referrer (prescripteur habilité): their link is a diagnosis


@dataclass(frozen=True, slots=True)
class Refusal:
    """A staff refusal reason as the referrer reads it: les emplois de l'inclusion's words for
    the prescriber, and what the referrer can do next (French: referrers read French)."""

    reason: str  # the id of a [[reasons]] of staff.toml
    emplois: str  # les emplois' RefusalReason value ("did_not_come")
    wording: str  # its words for the prescriber ("Candidat non joignable")
    next: str  # what the referrer can do now


@dataclass(frozen=True, slots=True)
class Catalog:
    """The kinds of referrers, the articles that go before a name ("la Mission locale"), and
    the refusal reasons in the referrer's words."""

    kinds: tuple[Kind, ...]
    articles: dict[str, str] = field(default_factory=dict)
    refusals: tuple[Refusal, ...] = ()

    def refusal(self, reason_id: str | None) -> Refusal | None:
        return next((r for r in self.refusals if r.reason == reason_id), None)

    def kind(self, kind_id: str) -> Kind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

    def label(self, kind_id: str) -> str:
        kind = self.kind(kind_id)
        return kind.label if kind is not None else kind_id


ARTICLES = frozenset({"le", "la", "les", "l'"})


def parse_catalog(data: Mapping[str, Any]) -> tuple[Catalog | None, list[str]]:
    """Read `referrers.toml`'s content; (catalog, []) or (None, every problem found)."""
    where = "referrers.toml"
    problems: list[str] = []
    unknown = set(data) - {"kinds", "articles", "refusals"}
    if unknown:
        problems.append(f"{where}: unknown table(s) {sorted(unknown)}")
    kinds: list[Kind] = []
    raw_kinds = data.get("kinds", [])
    if not isinstance(raw_kinds, list) or not raw_kinds:
        problems.append(f"{where}: at least one [[kinds]] is needed")
        raw_kinds = []
    for number, raw in enumerate(raw_kinds, 1):
        if not isinstance(raw, dict):
            problems.append(f"{where}: kind {number} must be a table")
            continue
        extra = set(raw) - {"id", "label", "diagnosis"}
        if extra:
            problems.append(f"{where}: kind {number}: unknown key(s) {sorted(extra)}")
        kind_id, label, diagnosis = raw.get("id"), raw.get("label"), raw.get("diagnosis", False)
        if not isinstance(kind_id, str) or not is_id(kind_id):
            problems.append(f"{where}: kind {number}: id {kind_id!r} {ID_RULE}")
            continue
        if any(k.id == kind_id for k in kinds):
            problems.append(f"{where}: kind {kind_id!r} is defined twice")
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{where}: kind {kind_id!r}: label is missing or empty")
            continue
        if not isinstance(diagnosis, bool):
            problems.append(f"{where}: kind {kind_id!r}: diagnosis must be true or false")
            continue
        kinds.append(Kind(id=kind_id, label=label.strip(), diagnosis=diagnosis))
    articles: dict[str, str] = {}
    raw_articles = data.get("articles", {})
    if not isinstance(raw_articles, dict):
        problems.append(f'{where}: [articles] must be a table such as Mission = "la"')
        raw_articles = {}
    for word, article in raw_articles.items():
        if article not in ARTICLES:
            problems.append(
                f"{where}: [articles] {word!r} = {article!r} must be one of {sorted(ARTICLES)}"
            )
            continue
        articles[str(word).casefold()] = article
    refusals = _parse_refusals(data.get("refusals", []), problems)
    if problems:
        return None, problems
    return Catalog(kinds=tuple(kinds), articles=articles, refusals=refusals), []


REFUSAL_KEYS = ("reason", "emplois", "wording", "next")


def _parse_refusals(raw_refusals: Any, problems: list[str]) -> tuple[Refusal, ...]:
    where = "referrers.toml"
    if not isinstance(raw_refusals, list):
        problems.append(f"{where}: [[refusals]] must be a list of tables")
        return ()
    refusals: list[Refusal] = []
    for number, raw in enumerate(raw_refusals, 1):
        if not isinstance(raw, dict):
            problems.append(f"{where}: refusal {number} must be a table")
            continue
        extra = set(raw) - set(REFUSAL_KEYS)
        if extra:
            problems.append(f"{where}: refusal {number}: unknown key(s) {sorted(extra)}")
        values = {key: raw.get(key) for key in REFUSAL_KEYS}
        empty = [k for k, v in values.items() if not isinstance(v, str) or not v.strip()]
        if empty:
            problems.append(f"{where}: refusal {number}: {', '.join(empty)} missing or empty")
            continue
        refusal = Refusal(**{key: str(value).strip() for key, value in values.items()})
        if any(r.reason == refusal.reason for r in refusals):
            problems.append(f"{where}: refusal {refusal.reason!r} is defined twice")
            continue
        refusals.append(refusal)
    return tuple(refusals)


# --- codes and links ------------------------------------------------------------------------


def new_code() -> str:
    """A short, unguessable referrer code, valid as a start payload."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        # Never mistaken for a linking link, nor for an option on a command line.
        if not code.startswith((LINK_PREFIX, "-")):
            return code


def new_link_token() -> str:
    """The secret part of a one-time linking link (`lien-<token>`, 37 characters in all)."""
    return secrets.token_urlsafe(24)


def is_payload(value: str | None) -> bool:
    return bool(value) and PAYLOAD.match(value or "") is not None


def link_token(payload: str | None) -> str | None:
    """The token of a linking payload (`lien-<token>`), or None for anything else."""
    if payload and LINK_PAYLOAD.match(payload):
        return payload[len(LINK_PREFIX) :]
    return None


def deep_link(username: str, payload: str) -> str:
    """`https://t.me/<bot>?start=<payload>`: opens the bot and sends `/start <payload>`."""
    return f"https://t.me/{username.lstrip('@')}?start={payload}"


# --- names ----------------------------------------------------------------------------------


def clean_name(text: str) -> str | None:
    """A referrer's name as typed by staff: one line, 2 to 100 characters, or None."""
    name = " ".join(_printable(text).split())
    return name if 2 <= len(name) <= NAME_MAX else None


def clean_contact(text: str) -> str | None:
    """A contact (a person, a phone, an e-mail) as typed: one line, up to 200 characters."""
    contact = " ".join(_printable(text).split())
    return contact if 1 <= len(contact) <= CONTACT_MAX else None


def _printable(text: str) -> str:
    # Control and format characters (a pasted zero-width space…) become spaces.
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)


def of_name(name: str, articles: Mapping[str, str]) -> str:
    """ "de la Mission locale d'Aubervilliers", "du PLIE", "de France Travail", "d'Emmaüs":
    the name after "de la part", with the article French needs."""
    first, _space, rest = name.partition(" ")
    lowered = first.casefold()
    if lowered in ("le", "la", "les") and rest:
        article, name = lowered, rest
    elif lowered.startswith(("l'", "l’")) and len(first) > 2:
        article, name = "l'", name[2:]
    else:
        article = articles.get(lowered.strip(",.;:()")) or ""
    if article == "le":
        return f"du {name}"
    if article == "les":
        return f"des {name}"
    if article == "la":
        return f"de la {name}"
    if article == "l'":
        return f"de l'{name}"
    if name[:1].casefold() in VOWELS:
        return f"d'{name}"
    return f"de {name}"


def short_name(first_name: str | None, last_name: str | None) -> str:
    """ "Awa D.": enough for a referrer to recognise a person, no more."""
    first = (first_name or "").strip()
    initial = next((c for c in (last_name or "") if c.isalpha()), "")
    if first and initial:
        return f"{first} {initial.upper()}."
    return first or (f"{initial.upper()}." if initial else "?")
