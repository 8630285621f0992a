"""Load `dialogs/*.toml` into typed, frozen objects, refusing a broken file with a clear error.

The journey, the eligibility criteria, the workshops and the structure's details are data:
staff change a question here, never in handler code. `check_dialogs` (used by
`python -m bot check`) lists every problem at once; `load_dialogs` raises on the first.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bot.core import states
from bot.journey.rules import ids as journey_ids

STEP_KINDS = frozenset({"choice", "multi", "text", "contact", "verdict", "slot", "summary"})
VALIDATORS = frozenset({"name", "postcode", "email"})
CONSENTS = frozenset({"main", "sensitive", "referrer"})
# Facts the handlers put in a draft's answers for `ask_if` (never asked): name → values.
# `_referrer = "oui"`: the person came through a referrer's link (see bot/referrers/referral.py).
CONTEXT_FACTS: dict[str, tuple[str, ...]] = {"_referrer": ("oui",)}
# Ids travel in callback data (64 bytes at most): keep them short and plain.
ID_PATTERN = re.compile(r"^[a-z0-9_]{1,20}$")


T = TypeVar("T")


class DialogError(ValueError):
    """A file in `dialogs/` is malformed; the message names the file and the place."""


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
    """Load and validate the dialogs, or raise DialogError naming the first problem."""
    dialogs, problems = _load(directory)
    if problems:
        raise DialogError(problems[0])
    assert dialogs is not None
    return dialogs


def check_dialogs(directory: Path) -> list[str]:
    """Every problem in the dialogs, as French-or-English one-line messages (empty: all good)."""
    return _load(directory)[1]


_cached: dict[Path, tuple[int, Any]] = {}


def cached_by_mtime(path: Path, load: Callable[[], T]) -> T:
    """`load()`'s result for the file `path`, computed again only when the file changes
    (staff may edit a dialogs file while the bot runs; reading it on every update would not
    do)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1
    cached = _cached.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, load())
        _cached[path] = cached
    return cached[1]


def read_toml(path: Path) -> dict[str, Any]:
    """A dialogs file as data, or DialogError naming the file (missing, not TOML)."""
    return _read(path)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise DialogError(f"{path.name}: file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise DialogError(f"{path.name}: not valid TOML ({error})") from None


def _load(directory: Path) -> tuple[Dialogs | None, list[str]]:
    try:
        journey = _read(directory / "journey.toml")
        eligibility = _read(directory / "eligibility.toml")
        workshops_data = _read(directory / "workshops.toml")
        structure_data = _read(directory / "structure.toml")
    except DialogError as error:
        return None, [str(error)]
    problems: list[str] = []
    try:
        criteria = _criteria(eligibility)
        rule = _rule(eligibility, criteria)
        flags = _flags(eligibility)
        counsellor_if = _counsellor_if(journey)
        sections = tuple(
            Section(id=_id(s, "journey.toml [[sections]]"), title=_text(s, "title", "journey.toml"))
            for s in journey.get("sections", [])
        )
        steps = tuple(_step(raw, n) for n, raw in enumerate(journey.get("steps", []), 1))
        messages = {str(k): str(v) for k, v in journey.get("messages", {}).items()}
        states = {str(k): str(v) for k, v in journey.get("states", {}).items()}
        workshops = tuple(
            Workshop(
                id=_id(w, "workshops.toml"),
                label=_text(w, "label", "workshops.toml"),
                work=_text(w, "work", "workshops.toml"),
            )
            for w in workshops_data.get("workshops", [])
        )
        structure = _structure(structure_data)
    except DialogError as error:
        return None, [str(error)]
    except (KeyError, TypeError, ValueError) as error:
        return None, [f"dialogs: unexpected value ({error})"]
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
    return (None if problems else dialogs), problems


def _id(raw: dict[str, Any], where: str) -> str:
    value = raw.get("id")
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise DialogError(f"{where}: id {value!r} must be 1-20 characters among a-z, 0-9 and _")
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


def _option(raw: dict[str, Any], where: str) -> Option:
    known = {"id", "label", "criteria", "unsure", "flag", "next", "end", "consent"}
    unknown = set(raw) - known
    if unknown:
        raise DialogError(f"{where}: unknown key(s) {sorted(unknown)} in option {raw.get('id')!r}")
    return Option(
        id=_id(raw, where),
        label=_text(raw, "label", where),
        criteria=_strings(raw, "criteria", where),
        unsure=_strings(raw, "unsure", where),
        flag=raw.get("flag"),
        next=raw.get("next"),
        end=raw.get("end"),
        consent=raw.get("consent"),
    )


def _step(raw: dict[str, Any], number: int) -> Step:
    where = f"journey.toml step {number} ({raw.get('id', '?')})"
    known = {
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
    unknown = set(raw) - known
    if unknown:
        raise DialogError(f"{where}: unknown key(s) {sorted(unknown)}")
    kind = raw.get("kind")
    if kind not in STEP_KINDS:
        raise DialogError(f"{where}: kind {kind!r} must be one of {sorted(STEP_KINDS)}")
    validate = raw.get("validate")
    if kind == "text" and validate not in VALIDATORS:
        raise DialogError(f"{where}: validate {validate!r} must be one of {sorted(VALIDATORS)}")
    ask_if = raw.get("ask_if", {})
    if not isinstance(ask_if, dict):
        raise DialogError(f'{where}: ask_if must be a table such as {{ step = ["option"] }}')
    return Step(
        id=_id(raw, where),
        kind=kind,
        section=str(raw.get("section", "")),
        text=_text(raw, "text", where),
        hint=raw.get("hint"),
        summary=raw.get("summary"),
        options=tuple(_option(o, where) for o in raw.get("options", [])),
        quick=tuple(_option(o, where) for o in raw.get("quick", [])),
        ask_if=tuple((str(k), tuple(v)) for k, v in ask_if.items()),
        skip_when_eligible=bool(raw.get("skip_when_eligible", False)),
        validate=validate,
        optional=bool(raw.get("optional", False)),
    )


def _criteria(eligibility: dict[str, Any]) -> dict[str, Criterion]:
    result: dict[str, Criterion] = {}
    for criterion_id, raw in eligibility.get("criteria", {}).items():
        level = raw.get("level")
        if level not in (1, 2):
            raise DialogError(f"eligibility.toml: criterion {criterion_id!r} level must be 1 or 2")
        label = _text(raw, "label", f"eligibility.toml criterion {criterion_id!r}")
        proofs = tuple(str(p).strip() for p in raw.get("proofs", []) if str(p).strip())
        if not proofs:
            raise DialogError(
                f"eligibility.toml: criterion {criterion_id!r} needs at least one proof "
                '(proofs = ["…"])'
            )
        result[criterion_id] = Criterion(
            id=criterion_id,
            level=level,
            label=label,
            short=str(raw.get("short", "")).strip() or label,
            proofs=proofs,
            bring=str(raw.get("bring", "")).strip(),
        )
    return result


def _rule(eligibility: dict[str, Any], criteria: dict[str, Criterion]) -> EligibilityRule:
    raw = eligibility.get("rule", {})
    needed = raw.get("level2_needed")
    if not isinstance(needed, int) or needed < 1:
        raise DialogError("eligibility.toml: [rule] level2_needed must be a whole number ≥ 1")
    qpv_criterion = raw.get("qpv_criterion", "qpv")
    if qpv_criterion not in criteria:
        raise DialogError(f"eligibility.toml: qpv_criterion {qpv_criterion!r} is not a criterion")
    postcodes = raw.get("qpv_postcodes", [])
    if not all(isinstance(p, str) and re.fullmatch(r"\d{5}", p) for p in postcodes):
        raise DialogError("eligibility.toml: qpv_postcodes must be 5-digit strings")
    return EligibilityRule(
        level2_needed=needed, qpv_postcodes=frozenset(postcodes), qpv_criterion=qpv_criterion
    )


def _flags(eligibility: dict[str, Any]) -> dict[str, Flag]:
    result: dict[str, Flag] = {}
    for flag_id, raw in eligibility.get("flags", {}).items():
        where = f"eligibility.toml flag {flag_id!r}"
        effect = raw.get("effect")
        if effect not in FLAG_EFFECTS:
            raise DialogError(f"{where}: effect must be one of {list(FLAG_EFFECTS)}")
        candidate = str(raw.get("candidate", "")).strip()
        if effect != NOTE and not candidate:
            raise DialogError(f"{where}: a {effect} needs a 'candidate' text (the person reads it)")
        result[flag_id] = Flag(
            id=flag_id, effect=effect, staff=_text(raw, "staff", where), candidate=candidate
        )
    return result


def _counsellor_if(journey: dict[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = journey.get("verdict", {}).get("counsellor_if", {})
    if not isinstance(raw, dict):
        raise DialogError('journey.toml: [verdict] counsellor_if must be { step = ["option"] }')
    return tuple((str(k), tuple(v)) for k, v in raw.items())


def _structure(raw: dict[str, Any]) -> Structure:
    where = "structure.toml"
    try:
        latitude = float(raw["latitude"])
        longitude = float(raw["longitude"])
    except (KeyError, TypeError, ValueError):
        raise DialogError(f"{where}: latitude and longitude must be numbers") from None
    return Structure(
        name=_text(raw, "name", where),
        address=_text(raw, "address", where),
        phone=str(raw.get("phone", "")).strip(),
        hours=str(raw.get("hours", "")).strip(),
        latitude=latitude,
        longitude=longitude,
        answer_within_days=int(raw.get("answer_within_days", 7)),
        contacts=tuple(
            Contact(name=_text(c, "name", where), detail=_text(c, "detail", where))
            for c in raw.get("contacts", [])
        ),
    )


def _cross_checks(dialogs: Dialogs) -> list[str]:
    """References between files: unknown criterion, dangling skip target, missing message."""
    problems: list[str] = []
    section_ids = {s.id for s in dialogs.sections}
    seen: set[str] = set()
    for step in dialogs.steps:
        where = f"journey.toml step {step.id!r}"
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
