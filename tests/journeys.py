"""Walking the journey as people would, for every test: a candidate taps by label, types,
shares a contact; applications filed as candidates would file them; a staff chat; slots
relative to the test clock and a journey that picks a date. No tests here."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.i18n import format_moment
from bot.core.settings import PROJECT_ROOT
from bot.slots.store import Slot
from localapi import Chat
from tests.conftest import STAFF_ID, Bot

# Answers that make a verdict of each kind (labels as the candidate sees them).
PROBABLE = [
    ("tap", "J'accepte"),
    ("tap", "26 à 49 ans"),
    ("tap", "Oui"),  # droit de travailler
    ("tap", "Je veux bien répondre"),
    ("tap", "Oui"),  # RSA → level 1, level-2 questions skipped
    ("tap", "Non"),  # inscrit France Travail
    ("tap", "Bien"),  # français
    ("tap", "Oui"),  # mobilité
    ("tap", "93300 Aubervilliers"),
]
A_CONFIRMER = [
    ("tap", "J'accepte"),
    ("tap", "16 à 25 ans"),  # jeune (level 2)
    ("tap", "Oui"),
    ("tap", "Je préfère passer"),  # no sensitive questions
    ("tap", "Non"),  # not registered
    ("tap", "Bac ou plus"),
    ("tap", "Non"),  # parent seul
    ("tap", "Dans mon logement"),
    ("tap", "Non"),  # réfugié
    ("tap", "Non"),  # ASE
    ("tap", "Bien"),
    ("tap", "Oui"),
    ("send", "75011"),
]
# At a dead end, the needs question comes below (dialogs/orientation.toml); "Je préfère
# passer" takes it away, and the dead end is the last message again.
DEAD_END_NEEDS_SKIPPED = ("tap", "Je préfère passer")
PAS_POUR_VOUS = [
    ("tap", "J'accepte"),
    ("tap", "26 à 49 ans"),
    ("tap", "Non"),  # no right to work: blocks, and ends the questions at once
    DEAD_END_NEEDS_SKIPPED,
]
# After "Continuer": the needs question first (dialogs/orientation.toml), then the workshops.
NEEDS_SKIPPED = ("tap", "Je préfère passer")
AFTER_VERDICT = [
    NEEDS_SKIPPED,
    ("tap", "Atelier bois"),
    ("tap", "Métallerie"),
    ("tap", "Valider mes choix"),
    ("tap", "Tout de suite"),
    ("send", "Awa"),
    ("send", "Diallo"),
    ("contact", "+33612345678"),
    ("tap", "Passer"),  # e-mail
    ("tap", "D'accord"),  # rendez-vous: the team will call
]


async def play(chat: Chat, script: list[tuple[str, str]]) -> None:
    for action, value in script:
        if action == "tap":
            await chat.tap(value)
        elif action == "send":
            await chat.send(value)
        elif action == "contact":
            await chat.share_contact(phone=value)
        else:  # pragma: no cover - a typo in a script
            raise ValueError(action)


async def reach_summary(chat: Chat, eligibility: list[tuple[str, str]] = PROBABLE) -> None:
    """From /start to the summary, nothing sent yet."""
    await chat.send("/start")
    await play(chat, eligibility)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT)


async def file_application(
    chat: Chat, eligibility: list[tuple[str, str]] = PROBABLE, continue_label: str = "Continuer"
) -> None:
    """From /start to a filed application."""
    await chat.send("/start")
    await play(chat, eligibility)
    await chat.tap(continue_label)
    await play(chat, AFTER_VERDICT)
    await chat.tap("✅ Envoyer ma candidature")


# --- staff ---------------------------------------------------------------------------------

OTHER_STAFF_ID = 901
NEUTRAL_COMMAND = "Je ne connais pas cette commande. Tapez /aide pour voir ce que je sais faire."
NEUTRAL_BUTTON = "Ce bouton n'est plus valable."


async def file_as(
    bot: Bot,
    user_id: int,
    first_name: str,
    last_name: str,
    *,
    eligibility: list[tuple[str, str]] = PROBABLE,
    workshops: tuple[str, ...] = ("Atelier bois", "Métallerie"),
    phone: str = "+33612345678",
    start: str = "/start",
) -> Chat:
    """A candidate walks the whole journey and sends the application."""
    chat = bot.chat(user_id, first_name)
    await chat.send(start)
    await play(chat, eligibility)
    await chat.tap("Continuer")
    await play(chat, [NEEDS_SKIPPED])
    for label in workshops:
        await chat.tap(label)
    await chat.tap("Valider mes choix")
    await chat.tap("Tout de suite")
    await chat.send(first_name)
    await chat.send(last_name)
    await chat.share_contact(phone=phone)
    await chat.tap("Passer")
    await chat.tap("D'accord")
    await chat.tap("✅ Envoyer ma candidature")
    return chat


def nadia(bot: Bot) -> Chat:
    return bot.chat(STAFF_ID, "Nadia")


__all__ = ["A_CONFIRMER", "OTHER_STAFF_ID", "PROBABLE", "file_as", "nadia"]


# --- slots ---------------------------------------------------------------------------------

RENDEZ_VOUS_TAP = ("tap", "D'accord")  # the rendez-vous step in AFTER_VERDICT


def add_slot(bot: Bot, *, days: float = 3, seats: int = 12, **extra: object) -> Slot:
    """A slot `days` after the test clock, at 14 h Paris time on that day."""
    day = (bot.clock.now + timedelta(days=days)).date()
    start = datetime(day.year, day.month, day.day, 13, 0, tzinfo=UTC)  # 14 h in winter
    return bot.store.add_slot(start=start, seats=seats, **extra)  # type: ignore[arg-type]


def label(slot: Slot) -> str:
    return f"📅 {format_moment(slot.start)}"


def _split() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    index = len(AFTER_VERDICT) - 1 - AFTER_VERDICT[::-1].index(RENDEZ_VOUS_TAP)
    return AFTER_VERDICT[:index], AFTER_VERDICT[index + 1 :]


async def reach_rendez_vous(chat: Chat, first_name: str = "Awa") -> None:
    """From /start to the rendez-vous step (the script's first name replaced)."""
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    before, _ = _split()
    await play(chat, [("send", first_name) if step == ("send", "Awa") else step for step in before])


async def finish_after_rendez_vous(chat: Chat) -> None:
    _, after = _split()
    await play(chat, after)
    await chat.tap("✅ Envoyer ma candidature")


async def file_with_slot(chat: Chat, slot: Slot | None, first_name: str = "Awa") -> None:
    """A whole journey choosing `slot` (None: "Aucune de ces dates")."""
    await reach_rendez_vous(chat, first_name)
    await chat.tap(label(slot) if slot is not None else "Aucune de ces dates")
    await finish_after_rendez_vous(chat)


def dialogs_with_phone(tmp_path: Path, phone: str) -> Path:
    """A copy of the shipped dialogs where the structure has a phone (empty when shipped)."""
    dialogs = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", dialogs)
    structure = dialogs / "structure.toml"
    structure.write_text(
        # The first `phone` is the structure's own (its [[contacts]] have theirs).
        structure.read_text(encoding="utf-8").replace('phone = ""', f'phone = "{phone}"', 1),
        encoding="utf-8",
    )
    return dialogs
