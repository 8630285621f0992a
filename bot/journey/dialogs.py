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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core import states
from bot.core.dialog_files import (
    ID_RULE,
    DialogError,
    DialogSource,
    Loaded,
    Problems,
    failed,
    is_id,
    placeholder_problems,
    read_toml,
    result,
)
from bot.journey.rules import ids as journey_ids

STEP_KINDS = frozenset({"choice", "multi", "text", "contact", "verdict", "slot", "summary"})
VALIDATORS = frozenset({"name", "postcode", "email"})
CONSENTS = frozenset({"main", "sensitive", "referrer"})
# Facts the handlers put in a draft's answers for `ask_if` (never asked): name → values.
# `_referrer = "oui"`: the person came through a referrer's link (see bot/referrers/referral.py).
CONTEXT_FACTS: dict[str, tuple[str, ...]] = {"_referrer": ("oui",)}
# The texts the code fills in with `str.format`, and the placeholders each may use; any
# other text of [messages] or [states] may use none.
PLACEHOLDERS: dict[tuple[str, str], frozenset[str]] = {
    ("messages", "next_steps"): frozenset({"days"}),
    **{("states", state.value): frozenset({"reference"}) for state in states.ALL},
}


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str
    criteria: tuple[str, ...] = ()
    unsure: tuple[str, ...] = ()
    flag: str | None = None  # an answer that matters before the criteria (eligibility.toml)
    next: str | None = None
    end: str | None = None
    consent: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    kind: str
    section: str
    text: str
    hint: str | None = None
    summary: str | None = None
    options: tuple[Option, ...] = ()
    quick: tuple[Option, ...] = ()
    ask_if: tuple[tuple[str, tuple[str, ...]], ...] = ()
    skip_when_eligible: bool = False
    validate: str | None = None
    optional: bool = False
    # Options by id: looked up for every answer of every step, at every update.
    _by_id: dict[str, Option] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for option in reversed((*self.options, *self.quick)):  # the first of an id wins
            self._by_id[option.id] = option

    def option(self, option_id: str) -> Option | None:
        return self._by_id.get(option_id)


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    level: int
    label: str
    short: str = ""  # on a card's button: "RSA"
    proofs: tuple[str, ...] = ()  # the documents accepted (staff read them)
    bring: str = ""  # what the person is told to bring, in plain words (one line)


BLOCK, DOUBT, NOTE = "block", "doubt", "note"
FLAG_EFFECTS = (BLOCK, DOUBT, NOTE)


@dataclass(frozen=True, slots=True)
class Flag:
    """An answer that matters before any criterion: it blocks hiring (`block`: no right to
    work), lowers the verdict to "à confirmer" (`doubt`), or only tells staff (`note`)."""

    id: str
    effect: str
    staff: str  # first on the card, read by staff
    candidate: str  # under the verdict, read by the person ("" for a note)


@dataclass(frozen=True, slots=True)
class Workshop:
    id: str
    label: str
    work: str


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    detail: str


@dataclass(frozen=True, slots=True)
class Structure:
    name: str
    address: str
    phone: str
    hours: str
    latitude: float
    longitude: float
    answer_within_days: int
    contacts: tuple[Contact, ...]


@dataclass(frozen=True, slots=True)
class EligibilityRule:
    level2_needed: int
    qpv_postcodes: frozenset[str]
    qpv_criterion: str


@dataclass(frozen=True, slots=True)
class Dialogs:
    sections: tuple[Section, ...]
    steps: tuple[Step, ...]
    messages: dict[str, str]
    states: dict[str, str]
    criteria: dict[str, Criterion]
    rule: EligibilityRule
    workshops: tuple[Workshop, ...]
    structure: Structure
    flags: dict[str, Flag] = field(default_factory=dict)
    # The person has a counsellor when any of these answers is given (journey.toml [verdict]).
    counsellor_if: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # What every person brings to a rendez-vous (eligibility.toml [[bring]]), before the
    # proofs of their own criteria.
    bring: tuple[str, ...] = ()
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({step.id: n for n, step in enumerate(self.steps)})

    def step(self, step_id: str) -> Step:
        return self.steps[self._index[step_id]]

    def has_step(self, step_id: str) -> bool:
        return step_id in self._index

    def position(self, step_id: str) -> int:
        return self._index[step_id]

    def section_number(self, section_id: str) -> int:
        return next(n for n, s in enumerate(self.sections, 1) if s.id == section_id)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def first_step_of(self, section_id: str) -> Step:
        return next(s for s in self.steps if s.section == section_id)

    def workshop(self, workshop_id: str) -> Workshop | None:
        return next((w for w in self.workshops if w.id == workshop_id), None)

    def translatable_strings(self) -> list[str]:
        """Every French text of the dialogs, for the catalogs and for `check`."""
        texts: list[str] = [s.title for s in self.sections]
        for step in self.steps:
            texts.append(step.text)
            texts.extend(t for t in (step.hint, step.summary) if t)
            texts.extend(o.label for o in (*step.options, *step.quick))
        texts.extend(self.messages.values())
        texts.extend(self.states.values())
        texts.extend(c.label for c in self.criteria.values())
        texts.extend(c.bring for c in self.criteria.values() if c.bring)
        texts.extend(self.bring)
        for flag in self.flags.values():
            texts.extend((flag.staff, flag.candidate))
        for workshop in self.workshops:
            texts.extend((workshop.label, workshop.work))
        texts.append(self.structure.hours)
        for contact in self.structure.contacts:
            texts.extend((contact.name, contact.detail))
        return [t for t in texts if t]


APPLICATION_STATES = states.ALL  # each one has its sentence in journey.toml's [states]
REQUIRED_MESSAGES = (
    "welcome",
    "welcome_back",
    "refus_accord",
    "fin_sans_suite",
    "verdict_probable",
    "verdict_a_confirmer",
    "verdict_a_confirmer_conseiller",
    "verdict_pas_pour_vous",
    "filed",
    "next_steps",
    "nudge",
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
        counsellor_if = problems.guard(lambda: _counsellor_if(journey)) or ()
        sections = tuple(
            section
            for s in _tables(journey, "sections", "journey.toml", problems)
            if (section := problems.guard(_section, s)) is not None
        )
        steps = tuple(
            step
            for n, raw in enumerate(_tables(journey, "steps", "journey.toml", problems), 1)
            if (step := problems.guard(_step, raw, n)) is not None
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
    if problems or rule is None or structure is None:
        return failed(problems)
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
    )
    problems.extend(_cross_checks(dialogs))
    return result(dialogs, problems)


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
        id=_id(raw, "journey.toml: [[sections]]"), title=_text(raw, "title", "journey.toml")
    )


def _workshop(raw: dict[str, Any]) -> Workshop:
    return Workshop(
        id=_id(raw, "workshops.toml: [[workshops]]"),
        label=_text(raw, "label", "workshops.toml: [[workshops]]"),
        work=_text(raw, "work", "workshops.toml: [[workshops]]"),
    )


def _id(raw: dict[str, Any], where: str) -> str:
    value = raw.get("id")
    if not isinstance(value, str) or not is_id(value):
        raise DialogError(f"{where}: id {value!r} {ID_RULE}")
    return value


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DialogError(f"{where}: {key!r} is missing or empty (in {raw.get('id', raw)!r})")
    return value.strip()


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DialogError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)


def _option(raw: Any, where: str) -> Option:
    if not isinstance(raw, dict):
        raise DialogError(f"{where}: each option must be a table {{ id = …, label = … }}")
    found = Problems()
    known = {"id", "label", "criteria", "unsure", "flag", "next", "end", "consent"}
    unknown = set(raw) - known
    if unknown:
        found.lines.append(f"{where}: unknown key(s) {sorted(unknown)} in option {raw.get('id')!r}")
    option_id = found.guard(_id, raw, where)
    label = found.guard(_text, raw, "label", where)
    criteria = found.guard(_strings, raw, "criteria", where)
    unsure = found.guard(_strings, raw, "unsure", where)
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
        "options",
        "quick",
        "ask_if",
        "skip_when_eligible",
        "validate",
        "optional",
    }
)


def _step(raw: dict[str, Any], number: int) -> Step:
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
    for key in ("hint", "summary"):
        if key in raw and not isinstance(raw[key], str):
            found.lines.append(f"{where}: {key} must be a text")
    step_id = found.guard(_id, raw, where)
    text = found.guard(_text, raw, "text", where)
    options = [found.guard(_option, o, where) for o in _list(raw, "options", where, found)]
    quick = [found.guard(_option, o, where) for o in _list(raw, "quick", where, found)]
    if found or step_id is None or text is None or not isinstance(kind, str):
        raise DialogError(found.lines)
    return Step(
        id=step_id,
        kind=kind,
        section=str(raw.get("section", "")),
        text=text,
        hint=raw.get("hint"),
        summary=raw.get("summary"),
        options=tuple(o for o in options if o is not None),
        quick=tuple(o for o in quick if o is not None),
        ask_if=tuple((str(k), tuple(v)) for k, v in ask_if.items()),
        skip_when_eligible=bool(raw.get("skip_when_eligible", False)),
        validate=validate,
        optional=bool(raw.get("optional", False)),
    )


def _list(raw: dict[str, Any], key: str, where: str, found: Problems) -> list[Any]:
    value = raw.get(key, [])
    if isinstance(value, list):
        return value
    found.lines.append(f"{where}: {key} must be a list")
    return []


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
    label = _text(raw, "label", where)
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
    return Flag(id=flag_id, effect=effect, staff=_text(raw, "staff", where), candidate=candidate)


def _counsellor_if(journey: dict[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = journey.get("verdict", {}).get("counsellor_if", {})
    if not isinstance(raw, dict):
        raise DialogError('journey.toml: [verdict] counsellor_if must be { step = ["option"] }')
    return tuple((str(k), tuple(v)) for k, v in raw.items())


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
    for key in ("phone", "hours"):
        if not isinstance(raw.get(key, ""), str):
            found.add(where, key, "must be a text")
    name = found.guard(_text, raw, "name", where)
    address = found.guard(_text, raw, "address", where)
    contacts = [
        found.guard(_contact, contact, f"{where}: contact {number}")
        for number, contact in enumerate(_list(raw, "contacts", where, found), 1)
    ]
    if found or name is None or address is None:
        raise DialogError(found.lines)
    return Structure(
        name=name,
        address=address,
        phone=str(raw.get("phone", "")).strip(),
        hours=str(raw.get("hours", "")).strip(),
        latitude=latitude,
        longitude=longitude,
        answer_within_days=days,
        contacts=tuple(c for c in contacts if c is not None),
    )


def _contact(raw: Any, where: str) -> Contact:
    if not isinstance(raw, dict):
        raise DialogError(f"{where}: must be a table {{ name = …, detail = … }}")
    found = Problems()
    name = found.guard(_text, raw, "name", where)
    detail = found.guard(_text, raw, "detail", where)
    if found or name is None or detail is None:
        raise DialogError(found.lines)
    return Contact(name=name, detail=detail)


def _cross_checks(dialogs: Dialogs) -> list[str]:
    """References between files: unknown criterion, dangling skip target, missing message."""
    problems: list[str] = []
    section_ids = {s.id for s in dialogs.sections}
    seen: set[str] = set()
    for step in dialogs.steps:
        where = f"journey.toml: step {step.id!r}"
        if step.id in seen:
            problems.append(f"{where}: the id is used twice")
        seen.add(step.id)
        if step.section not in section_ids:
            problems.append(f"{where}: unknown section {step.section!r}")
        if step.kind in ("choice", "verdict", "slot") and not step.options:
            problems.append(f"{where}: a {step.kind} step needs options")
        option_ids = [o.id for o in (*step.options, *step.quick)]
        if len(option_ids) != len(set(option_ids)):
            problems.append(f"{where}: two options share an id")
        for option in (*step.options, *step.quick):
            for criterion in (*option.criteria, *option.unsure):
                if criterion not in dialogs.criteria:
                    problems.append(
                        f"{where}: option {option.id!r} names unknown criterion {criterion!r}"
                    )
            if option.next is not None and not dialogs.has_step(option.next):
                problems.append(
                    f"{where}: option {option.id!r} skips to unknown step {option.next!r}"
                )
            if option.flag is not None and option.flag not in dialogs.flags:
                problems.append(f"{where}: option {option.id!r} names unknown flag {option.flag!r}")
            if option.end is not None and option.end not in dialogs.messages:
                problems.append(
                    f"{where}: option {option.id!r} ends with unknown message {option.end!r}"
                )
            if option.consent is not None and option.consent not in CONSENTS:
                problems.append(
                    f"{where}: option {option.id!r} consent must be one of {sorted(CONSENTS)}"
                )
        for target, values in step.ask_if:
            if target in CONTEXT_FACTS:
                problems.extend(
                    f"{where}: ask_if {target}={value!r} must be one of {CONTEXT_FACTS[target]}"
                    for value in values
                    if value not in CONTEXT_FACTS[target]
                )
                continue
            if not dialogs.has_step(target):
                problems.append(f"{where}: ask_if names unknown step {target!r}")
                continue
            if dialogs.position(target) >= dialogs.position(step.id):
                problems.append(f"{where}: ask_if must name an earlier step, not {target!r}")
            target_options = {o.id for o in dialogs.step(target).options}
            for value in values:
                if value not in target_options:
                    problems.append(
                        f"{where}: ask_if {target}={value!r} is not an option of {target!r}"
                    )
    for target, values in dialogs.counsellor_if:
        if target in CONTEXT_FACTS:
            continue
        if not dialogs.has_step(target):
            problems.append(f"journey.toml: [verdict] counsellor_if names unknown step {target!r}")
            continue
        options = {o.id for o in dialogs.step(target).options}
        problems.extend(
            f"journey.toml: [verdict] counsellor_if {target}={value!r} is not an option"
            for value in values
            if value not in options
        )
    for kind in ("verdict", "multi", "summary", "contact"):
        if sum(1 for s in dialogs.steps if s.kind == kind) != 1:
            problems.append(f"journey.toml: there must be exactly one step of kind {kind!r}")
    if dialogs.steps and dialogs.steps[-1].kind != "summary":
        problems.append("journey.toml: the last step must be the summary")
    for key in REQUIRED_MESSAGES:
        if key not in dialogs.messages:
            problems.append(f"journey.toml: [messages] lacks {key!r}")
    for state in APPLICATION_STATES:
        if state not in dialogs.states:
            problems.append(f"journey.toml: [states] lacks {state.value!r}")
    if not dialogs.workshops:
        problems.append("workshops.toml: at least one workshop is needed")
    problems += journey_ids.problems_of(
        {s.id: (s.kind, {o.id for o in s.options}) for s in dialogs.steps},
        {section.id for section in dialogs.sections},
    )
    return problems


def _keeps(running: Dialogs, new: Dialogs) -> list[str]:
    """Why a valid new journey must wait for a restart, or nothing (it is used at once).

    A conversation in progress is at a step and keeps the steps it came through (to go
    back); its answers are read by their step's kind. A new version that removes a step, or
    changes a step's kind, would leave such a conversation pointing at nothing: the running
    bot keeps the journey it has until it starts again (a restart is the moment such a
    change is made, as before). Anything else (texts, options, order, criteria, flags,
    workshops, the structure, a new step) is used from the next update on."""
    problems: list[str] = []
    for step in running.steps:
        if not new.has_step(step.id):
            problems.append(
                f"journey.toml: step {step.id!r} was removed or renamed: "
                "restart the bot to use the new journey"
            )
        elif new.step(step.id).kind != step.kind:
            problems.append(
                f"journey.toml: step {step.id!r} changed kind ({step.kind!r} to "
                f"{new.step(step.id).kind!r}): restart the bot to use the new journey"
            )
    return problems


# Read again when one of its files changes; see `_keeps`, and `Services.refresh`: a handler
# sees one version from the start of its update to the end.
JOURNEY: DialogSource[Dialogs] = DialogSource(
    name="journey",
    files=("journey.toml", "eligibility.toml", "workshops.toml", "structure.toml"),
    parse=_parse,
    keeps=_keeps,
)
