"""Load `dialogs/slots.toml`: reminder times, what to bring, the slots' texts (issue #5)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.dialog_files import (
    DialogSource,
    Loaded,
    Problems,
    failed,
    messages_table,
    read_toml,
    result,
)
from bot.slots.rules import KINDS, ReminderRule, TimeError, parse_clock

FILE = "slots.toml"
# Each text and the placeholders it may use.
MESSAGES: dict[str, frozenset[str]] = {
    "choose": frozenset(),
    "none_fits": frozenset(),
    "full": frozenset(),
    "confirmed": frozenset({"kind", "moment", "place"}),
    "lost_choice": frozenset(),
    "bring_title": frozenset(),
    "bring_when_called": frozenset(),
    "reminder_promise": frozenset(),
    "calendar_caption": frozenset(),
    "reminder": frozenset({"when", "place", "kind", "moment"}),
    "coming": frozenset(),
    "not_coming": frozenset(),
    "thanks_coming": frozenset(),
    "cancelled_by_you": frozenset(),
    "other_date": frozenset(),
    "team_will_call": frozenset(),
    "cancelled_by_team": frozenset({"moment", "kind"}),
    "no_show": frozenset({"moment", "kind"}),
    "no_booking": frozenset(),
    "change": frozenset(),
    "cancel": frozenset(),
    "cancel_question": frozenset({"moment", "kind"}),
    "cancel_yes": frozenset(),
    "cancel_no": frozenset(),
    "kept": frozenset(),
    "keep_date": frozenset(),
}
BUTTONS = ("none_fits", "coming", "not_coming", "change", "cancel", "cancel_yes", "cancel_no")


@dataclass(frozen=True, slots=True)
class KindInfo:
    label: str
    duration: int


@dataclass(frozen=True, slots=True)
class SlotDialogs:
    reminders: ReminderRule
    offer_count: int
    offer_kinds: tuple[str, ...]
    kinds: dict[str, KindInfo]
    messages: dict[str, str]

    def translatable_strings(self) -> list[str]:
        return [
            *(k.label for k in self.kinds.values()),
            *self.messages.values(),
        ]


def _parse(directory: Path) -> Loaded[SlotDialogs]:
    problems = Problems()
    data = read_toml(directory / FILE, problems)
    if data is None:
        return failed(problems)

    def problem(key: str, message: str) -> None:
        problems.add(FILE, key, message)

    unknown = set(data) - {"reminders", "offer", "kinds", "messages"}
    if unknown:
        problem("", f"unknown key(s) {sorted(unknown)}")
    reminders = _table(data, "reminders", problems)
    evening = None
    try:
        evening = parse_clock(str(reminders.get("evening_before", "")))
    except TimeError as error:
        problem("reminders.evening_before", str(error))
    hours = reminders.get("hours_before")
    if not isinstance(hours, int | float) or isinstance(hours, bool) or not 1 <= hours <= 12:
        problem("reminders.hours_before", "must be a number from 1 to 12")
        hours = 1
    offer = _table(data, "offer", problems)
    count = offer.get("count", 4)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 8:
        problem("offer.count", "must be a whole number from 1 to 8")
    offer_kinds = offer.get("kinds", ["information_collective"])
    if not isinstance(offer_kinds, list) or not set(offer_kinds) <= set(KINDS):
        problem("offer.kinds", f"must be a list among {list(KINDS)}")
        offer_kinds = []
    raw_kinds = _table(data, "kinds", problems)
    kinds: dict[str, KindInfo] = {}
    for kind in KINDS:
        raw = raw_kinds.get(kind)
        if not isinstance(raw, dict) or not str(raw.get("label", "")).strip():
            problem(f"kinds.{kind}", "needs a label")
            continue
        duration = raw.get("duration", 90)
        if not isinstance(duration, int) or isinstance(duration, bool) or not 5 <= duration <= 600:
            problem(f"kinds.{kind}.duration", "must be minutes from 5 to 600")
            continue
        kinds[kind] = KindInfo(label=str(raw["label"]).strip(), duration=duration)
    messages = messages_table(data.get("messages", {}), MESSAGES, problems, FILE, buttons=BUTTONS)
    if evening is None or problems:
        return failed(problems)
    return result(
        SlotDialogs(
            reminders=ReminderRule(evening_at=evening, hours_before=float(hours)),
            offer_count=count,
            offer_kinds=tuple(offer_kinds),
            kinds=kinds,
            messages=messages,
        ),
        problems,
    )


def _table(data: dict[str, Any], key: str, problems: Problems) -> dict[str, Any]:
    value = data.get(key, {})
    if isinstance(value, dict):
        return value
    problems.add(FILE, f"[{key}]", "must be a table")
    return {}


# Read again when the file changes (the last good version is kept while it is broken).
SLOTS: DialogSource[SlotDialogs] = DialogSource(name="slots", files=(FILE,), parse=_parse)


def load_slot_dialogs(directory: Path) -> SlotDialogs:
    """The running slots' dialogs (read again when the file changed; a broken edit keeps
    the last good version), or DialogError when there never was a good one."""
    return SLOTS.live(directory)


def check_slot_dialogs(directory: Path) -> list[str]:
    """Every problem in slots.toml as it is on disk now (empty: all good)."""
    return SLOTS.check(directory)
