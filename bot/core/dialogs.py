"""Load `dialogs/journey.toml`, `eligibility.toml`, `workshops.toml` and `structure.toml`
into typed, frozen objects, refusing a broken file with every problem named.

The journey, the eligibility criteria, the workshops and the structure's details are data:
staff change a question here, never in handler code. The reading, the collecting of problems
and the reloading are `bot.core.dialog_files`'s; this module is the schema. `check_dialogs`
(used by `python -m bot check`) lists every problem; `load_dialogs` raises DialogError with
all of them; `JOURNEY.live` is the running version (see `keeps` for when an edit waits for
a restart).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.dialog_checks import cross_checks, keeps
from bot.core.dialog_fields import read_id, read_list, read_step, read_text
from bot.core.dialog_files import (
    DialogError,
    DialogSource,
    Loaded,
    Problems,
    failed,
    placeholder_problems,
    read_toml,
    result,
)
from bot.core.dialog_types import (
    DEFAULT_TIMEZONE,
    FLAG_EFFECTS,
    NOTE,
    PLACEHOLDERS,
    Contact,
    Criterion,
    Dialogs,
    EligibilityRule,
    Flag,
    Option,
    PostcodeButton,
    Section,
    Step,
    Structure,
    Workshop,
)


def load_dialogs(directory: Path) -> Dialogs:
    """The dialogs as they are on disk now, or DialogError naming every problem."""
    return JOURNEY.load(directory)


def check_dialogs(directory: Path) -> list[str]:
    """Every problem in the dialogs, as one-line English messages (empty: all good)."""
    return JOURNEY.check(directory)


def _parse(directory: Path) -> Loaded[Dialogs]:
    problems = Problems()
    journey = read_toml(directory / "journey.toml", problems)
    eligibility = read_toml(directory / "eligibility.toml", problems)
    workshops_data = read_toml(directory / "workshops.toml", problems)
    structure_data = read_toml(directory / "structure.toml", problems)
    if journey is None or eligibility is None or workshops_data is None:
        return failed(problems)
    if structure_data is None:
        return failed(problems)
    try:
        criteria = problems.guard(lambda: _criteria(eligibility, problems)) or {}
        rule = problems.guard(lambda: _rule(eligibility, criteria))
        flags = _flags(eligibility, problems)
        diagnosis_staff = problems.guard(lambda: _diagnosis(eligibility))
        counsellor_if = problems.guard(lambda: _counsellor_if(journey)) or ()
        sections = tuple(
            section
            for s in _tables(journey, "sections", "journey.toml", problems)
            if (section := problems.guard(_section, s)) is not None
        )
        steps = tuple(
            step
            for n, raw in enumerate(_tables(journey, "steps", "journey.toml", problems), 1)
            if (step := problems.guard(read_step, raw, n)) is not None
        )
        messages = _strings_table(journey, "messages", "journey.toml", problems)
        states = _strings_table(journey, "states", "journey.toml", problems)
        workshops = tuple(
            workshop
            for w in _tables(workshops_data, "workshops", "workshops.toml", problems)
            if (workshop := problems.guard(_workshop, w)) is not None
        )
        structure = problems.guard(lambda: _structure(structure_data))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        problems.add("dialogs", "", f"unexpected value ({error})")
        return failed(problems)
    if problems or rule is None or structure is None or diagnosis_staff is None:
        return failed(problems)
    # The structure's postcodes: the buttons of the postcode question, the priority areas.
    steps = tuple(_with_postcode_buttons(step, structure) for step in steps)
    rule = replace(rule, qpv_postcodes=rule.qpv_postcodes | structure.qpv_postcodes)
    dialogs = Dialogs(
        sections=sections,
        steps=steps,
        messages=messages,
        states=states,
        criteria=criteria,
        rule=rule,
        workshops=workshops,
        structure=structure,
        flags=flags,
        counsellor_if=counsellor_if,
        bring=tuple(
            str(item.get("text", "")).strip()
            for item in eligibility.get("bring", [])
            if isinstance(item, dict) and str(item.get("text", "")).strip()
        ),
        diagnosis_staff=diagnosis_staff,
    )
    problems.extend(cross_checks(dialogs))
    return result(dialogs, problems)


def _with_postcode_buttons(step: Step, structure: Structure) -> Step:
    """The postcode question with the structure's buttons before its own ("Je ne sais pas")."""
    if step.kind != "text" or step.validate != "postcode" or not structure.postcodes:
        return step
    buttons = tuple(Option(id=b.postcode, label=b.label) for b in structure.postcodes)
    own = tuple(o for o in step.quick if o.id not in {b.id for b in buttons})
    return replace(step, quick=(*buttons, *own), _by_id={})


def _tables(data: dict[str, Any], key: str, file: str, problems: Problems) -> list[dict[str, Any]]:
    """The `[[key]]` tables of a file (anything else is a problem, and skipped)."""
    raw = data.get(key, [])
    if not isinstance(raw, list):
        problems.add(file, key, f"must be a list of [[{key}]] tables")
        return []
    tables = []
    for number, item in enumerate(raw, 1):
        if isinstance(item, dict):
            tables.append(item)
        else:
            problems.add(file, f"{key} {number}", "must be a table")
    return tables


def _strings_table(data: dict[str, Any], key: str, file: str, problems: Problems) -> dict[str, str]:
    raw = data.get(key, {})
    if not isinstance(raw, dict):
        problems.add(file, f"[{key}]", "must be a table of texts")
        return {}
    texts: dict[str, str] = {}
    for name, value in raw.items():
        if not isinstance(value, str):
            problems.add(file, f"[{key}] {name!r}", "must be a text")
            continue
        for problem in placeholder_problems(value, PLACEHOLDERS.get((key, str(name)), ())):
            problems.add(file, f"[{key}] {name!r}", problem)
        texts[str(name)] = value
    return texts


def _section(raw: dict[str, Any]) -> Section:
    return Section(
        id=read_id(raw, "journey.toml: [[sections]]"), title=read_text(raw, "title", "journey.toml")
    )


def _workshop(raw: dict[str, Any]) -> Workshop:
    return Workshop(
        id=read_id(raw, "workshops.toml: [[workshops]]"),
        label=read_text(raw, "label", "workshops.toml: [[workshops]]"),
        work=read_text(raw, "work", "workshops.toml: [[workshops]]"),
    )


def _criteria(eligibility: dict[str, Any], problems: Problems) -> dict[str, Criterion]:
    result: dict[str, Criterion] = {}
    raw_criteria = eligibility.get("criteria", {})
    if not isinstance(raw_criteria, dict):
        raise DialogError("eligibility.toml: [criteria] must be a table of [criteria.<id>]")
    for criterion_id, raw in raw_criteria.items():
        criterion = problems.guard(_criterion, criterion_id, raw)
        if criterion is not None:
            result[criterion_id] = criterion
    return result


def _criterion(criterion_id: str, raw: Any) -> Criterion:
    where = f"eligibility.toml: criterion {criterion_id!r}"
    if not isinstance(raw, dict):
        raise DialogError(f"{where}: must be a table with a level and a label")
    level = raw.get("level")
    if level not in (1, 2):
        raise DialogError(f"{where}: level must be 1 or 2")
    label = read_text(raw, "label", where)
    proofs = raw.get("proofs", [])
    if not isinstance(proofs, list) or not all(isinstance(p, str) and p.strip() for p in proofs):
        raise DialogError(f"{where}: proofs must be a list of texts")
    if not proofs:
        # Staff check each criterion with a document (les emplois de l'inclusion's list).
        raise DialogError(f'{where}: needs at least one proof (proofs = ["…"])')
    return Criterion(
        id=criterion_id,
        level=level,
        label=label,
        short=str(raw.get("short", "")).strip() or label,
        proofs=tuple(p.strip() for p in proofs),
        bring=str(raw.get("bring", "")).strip(),
    )


def _rule(eligibility: dict[str, Any], criteria: dict[str, Criterion]) -> EligibilityRule:
    raw = eligibility.get("rule", {})
    if not isinstance(raw, dict):
        raise DialogError("eligibility.toml: [rule] must be a table")
    found: list[str] = []
    needed = raw.get("level2_needed")
    if not isinstance(needed, int) or isinstance(needed, bool) or needed < 1:
        found.append("eligibility.toml: [rule] level2_needed must be a whole number ≥ 1")
    qpv_criterion = raw.get("qpv_criterion", "qpv")
    if qpv_criterion not in criteria:
        found.append(f"eligibility.toml: [rule] qpv_criterion {qpv_criterion!r} is not a criterion")
    postcodes = raw.get("qpv_postcodes", [])
    if not isinstance(postcodes, list) or not all(
        isinstance(p, str) and re.fullmatch(r"\d{5}", p) for p in postcodes
    ):
        found.append("eligibility.toml: [rule] qpv_postcodes must be 5-digit strings")
    if found or not isinstance(needed, int):
        raise DialogError(found)
    return EligibilityRule(
        level2_needed=needed, qpv_postcodes=frozenset(postcodes), qpv_criterion=qpv_criterion
    )


def _flags(eligibility: dict[str, Any], problems: Problems) -> dict[str, Flag]:
    result: dict[str, Flag] = {}
    raw_flags = eligibility.get("flags", {})
    if not isinstance(raw_flags, dict):
        problems.add("eligibility.toml", "[flags]", "must be a table of [flags.<id>]")
        return result
    for flag_id, raw in raw_flags.items():
        flag = problems.guard(_flag, flag_id, raw)
        if flag is not None:
            result[flag_id] = flag
    return result


def _flag(flag_id: str, raw: Any) -> Flag:
    where = f"eligibility.toml: flag {flag_id!r}"
    if not isinstance(raw, dict):
        raise DialogError(f"{where}: must be a table with an effect and texts")
    effect = raw.get("effect")
    if effect not in FLAG_EFFECTS:
        raise DialogError(f"{where}: effect must be one of {list(FLAG_EFFECTS)}")
    candidate = str(raw.get("candidate", "")).strip()
    if effect != NOTE and not candidate:
        raise DialogError(f"{where}: a {effect} needs a 'candidate' text (the person reads it)")
    return Flag(
        id=flag_id, effect=effect, staff=read_text(raw, "staff", where), candidate=candidate
    )


def _diagnosis(eligibility: dict[str, Any]) -> str:
    """The card's line for a person sent by an authorised referrer ([diagnosis] staff)."""
    raw = eligibility.get("diagnosis")
    if not isinstance(raw, dict):
        raise DialogError("eligibility.toml: [diagnosis] must be a table with a 'staff' text")
    return read_text(raw, "staff", "eligibility.toml: [diagnosis]")


def _counsellor_if(journey: dict[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = journey.get("verdict", {}).get("counsellor_if", {})
    if not isinstance(raw, dict):
        raise DialogError('journey.toml: [verdict] counsellor_if must be { step = ["option"] }')
    return tuple((str(k), tuple(v)) for k, v in raw.items())


# The fields that name the structure, and what to write in each (said by `check` when one is
# empty: the bot does not start until they are filled).
IDENTITY_FIELDS: dict[str, str] = {
    "name": "the structure's name, as candidates read it (« Ici, c'est {structure}, à {city}. »)",
    "city": "the town candidates come to (« Pouvez-vous venir facilement à {city} ? »)",
    "address": "the street address of the front desk, with its postcode and town",
    "reference_prefix": "the first letters of each application's number (IS gives IS-2026-0001)",
}
AREA_FIELDS: dict[str, str] = {
    "department": "the name of the département (« Seine-Saint-Denis »)",
    "department_code": "the département's number (« 93 »)",
}
_PREFIX = re.compile(r"[A-Z0-9]{1,6}")
_POSTCODE = re.compile(r"\d{5}")


def _structure(raw: dict[str, Any]) -> Structure:
    where = "structure.toml"
    found = Problems()
    try:
        latitude = float(raw["latitude"])
        longitude = float(raw["longitude"])
    except (KeyError, TypeError, ValueError):
        found.add(where, "", "latitude and longitude must be numbers")
        latitude = longitude = 0.0
    days = raw.get("answer_within_days", 7)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        found.add(where, "answer_within_days", "must be a whole number of days ≥ 1")
        days = 7
    texts: dict[str, str] = {}
    for key in (
        *IDENTITY_FIELDS,
        "phone",
        "hours",
        "short_name",
        "calendar_id",
        "timezone",
    ):
        value = raw.get(key, "")
        if not isinstance(value, str):
            found.add(where, key, "must be a text")
            value = ""
        if "{" in value or "}" in value:
            found.add(where, key, "must not contain { or }")
        texts[key] = value.strip()
    for key, meaning in IDENTITY_FIELDS.items():
        if not texts[key]:
            found.add(where, key, f"is empty: write {meaning}")
    prefix = texts["reference_prefix"]
    if prefix and not _PREFIX.fullmatch(prefix):
        found.add(where, "reference_prefix", f"{prefix!r} must be 1 to 6 capital letters or digits")
    zone = texts["timezone"] or DEFAULT_TIMEZONE
    if not _is_timezone(zone):
        found.add(where, "timezone", f"{zone!r} is not a time zone name such as Europe/Paris")
    area = found.guard(_area, raw.get("area"), f"{where}: [area]")
    contacts = [
        found.guard(_contact, contact, f"{where}: contact {number}")
        for number, contact in enumerate(read_list(raw, "contacts", where, found), 1)
    ]
    if found or area is None:
        raise DialogError(found.lines)
    department, department_code, postcodes, qpv = area
    return Structure(
        name=texts["name"],
        address=texts["address"],
        phone=texts["phone"],
        hours=texts["hours"],
        latitude=latitude,
        longitude=longitude,
        answer_within_days=days,
        contacts=tuple(c for c in contacts if c is not None),
        short_name=texts["short_name"] or texts["name"],
        city=texts["city"],
        reference_prefix=prefix,
        calendar_id=texts["calendar_id"],
        timezone=zone,
        department=department,
        department_code=department_code,
        postcodes=postcodes,
        qpv_postcodes=qpv,
    )


def _is_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _area(raw: Any, where: str) -> tuple[str, str, tuple[PostcodeButton, ...], frozenset[str]]:
    """[area]: the département, the postcode buttons, the priority areas' postcodes."""
    if not isinstance(raw, dict):
        raise DialogError(
            f"{where}: is missing: the département, its number and the postcode buttons "
            "(department, department_code, postcodes)"
        )
    found = Problems()
    texts: dict[str, str] = {}
    for key, meaning in AREA_FIELDS.items():
        value = raw.get(key, "")
        if not isinstance(value, str) or not value.strip():
            found.add(where, key, f"is empty: write {meaning}")
            value = ""
        texts[key] = value.strip()
    buttons: list[PostcodeButton] = []
    for number, button in enumerate(read_list(raw, "postcodes", where, found), 1):
        if (
            not isinstance(button, dict)
            or not _POSTCODE.fullmatch(str(button.get("postcode", "")))
            or not isinstance(button.get("town"), str)
            or not button["town"].strip()
            or set(button) - {"postcode", "town"}
        ):
            found.add(
                where,
                f"postcodes {number}",
                'must be { postcode = "5 digits", town = "the town\'s name" }',
            )
            continue
        buttons.append(PostcodeButton(button["postcode"], button["town"].strip()))
    if not buttons and not any("postcodes" in line for line in found.lines):
        found.add(
            where,
            "postcodes",
            "is empty: write at least the postcode of the structure's town "
            '({ postcode = "…", town = "…" }): it is a button, and the example',
        )
    qpv = raw.get("qpv_postcodes", [])
    if not isinstance(qpv, list) or not all(
        isinstance(p, str) and _POSTCODE.fullmatch(p) for p in qpv
    ):
        found.add(where, "qpv_postcodes", "must be 5-digit strings")
        qpv = []
    unknown = sorted(set(raw) - {*AREA_FIELDS, "postcodes", "qpv_postcodes"})
    if unknown:
        found.add(where, ", ".join(unknown), "unknown key")
    if found:
        raise DialogError(found.lines)
    return texts["department"], texts["department_code"], tuple(buttons), frozenset(qpv)


def _contact(raw: Any, where: str) -> Contact:
    if not isinstance(raw, dict):
        raise DialogError(f"{where}: must be a table {{ name = …, helps = …, address = … }}")
    found = Problems()
    name = found.guard(read_text, raw, "name", where)
    helps = found.guard(read_text, raw, "helps", where)
    for key in ("address", "phone", "hours"):
        if not isinstance(raw.get(key, ""), str):
            found.add(where, key, "must be a text")
    unknown = sorted(set(raw) - {"name", "helps", "address", "phone", "hours"})
    if unknown:
        found.add(where, ", ".join(unknown), "unknown key (name, helps, address, phone, hours)")
    if found or name is None or helps is None:
        raise DialogError(found.lines)
    return Contact(
        name=name,
        helps=helps,
        address=str(raw.get("address", "")).strip(),
        phone=str(raw.get("phone", "")).strip(),
        hours=str(raw.get("hours", "")).strip(),
    )


# Read again when one of its files changes; see `keeps`, and `Services.refresh`: a handler
# sees one version from the start of its update to the end.
JOURNEY: DialogSource[Dialogs] = DialogSource(
    name="journey",
    files=("journey.toml", "eligibility.toml", "workshops.toml", "structure.toml"),
    parse=_parse,
    keeps=keeps,
)
