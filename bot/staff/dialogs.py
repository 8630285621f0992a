"""Load `dialogs/staff.toml`: the card's answer lines, refusal reasons, what to bring to an
interview and the messages the candidate gets after each decision (issue #4)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.journey.dialogs import ID_PATTERN, DialogError, Dialogs, cached_by_mtime

FILE = "staff.toml"
REQUIRED_MESSAGES = (
    "entretien",
    "entretien_lieu",
    "entretien_apporter",
    "information_collective",
    "acceptee",
    "acceptee_suite",
    "refusee",
    "refusee_suite",
    "en_attente",
    "en_attente_suite",
)
# The placeholders each message may use (a typo in one would crash `.format`).
PLACEHOLDERS = {
    "entretien": {"moment"},
    "information_collective": {"moment"},
    "entretien_lieu": {"place"},
    "entretien_apporter": {"things"},
    "acceptee_suite": {"place"},
    "refusee": {"reference", "reason"},
    "en_attente": {"reference"},
}


@dataclass(frozen=True, slots=True)
class CardLine:
    step: str
    label: str


@dataclass(frozen=True, slots=True)
class Reason:
    id: str
    label: str  # the staff member's button
    text: str  # what the candidate reads
    note: bool = False  # the staff member types a note (kept inside the team)


@dataclass(frozen=True, slots=True)
class StaffDialogs:
    card: tuple[CardLine, ...]
    reasons: tuple[Reason, ...]
    bring: tuple[str, ...]
    messages: dict[str, str]

    def reason(self, reason_id: str | None) -> Reason | None:
        return next((r for r in self.reasons if r.id == reason_id), None)

    def translatable_strings(self) -> list[str]:
        texts = [line.label for line in self.card]
        for reason in self.reasons:
            texts += [reason.label, reason.text]
        return [*texts, *self.bring, *self.messages.values()]


def load_staff_dialogs(directory: Path, dialogs: Dialogs | None = None) -> StaffDialogs:
    """Load and validate staff.toml, or raise DialogError naming the first problem."""
    staff, problems = _load(directory, dialogs)
    if problems:
        raise DialogError(problems[0])
    assert staff is not None
    return staff


def check_staff_dialogs(directory: Path, dialogs: Dialogs | None = None) -> list[str]:
    """Every problem in staff.toml (empty: all good)."""
    return _load(directory, dialogs)[1]


def _load(directory: Path, dialogs: Dialogs | None) -> tuple[StaffDialogs | None, list[str]]:
    path = directory / FILE
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        return None, [f"{FILE}: file is missing"]
    except tomllib.TOMLDecodeError as error:
        return None, [f"{FILE}: not valid TOML ({error})"]
    try:
        staff = _parse(raw)
    except DialogError as error:
        return None, [str(error)]
    return staff, _cross_checks(staff, dialogs)


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DialogError(f"{FILE} {where}: {key!r} is missing or empty")
    return value.strip()


def _only(raw: Any, known: set[str], where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise DialogError(f"{FILE} {where}: expected a table")
    unknown = set(raw) - known
    if unknown:
        raise DialogError(f"{FILE} {where}: unknown key(s) {sorted(unknown)}")
    return raw


def _parse(raw: dict[str, Any]) -> StaffDialogs:
    _only(raw, {"card", "reasons", "bring", "messages", "digest"}, "")  # digest: digest.py
    card = []
    for n, item in enumerate(raw.get("card", []), 1):
        item = _only(item, {"step", "label"}, f"[[card]] {n}")
        card.append(
            CardLine(
                step=_text(item, "step", f"[[card]] {n}"),
                label=_text(item, "label", f"[[card]] {n}"),
            )
        )
    reasons = []
    for n, item in enumerate(raw.get("reasons", []), 1):
        where = f"[[reasons]] {n}"
        item = _only(item, {"id", "label", "text", "note"}, where)
        reason_id = item.get("id")
        if not isinstance(reason_id, str) or not ID_PATTERN.match(reason_id):
            raise DialogError(
                f"{FILE} {where}: id {reason_id!r} must be 1-20 characters among a-z, 0-9 and _"
            )
        reasons.append(
            Reason(
                id=reason_id,
                label=_text(item, "label", where),
                text=_text(item, "text", where),
                note=bool(item.get("note", False)),
            )
        )
    bring = tuple(
        _text(_only(item, {"label"}, f"[[bring]] {n}"), "label", f"[[bring]] {n}")
        for n, item in enumerate(raw.get("bring", []), 1)
    )
    messages = raw.get("messages", {})
    if not isinstance(messages, dict) or not all(isinstance(v, str) for v in messages.values()):
        raise DialogError(f"{FILE} [messages]: every message must be text")
    return StaffDialogs(
        card=tuple(card),
        reasons=tuple(reasons),
        bring=bring,
        messages={str(k): v.strip() for k, v in messages.items()},
    )


def _cross_checks(staff: StaffDialogs, dialogs: Dialogs | None) -> list[str]:
    problems: list[str] = []
    if not staff.reasons:
        problems.append(f"{FILE}: at least one [[reasons]] is needed")
    ids = [r.id for r in staff.reasons]
    if len(ids) != len(set(ids)):
        problems.append(f"{FILE}: two [[reasons]] share an id")
    for key in REQUIRED_MESSAGES:
        if key not in staff.messages:
            problems.append(f"{FILE}: [messages] lacks {key!r}")
    for key, text in staff.messages.items():
        allowed = PLACEHOLDERS.get(key, set())
        try:
            text.format(**{name: "" for name in allowed})
        except (KeyError, IndexError, ValueError) as error:
            problems.append(f"{FILE}: [messages] {key!r} has an unknown placeholder ({error})")
    if dialogs is not None:
        for line in staff.card:
            if not dialogs.has_step(line.step):
                problems.append(f"{FILE}: [[card]] names unknown step {line.step!r}")
    return problems


def staff_dialogs_in(directory: Path) -> StaffDialogs:
    """staff.toml of `directory`, loaded once (again when the file changes)."""
    return cached_by_mtime(directory / FILE, lambda: load_staff_dialogs(directory))
