"""Load `dialogs/staff.toml`: the card's answer lines, refusal reasons, what to bring to an
interview and the messages the candidate gets after each decision (issue #4)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.dialog_files import (
    DialogError,
    DialogSource,
    Loaded,
    Problems,
    failed,
    id_problem,
    placeholder_problems,
    read_toml,
    result,
)
from bot.core.dialog_types import Dialogs

FILE = "staff.toml"
# [messages], one table: what the candidate reads after each decision (`states.DECIDED`; the
# first key of each is the state's own value), every key required, with the placeholders
# each may use (a typo in one would crash `.format`).
MESSAGES: dict[str, frozenset[str]] = {
    "entretien": frozenset({"moment"}),
    "entretien_lieu": frozenset({"place"}),
    "entretien_apporter": frozenset({"things"}),
    "information_collective": frozenset({"moment"}),
    "acceptee": frozenset(),
    "acceptee_suite": frozenset({"place"}),
    "refusee": frozenset({"reference", "reason"}),
    "refusee_suite": frozenset(),
    "en_attente": frozenset({"reference"}),
    "en_attente_suite": frozenset(),
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
    messages: dict[str, str]

    def reason(self, reason_id: str | None) -> Reason | None:
        return next((r for r in self.reasons if r.id == reason_id), None)

    def translatable_strings(self) -> list[str]:
        texts = [line.label for line in self.card]
        for reason in self.reasons:
            texts += [reason.label, reason.text]
        return [*texts, *self.messages.values()]


def load_staff_dialogs(directory: Path, dialogs: Dialogs | None = None) -> StaffDialogs:
    """staff.toml as it is on disk now, or DialogError naming every problem."""
    staff, problems = _checked(directory, dialogs)
    if staff is None or problems:
        raise DialogError(problems)
    return staff


def check_staff_dialogs(directory: Path, dialogs: Dialogs | None = None) -> list[str]:
    """Every problem in staff.toml, and its card lines naming no step of `dialogs` (empty:
    all good)."""
    return _checked(directory, dialogs)[1]


def _checked(directory: Path, dialogs: Dialogs | None) -> tuple[StaffDialogs | None, list[str]]:
    loaded = STAFF.read(directory)
    problems = list(loaded.problems)
    if loaded.value is not None and dialogs is not None:
        for line in loaded.value.card:
            if not dialogs.has_step(line.step):
                problems.append(f"{FILE}: [[card]] names unknown step {line.step!r}")
    return loaded.value, problems


def _parse_file(directory: Path) -> Loaded[StaffDialogs]:
    problems = Problems()
    raw = read_toml(directory / FILE, problems)
    if raw is None:
        return failed(problems)
    staff = problems.guard(_parse, raw, problems)
    if staff is None:
        return failed(problems)
    problems.extend(_cross_checks(staff))
    return result(staff, problems)


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DialogError(f"{FILE}: {where}: {key!r} is missing or empty")
    return value.strip()


def _only(raw: Any, known: set[str], where: str) -> dict[str, Any]:
    where = where or "(top level)"
    if not isinstance(raw, dict):
        raise DialogError(f"{FILE}: {where}: expected a table")
    unknown = set(raw) - known
    if unknown:
        raise DialogError(f"{FILE}: {where}: unknown key(s) {sorted(unknown)}")
    return raw


def _parse(raw: dict[str, Any], problems: Problems) -> StaffDialogs:
    problems.guard(_only, raw, {"card", "reasons", "messages", "digest"}, "")  # digest: digest.py
    card = []
    for n, item in enumerate(problems.guard(_list, raw, "card") or [], 1):
        line = problems.guard(_card_line, item, f"[[card]] {n}")
        if line is not None:
            card.append(line)
    reasons = []
    for n, item in enumerate(problems.guard(_list, raw, "reasons") or [], 1):
        reason = problems.guard(_reason, item, f"[[reasons]] {n}")
        if reason is not None:
            reasons.append(reason)
    messages = raw.get("messages", {})
    if not isinstance(messages, dict):
        raise DialogError(f"{FILE}: [messages]: expected a table of texts")
    for key, value in list(messages.items()):
        if not isinstance(value, str):
            problems.add(FILE, f"messages.{key}", "must be a text")
            del messages[key]
    return StaffDialogs(
        card=tuple(card),
        reasons=tuple(reasons),
        messages={str(k): v.strip() for k, v in messages.items()},
    )


def _list(raw: dict[str, Any], key: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise DialogError(f"{FILE}: [[{key}]]: expected a list of tables")
    return value


def _card_line(item: Any, where: str) -> CardLine:
    item = _only(item, {"step", "label"}, where)
    return CardLine(step=_text(item, "step", where), label=_text(item, "label", where))


def _bring(item: Any, where: str) -> str:
    return _text(_only(item, {"label"}, where), "label", where)


def _reason(item: Any, where: str) -> Reason:
    item = _only(item, {"id", "label", "text", "note"}, where)
    reason_id = item.get("id")
    wrong_id = id_problem(reason_id)
    if wrong_id is not None:
        raise DialogError(f"{FILE}: {where}: {wrong_id}")
    return Reason(
        id=reason_id,
        label=_text(item, "label", where),
        text=_text(item, "text", where),
        note=bool(item.get("note", False)),
    )


def _cross_checks(staff: StaffDialogs) -> list[str]:
    problems = Problems()
    if not staff.reasons:
        problems.add(FILE, "", "at least one [[reasons]] is needed")
    ids = [r.id for r in staff.reasons]
    if len(ids) != len(set(ids)):
        problems.add(FILE, "", "two [[reasons]] share an id")
    for key in MESSAGES:
        if key not in staff.messages:
            problems.add(FILE, "", f"[messages] lacks {key!r}")
    for key, text in staff.messages.items():
        for wrong in placeholder_problems(text, MESSAGES.get(key, frozenset())):
            problems.add(FILE, f"messages.{key}", wrong)
    return problems.lines


# Read again when the file changes (the last good version is kept while it is broken).
STAFF: DialogSource[StaffDialogs] = DialogSource(name="staff", files=(FILE,), parse=_parse_file)


def staff_dialogs_in(directory: Path) -> StaffDialogs:
    """The running staff.toml of `directory` (read again when the file changed; a broken
    edit keeps the last good version)."""
    return STAFF.live(directory)
