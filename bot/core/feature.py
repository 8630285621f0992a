"""What a feature adds to the bot, declared in one object (`bot/features.py` lists them), and
the hooks through which a feature shows its part in another's message.

Features sit side by side: none imports another. Where one shows something of another (the
🔊 button under the journey's messages, the staff's card when an application is filed), the
feature contributes it through a hook declared on its `Feature`, and the core iterates the
registry that the app installs (`install`, called by bot/features.py). We took
python-telegram-bot's handler groups as the model, not aiogram_dialog's widgets: an ordered
registry that the application walks, each feature adding what it has, rather than a tree of
widgets each rendering itself; it is the shape `register` already has. Where a feature is
the one provider of a part others call (`Referrals`, `StaffCards`, `Sessions`), the part is a
`Protocol` it provides, found in the registry, as aiogram_dialog injects its message
manager; without the feature, a null part (nobody referred, no card to refresh)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeAlias

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
)
from telegram.ext import Application, ContextTypes

from bot.core.application_store import CandidateApplication, Conversation
from bot.core.dialog_files import DialogSource
from bot.core.dialog_types import Option, Step
from bot.core.outbox.store import Duty
from bot.core.rules.standing import Standing
from bot.core.services import Services
from bot.core.settings import Settings

# PTB's Application is generic in six types we never narrow.
TelegramApp = Application[Any, Any, Any, Any, Any, Any]
# Subscripted in the stubs only: at run time the class is not generic.
SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Context: TypeAlias = ContextTypes.DEFAULT_TYPE
Markup: TypeAlias = InlineKeyboardMarkup | ReplyKeyboardMarkup | None
# Sends one owed message of its kind (bot/core/outbox): `filed_query`, the tap on "Envoyer".
SendOwed: TypeAlias = Callable[
    [Context, Services, Duty, CandidateApplication, CallbackQuery | None], Awaitable[None]
]


class Referrals(Protocol):
    """Who sent a candidate (a referrer's link in /start): what the journey and the staff's
    cards, export and figures show of it. The referrers feature provides it (its module
    `bot.referrers.referral`): a swappable part injected at set-up, as aiogram_dialog's
    message manager is."""

    def source_for(self, svc: Services, payload: str | None) -> str | None: ...
    def welcome_note(self, svc: Services, source: str | None) -> str | None: ...
    def is_referrer_diagnosis(self, svc: Services, source: str | None) -> bool: ...
    def referrer_name(self, svc: Services, source: str | None) -> str | None: ...
    def referrer_names(self, svc: Services) -> dict[str, str]: ...
    def journey_facts(self, svc: Services, source: str | None) -> dict[str, Any]: ...
    def record_answer(
        self, svc: Services, application_id: int | None, step: Step, option: Option
    ) -> None: ...
    async def notify_decision(
        self, context: Context, svc: Services, application: CandidateApplication
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Session:
    """A session an application booked, as the staff's export shows it."""

    kind: str  # "information_collective" | "entretien"
    start: datetime  # aware, UTC
    place: str | None


class Sessions(Protocol):
    """What the journey shows of the sessions a candidate books: the journey's `slot` step,
    where a person stands (/start, /statut), what a withdrawal or a decision says of her
    session; on the staff's card, its line, and in the export, each application's session. The
    slots feature provides it (its module `bot.slots.sessions`)."""

    def view(
        self, svc: Services, step: Step, answers: Mapping[str, Any], *, can_go_back: bool
    ) -> tuple[str, Markup]: ...

    async def on_button(
        self,
        query: CallbackQuery,
        svc: Services,
        conversation: Conversation,
        answers: dict[str, Any],
        step: Step,
        action: str,
    ) -> tuple[Any, str] | None: ...

    def workshops_changed(
        self, svc: Services, application_id: int | None, answers: dict[str, Any], chosen: list[str]
    ) -> str | None: ...

    def summary_labels(self, svc: Services, answers: Mapping[str, Any]) -> dict[str, str]: ...
    def start_text(self, svc: Services, user_id: int) -> tuple[Standing, str | None]: ...
    def status_text(self, svc: Services, user_id: int) -> str: ...
    def held(self, svc: Services, application_id: int) -> object: ...
    def withdrawn_lines(self, svc: Services, held: object) -> list[str]: ...
    def decision_lines(self, svc: Services, application: CandidateApplication) -> list[str]: ...
    def card_line(
        self, svc: Services, application_id: int, interview_at: str | None
    ) -> str | None: ...
    def booked(self, svc: Services) -> dict[int, Session]: ...


class StepKind(Protocol):
    """A kind of journey step a feature shows (journey.toml `kind`, e.g. "needs" by the
    orientation feature): its message, and what a tap on one of its buttons does. `on_button`
    returns the answer and how it reads (the journey records it and goes on), or None when the
    step stays (a choice ticked, a kind word said); `answer_label` words a recorded answer
    (/mesdonnees, the summary), None when it cannot."""

    def view(
        self, svc: Services, step: Step, answers: Mapping[str, Any], *, can_go_back: bool
    ) -> tuple[str, Markup]: ...

    async def on_button(
        self,
        query: CallbackQuery,
        svc: Services,
        conversation: Conversation,
        answers: dict[str, Any],
        step: Step,
        action: str,
    ) -> tuple[Any, str] | None: ...

    def answer_label(self, step: Step, answer: Any) -> str | None: ...


# A dead end was just shown to a person (under 16, no right to work, "pas pour vous"): what a
# feature adds below it, given the chat and the answers known (the postcode, if any).
AtEnding: TypeAlias = Callable[[Bot, Services, int, Mapping[str, Any]], Awaitable[None]]
# One column of the staff's export: its header and its cell for an application.
ExportColumn: TypeAlias = tuple[str, Callable[[CandidateApplication], Any]]


class StaffCards(Protocol):
    """What staff see of an application that changed outside their hands (a booking moved,
    a withdrawal): the staff feature provides it (its module `bot.staff.notice`)."""

    async def refresh_cards(self, context: Context, svc: Services, application_id: int) -> None: ...

    async def withdrawn(
        self, context: Context, svc: Services, application: CandidateApplication
    ) -> None: ...


class NoStaffCards:
    """Without the staff feature: no card to keep up to date."""

    async def refresh_cards(self, context: Context, svc: Services, application_id: int) -> None:
        return None

    async def withdrawn(
        self, context: Context, svc: Services, application: CandidateApplication
    ) -> None:
        return None


class NoReferrals:
    """Without the referrers feature: nobody is ever sent by anyone."""

    def source_for(self, svc: Services, payload: str | None) -> str | None:
        return None

    def welcome_note(self, svc: Services, source: str | None) -> str | None:
        return None

    def is_referrer_diagnosis(self, svc: Services, source: str | None) -> bool:
        return False

    def referrer_name(self, svc: Services, source: str | None) -> str | None:
        return None

    def referrer_names(self, svc: Services) -> dict[str, str]:
        return {}

    def journey_facts(self, svc: Services, source: str | None) -> dict[str, Any]:
        return {}

    def record_answer(
        self, svc: Services, application_id: int | None, step: Step, option: Option
    ) -> None:
        return None

    async def notify_decision(
        self, context: Context, svc: Services, application: CandidateApplication
    ) -> None:
        return None


def _nothing_to_check(settings: Settings) -> list[str]:
    return []


@dataclass(frozen=True, slots=True)
class Feature:
    """One feature's parts. Every field is optional: a feature adds only what it has.

    `register` adds handlers (in registry order: the first matching handler wins, so the
    candidate's catch-alls come last); `on_start` runs after the bot is initialised (jobs,
    command menus, overdue work); `add_parsers` adds `python -m bot` commands; `check` adds
    problems to `python -m bot check`; `staff_commands` go in the staff's command menu and
    their /aide; `dialog_files` are the `dialogs/*.toml` it reads (bot.core.dialog_files),
    read and validated together when the bot starts. Tables are not here: each feature's
    `store.py` has its migrations, which `bot/store.py` orders (the store must not depend
    on handlers).

    Hooks (what it adds to another's messages): `owed` sends the owed messages of the kinds
    it owns (bot/core/outbox); `sweep` is more work committed changes owe, run by the
    outbox's sweep; `listen` adds to a candidate's message keyboard, given the message's key
    (the 🔊 button), `read_aloud` follows a message shown to a person with its voice, given
    its key, and `welcome_rows` are buttons under the welcome; `referrals` says who sent a
    candidate (`Referrals`), `cards` keeps the staff's cards up to date (`StaffCards`),
    `sessions` shows the sessions booked in the journey (`Sessions`); `steps` shows the
    journey steps of its kinds (`StepKind`, by kind); `at_ending` adds to a dead end, once
    shown (`AtEnding`); `card_lines` are lines of the staff's card, `export_columns` columns
    of the export (`ExportColumn`) and `figure_lines` lines of /stats (staff read French).
    """

    name: str
    register: Callable[[TelegramApp], None] | None = None
    on_start: Callable[[TelegramApp], Awaitable[None]] | None = None
    add_parsers: Callable[[SubParsers], None] | None = None
    check: Callable[[Settings], list[str]] = _nothing_to_check
    staff_commands: tuple[tuple[str, str], ...] = ()
    dialog_files: tuple[DialogSource[Any], ...] = ()
    owed: Mapping[str, SendOwed] = field(default_factory=dict)
    sweep: Callable[[Context, Services], Awaitable[None]] | None = None
    listen: Callable[[Services, Markup, str], Markup] | None = None
    read_aloud: Callable[[Bot, Services, int, str], Awaitable[None]] | None = None
    welcome_rows: Callable[[Services], list[list[InlineKeyboardButton]]] | None = None
    referrals: Referrals | None = None
    cards: StaffCards | None = None
    sessions: Sessions | None = None
    steps: Mapping[str, StepKind] = field(default_factory=dict)
    at_ending: AtEnding | None = None
    card_lines: Callable[[Services, CandidateApplication], list[str]] | None = None
    export_columns: Callable[[Services], list[ExportColumn]] | None = None
    figure_lines: Callable[[Services], list[str]] | None = None


_installed: list[Feature] = []


def install(features: tuple[Feature, ...]) -> None:
    """The registry the hooks are read from (called once by bot/features.py)."""
    _installed[:] = features


def installed() -> tuple[Feature, ...]:
    return tuple(_installed)


def referrals() -> Referrals:
    """Who sent a candidate: the installed feature's answer (nobody without one)."""
    return next((f.referrals for f in _installed if f.referrals is not None), NoReferrals())


def sessions() -> Sessions:
    """The sessions a candidate books: the installed feature's (the journey's `slot` step
    needs one: `python -m bot check` refuses a journey with that step and no slots)."""
    found = next((f.sessions for f in _installed if f.sessions is not None), None)
    if found is None:
        raise LookupError("no feature shows the sessions a candidate books (bot.slots)")
    return found


def staff_cards() -> StaffCards:
    """The staff's cards: the installed feature's (none without one)."""
    return next((f.cards for f in _installed if f.cards is not None), NoStaffCards())


async def sweep_owed(context: Context, svc: Services) -> None:
    """What committed changes owe besides messages: each feature's `sweep`."""
    for feature in _installed:
        if feature.sweep is not None:
            await feature.sweep(context, svc)


def owed_sender(kind: str) -> SendOwed | None:
    """Who sends an owed message of this kind: each feature that owns it, in registry order
    (after a filing, the slots' rendez-vous, then the orientation's services)."""
    senders = [f.owed[kind] for f in _installed if kind in f.owed]
    if len(senders) < 2:
        return senders[0] if senders else None

    async def each(
        context: Context,
        svc: Services,
        duty: Duty,
        application: CandidateApplication,
        filed_query: CallbackQuery | None,
    ) -> None:
        for send in senders:
            await send(context, svc, duty, application, filed_query)

    return each


def step_kind(kind: str) -> StepKind | None:
    """The feature that shows journey steps of this kind (None: the journey's own kinds)."""
    return next((f.steps[kind] for f in _installed if kind in f.steps), None)


async def at_ending(bot: Bot, svc: Services, chat_id: int, answers: Mapping[str, Any]) -> None:
    """A dead end was shown to `chat_id`: what each feature adds below it."""
    for feature in _installed:
        if feature.at_ending is not None:
            await feature.at_ending(bot, svc, chat_id, answers)


def card_lines(svc: Services, application: CandidateApplication) -> list[str]:
    """The lines each feature adds to the staff's card of this application."""
    return [line for f in _installed if f.card_lines for line in f.card_lines(svc, application)]


def export_columns(svc: Services) -> list[ExportColumn]:
    """The columns each feature adds to the staff's export."""
    return [c for f in _installed if f.export_columns for c in f.export_columns(svc)]


def figure_lines(svc: Services) -> list[str]:
    """The lines each feature adds to /stats."""
    return [line for f in _installed if f.figure_lines for line in f.figure_lines(svc)]


def with_listen(svc: Services, markup: Markup, key: str) -> Markup:
    """`markup` with what each feature adds under the message `key` (the 🔊 button)."""
    for feature in _installed:
        if feature.listen is not None:
            markup = feature.listen(svc, markup, key)
    return markup


async def read_aloud(bot: Bot, svc: Services, user_id: int, key: str) -> None:
    """After the message `key` is shown to `user_id`: what each feature adds (its voice)."""
    for feature in _installed:
        if feature.read_aloud is not None:
            await feature.read_aloud(bot, svc, user_id, key)


def welcome_rows(svc: Services) -> list[list[InlineKeyboardButton]]:
    """The buttons each feature adds under the welcome."""
    return [row for f in _installed if f.welcome_rows for row in f.welcome_rows(svc)]
