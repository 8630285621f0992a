"""Load `dialogs/orientation.toml`: the needs asked after the result and at a dead end, the
data·inclusion thematiques that answer each, and the texts (issue 25)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.dialog_files import (
    DialogSource,
    Loaded,
    Problems,
    failed,
    id_problem,
    messages_table,
    read_toml,
    result,
)
from bot.orientation.rules import Need
from bot.orientation.schema import THEMATIQUES

FILE = "orientation.toml"
# Each text and the placeholders it may use.
MESSAGES: dict[str, frozenset[str]] = {
    "question": frozenset(),
    "hint": frozenset(),
    "skip": frozenset(),
    "done": frozenset(),
    "chosen": frozenset({"choices"}),
    "pick_one": frozenset(),
    "skipped": frozenset(),
    "near": frozenset({"code"}),
    "near_us": frozenset({"code"}),
    "none_found": frozenset(),
    "free": frozenset(),
    "paying": frozenset(),
    "closed_holidays": frozenset(),
}
BUTTONS = ("skip", "done")
MAX_NEEDS = 8  # one bit each in a dead end's buttons


@dataclass(frozen=True, slots=True)
class OrientationDialogs:
    needs: tuple[Need, ...]
    per_need: int
    messages: dict[str, str]

    def need(self, need_id: str) -> Need | None:
        return next((n for n in self.needs if n.id == need_id), None)

    def translatable_strings(self) -> list[str]:
        texts = [n.label for n in self.needs]
        texts += [helps for n in self.needs for helps in n.thematiques.values()]
        return [*texts, *self.messages.values()]


def _parse(directory: Path) -> Loaded[OrientationDialogs]:
    problems = Problems()
    data = read_toml(directory / FILE, problems)
    if data is None:
        return failed(problems)

    def problem(key: str, message: str) -> None:
        problems.add(FILE, key, message)

    unknown = set(data) - {"needs", "per_need", "messages"}
    if unknown:
        problem("", f"unknown key(s) {sorted(unknown)}")
    needs: list[Need] = []
    raw_needs = data.get("needs", [])
    if not isinstance(raw_needs, list) or not 1 <= len(raw_needs) <= MAX_NEEDS:
        problem("[[needs]]", f"must list 1 to {MAX_NEEDS} needs")
        raw_needs = []
    for n, raw in enumerate(raw_needs, 1):
        need = _need(raw, f"needs[{n}]", problem)
        if need is not None:
            needs.append(need)
    if len({n.id for n in needs}) != len(needs):
        problem("[[needs]]", "two needs have the same id")
    per_need = data.get("per_need", 3)
    if not isinstance(per_need, int) or isinstance(per_need, bool) or not 1 <= per_need <= 3:
        problem("per_need", "must be a whole number from 1 to 3")
        per_need = 3
    messages = messages_table(data.get("messages", {}), MESSAGES, problems, FILE, buttons=BUTTONS)
    return result(
        OrientationDialogs(needs=tuple(needs), per_need=per_need, messages=messages), problems
    )


def _need(raw: Any, where: str, problem: Any) -> Need | None:
    if not isinstance(raw, dict):
        problem(where, "must be a table")
        return None
    wrong_id = id_problem(raw.get("id"))
    if wrong_id:
        problem(where, wrong_id)
        return None
    label, icon = raw.get("label"), raw.get("icon", "")
    if not isinstance(label, str) or not label.strip() or len(label.split()) > 4:
        problem(f"{where}.label", "must be a button's label: 1 to 4 words")
        return None
    thematiques: dict[str, str] = {}
    raw_thematiques = raw.get("thematiques")
    if not isinstance(raw_thematiques, list) or not raw_thematiques:
        problem(f"{where}.thematiques", "must list at least one thematique")
        return None
    for m, item in enumerate(raw_thematiques, 1):
        key = f"{where}.thematiques[{m}]"
        if not isinstance(item, dict) or not isinstance(item.get("helps"), str):
            problem(key, "must be { id = ..., helps = ... }")
            continue
        if item.get("id") not in THEMATIQUES:
            problem(key, f"{item.get('id')!r} is not a thematique of data·inclusion's schema")
            continue
        thematiques[str(item["id"])] = str(item["helps"]).strip()
    return Need(id=str(raw["id"]), label=label.strip(), icon=str(icon), thematiques=thematiques)


# Read again when the file changes (the last good version is kept while it is broken).
ORIENTATION: DialogSource[OrientationDialogs] = DialogSource(
    name="orientation", files=(FILE,), parse=_parse
)


def orientation_dialogs(directory: Path) -> OrientationDialogs:
    """The running version of orientation.toml (DialogError when there never was a good one)."""
    return ORIENTATION.live(directory)
