"""The journey's dialogs as typed, frozen objects: steps and their options, sections,
criteria, flags, workshops, the structure (what `dialogs.py` reads from the TOML files)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.core import states

# "needs" is shown by the orientation feature (its `Feature.steps`), as "slot" by slots.
STEP_KINDS = frozenset(
    {"choice", "multi", "text", "contact", "verdict", "slot", "summary", "needs"}
)
VALIDATORS = frozenset({"name", "postcode", "email", "latin"})
# A question's `short` label goes on a button after "✏️ " (3 characters): a phone shows 32.
SHORT_CHARACTERS = 29
CONSENTS = frozenset({"main", "sensitive", "referrer"})
# Facts the handlers put in a draft's answers for `ask_if` (never asked): name → values.
# `_referrer = "oui"`: the person came through a referrer's link (see bot/referrers/referral.py).
# `_latin = "incertain"`: the name's Latin form is a guess (see bot/core/rules/latin.py).
CONTEXT_FACTS: dict[str, tuple[str, ...]] = {"_referrer": ("oui",), "_latin": ("incertain",)}
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
    short: str | None = None  # the question on a button ("✏️ Droit de travailler en France")
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
    """Someone who can help when the work is not for the person (structure.toml)."""

    name: str
    helps: str  # what they help with, in plain words
    address: str = ""  # empty: to fill before going live (`python -m bot check` says so)
    phone: str = ""
    hours: str = ""


@dataclass(frozen=True, slots=True)
class PostcodeButton:
    """A button of the postcode question (structure.toml [area] postcodes)."""

    postcode: str
    town: str

    @property
    def label(self) -> str:
        return f"{self.postcode} {self.town}"


DEFAULT_TIMEZONE = "Europe/Paris"


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
    short_name: str = ""
    city: str = ""
    reference_prefix: str = "IS"
    calendar_id: str = ""
    timezone: str = DEFAULT_TIMEZONE
    department: str = ""
    department_code: str = ""
    postcodes: tuple[PostcodeButton, ...] = ()
    qpv_postcodes: frozenset[str] = frozenset()

    def identity(self) -> dict[str, str]:
        """What the texts' `{structure}`, `{city}`… stand for (dialog_files'
        IDENTITY_PLACEHOLDERS, filled in by `_()`)."""
        return {
            "structure": self.name,
            "short_name": self.short_name or self.name,
            "city": self.city,
            "department": self.department,
            "postcode": self.postcodes[0].postcode if self.postcodes else "",
            "prefix": self.reference_prefix,
        }

    @property
    def product_id(self) -> str:
        """The .ics PRODID: `calendar_id`, else one made of the name."""
        return self.calendar_id or f"-//{self.name}//Tremplin//FR"

    @property
    def slug(self) -> str:
        """The name in plain a-z, 0-9 and dashes ("initiatives-solidaires"): the domain of
        the .ics files' UIDs."""
        plain = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "tremplin"


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
    # The card's line for a person sent by an authorised referrer (eligibility.toml
    # [diagnosis]): their diagnosis can make her eligible (staff read it, in French).
    diagnosis_staff: str = ""
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
            texts.extend(t for t in (step.hint, step.summary, step.short) if t)
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
        # The postcode buttons ("93300 Aubervilliers") are names: never translated.
        names = {button.label for button in self.structure.postcodes}
        texts = [t for t in texts if t not in names]
        for contact in self.structure.contacts:
            texts.extend(t for t in (contact.name, contact.helps, contact.hours) if t)
        return [t for t in texts if t]


# Each one has its sentence in journey.toml's [states] (/statut), the call-back's included.
APPLICATION_STATES: tuple[str, ...] = (*states.ALL, *states.CALLBACK_STATES)
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
    "callback_filed",
    "callback_next",
)
