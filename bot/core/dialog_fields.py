"""Reading one field, option or step of the journey's TOML, naming the problem when it is wrong."""

from __future__ import annotations

from typing import Any

from bot.core.dialog_files import (
    ID_RULE,
    DialogError,
    Problems,
    is_id,
)
from bot.core.dialog_types import (
    SHORT_CHARACTERS,
    STEP_KINDS,
    VALIDATORS,
    Option,
    Step,
)


def read_id(raw: dict[str, Any], where: str) -> str:
    value = raw.get("id")
    if not isinstance(value, str) or not is_id(value):
        raise DialogError(f"{where}: id {value!r} {ID_RULE}")
    return value


def read_text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DialogError(f"{where}: {key!r} is missing or empty (in {raw.get('id', raw)!r})")
    return value.strip()


def read_strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DialogError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)


def read_option(raw: Any, where: str) -> Option:
    if not isinstance(raw, dict):
        raise DialogError(f"{where}: each option must be a table {{ id = …, label = … }}")
    found = Problems()
    known = {"id", "label", "criteria", "unsure", "flag", "next", "end", "consent"}
    unknown = set(raw) - known
    if unknown:
        found.lines.append(f"{where}: unknown key(s) {sorted(unknown)} in option {raw.get('id')!r}")
    option_id = found.guard(read_id, raw, where)
    label = found.guard(read_text, raw, "label", where)
    criteria = found.guard(read_strings, raw, "criteria", where)
    unsure = found.guard(read_strings, raw, "unsure", where)
    for key in ("flag", "next", "end", "consent"):
        if key in raw and not isinstance(raw[key], str):
            found.lines.append(f"{where}: option {raw.get('id')!r}: {key} must be a text")
    if found or option_id is None or label is None or criteria is None or unsure is None:
        raise DialogError(found.lines)
    return Option(
        id=option_id,
        label=label,
        criteria=criteria,
        unsure=unsure,
        flag=raw.get("flag"),
        next=raw.get("next"),
        end=raw.get("end"),
        consent=raw.get("consent"),
    )


STEP_KEYS = frozenset(
    {
        "id",
        "kind",
        "section",
        "text",
        "hint",
        "summary",
        "short",
        "options",
        "quick",
        "ask_if",
        "skip_when_eligible",
        "validate",
        "optional",
    }
)


def read_step(raw: dict[str, Any], number: int) -> Step:
    """One `[[steps]]` table, or DialogError with every problem found in it."""
    where = f"journey.toml: step {number} ({raw.get('id', '?')})"
    found = Problems()
    unknown = set(raw) - STEP_KEYS
    if unknown:
        found.lines.append(f"{where}: unknown key(s) {sorted(unknown)}")
    kind = raw.get("kind")
    if kind not in STEP_KINDS:
        found.lines.append(f"{where}: kind {kind!r} must be one of {sorted(STEP_KINDS)}")
    validate = raw.get("validate")
    if kind == "text" and validate not in VALIDATORS:
        found.lines.append(f"{where}: validate {validate!r} must be one of {sorted(VALIDATORS)}")
    ask_if = raw.get("ask_if", {})
    if not isinstance(ask_if, dict) or not all(
        isinstance(v, list) and all(isinstance(o, str) for o in v) for v in ask_if.values()
    ):
        found.lines.append(f'{where}: ask_if must be a table such as {{ step = ["option"] }}')
        ask_if = {}
    for key in ("hint", "summary", "short"):
        if key in raw and not isinstance(raw[key], str):
            found.lines.append(f"{where}: {key} must be a text")
    short = raw.get("short")
    if isinstance(short, str) and not short.strip():
        found.lines.append(f"{where}: short must not be empty")
    if isinstance(short, str) and len(short.strip()) > SHORT_CHARACTERS:
        found.lines.append(
            f"{where}: short {short.strip()!r} has {len(short.strip())} characters: "
            f"{SHORT_CHARACTERS} at most (with « ✏️ » before it, a phone shows 32)"
        )
    step_id = found.guard(read_id, raw, where)
    text = found.guard(read_text, raw, "text", where)
    options = [found.guard(read_option, o, where) for o in read_list(raw, "options", where, found)]
    quick = [found.guard(read_option, o, where) for o in read_list(raw, "quick", where, found)]
    if found or step_id is None or text is None or not isinstance(kind, str):
        raise DialogError(found.lines)
    return Step(
        id=step_id,
        kind=kind,
        section=str(raw.get("section", "")),
        text=text,
        hint=raw.get("hint"),
        summary=raw.get("summary"),
        short=raw["short"].strip() if isinstance(raw.get("short"), str) else None,
        options=tuple(o for o in options if o is not None),
        quick=tuple(o for o in quick if o is not None),
        ask_if=tuple((str(k), tuple(v)) for k, v in ask_if.items()),
        skip_when_eligible=bool(raw.get("skip_when_eligible", False)),
        validate=validate,
        optional=bool(raw.get("optional", False)),
    )


def read_list(raw: dict[str, Any], key: str, where: str, found: Problems) -> list[Any]:
    value = raw.get(key, [])
    if isinstance(value, list):
        return value
    found.lines.append(f"{where}: {key} must be a list")
    return []
