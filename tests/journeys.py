"""Walking the candidate journey as a person would: tap by label, type, share a contact."""

from __future__ import annotations

from bot.localapi import Chat

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
PAS_POUR_VOUS = [
    ("tap", "J'accepte"),
    ("tap", "26 à 49 ans"),
    ("tap", "Non"),  # no right to work: blocks, and ends the questions at once
]
AFTER_VERDICT = [
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
