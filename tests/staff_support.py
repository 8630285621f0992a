"""Helpers of the staff tests: file applications as candidates would, open a staff chat."""

from __future__ import annotations

from bot.localapi import Chat
from tests.conftest import STAFF_ID, Bot
from tests.journeys import A_CONFIRMER, PROBABLE, play

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
