"""Load `dialogs/slots.toml`: reminder times, what to bring, the slots' texts (issue #5)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Formatter
from typing import Any

from bot.journey.dialogs import DialogError, cached_by_mtime, read_toml
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
    bring: tuple[str, ...]
    messages: dict[str, str]

    def translatable_strings(self) -> list[str]:
        return [
            *(k.label for k in self.kinds.values()),
            *self.bring,
            *self.messages.values(),
        ]


def load_slot_dialogs(directory: Path) -> SlotDialogs:
    """The slots' dialogs (read again only when the file changed), or DialogError."""
    path = directory / FILE
    return cached_by_mtime(path, lambda: _parse(read_toml(path)))


def check_slot_dialogs(directory: Path) -> list[str]:
    try:
        load_slot_dialogs(directory)
    except DialogError as error:
        return [str(error)]
    return []


def _parse(data: dict[str, Any]) -> SlotDialogs:
    unknown = set(data) - {"reminders", "offer", "kinds", "bring", "messages"}
    if unknown:
        raise DialogError(f"{FILE}: unknown key(s) {sorted(unknown)}")
    reminders = data.get("reminders", {})
    try:
        evening = parse_clock(str(reminders.get("evening_before", "")))
    except TimeError as error:
        raise DialogError(f"{FILE}: [reminders] evening_before: {error}") from None
    hours = reminders.get("hours_before")
    if not isinstance(hours, int | float) or isinstance(hours, bool) or not 1 <= hours <= 12:
        raise DialogError(f"{FILE}: [reminders] hours_before must be a number from 1 to 12")
    offer = data.get("offer", {})
    count = offer.get("count", 4)
    if not isinstance(count, int) or not 1 <= count <= 8:
        raise DialogError(f"{FILE}: [offer] count must be a whole number from 1 to 8")
    offer_kinds = offer.get("kinds", ["information_collective"])
    if not isinstance(offer_kinds, list) or not set(offer_kinds) <= set(KINDS):
        raise DialogError(f"{FILE}: [offer] kinds must be a list among {list(KINDS)}")
    kinds: dict[str, KindInfo] = {}
    for kind in KINDS:
        raw = data.get("kinds", {}).get(kind)
        if not isinstance(raw, dict) or not str(raw.get("label", "")).strip():
            raise DialogError(f"{FILE}: [kinds.{kind}] needs a label")
        duration = raw.get("duration", 90)
        if not isinstance(duration, int) or not 5 <= duration <= 600:
            raise DialogError(f"{FILE}: [kinds.{kind}] duration must be minutes from 5 to 600")
        kinds[kind] = KindInfo(label=str(raw["label"]).strip(), duration=duration)
    bring = tuple(str(b.get("text", "")).strip() for b in data.get("bring", []))
    if any(not b for b in bring):
        raise DialogError(f"{FILE}: each [[bring]] needs a text")
    raw_messages = data.get("messages", {})
    messages: dict[str, str] = {}
    for key, allowed in MESSAGES.items():
        text = raw_messages.get(key)
        if not isinstance(text, str) or not text.strip():
            raise DialogError(f"{FILE}: [messages] lacks {key!r}")
        used = {name for _, name, _, _ in Formatter().parse(text) if name is not None}
        if used - allowed:
            raise DialogError(
                f"{FILE}: [messages] {key!r} uses unknown placeholder(s) {sorted(used - allowed)}"
            )
        messages[key] = text.strip()
    extra = set(raw_messages) - set(MESSAGES)
    if extra:
        raise DialogError(f"{FILE}: [messages] unknown key(s) {sorted(extra)}")
    for key in BUTTONS:
        if len(messages[key].split()) > 5:
            raise DialogError(f"{FILE}: [messages] {key!r} is a button: 1 to 4 words")
    return SlotDialogs(
        reminders=ReminderRule(evening_at=evening, hours_before=float(hours)),
        offer_count=count,
        offer_kinds=tuple(offer_kinds),
        kinds=kinds,
        bring=bring,
        messages=messages,
    )
