"""Issue 12, chats that are not the person's: a staff prompt answered only where it was asked,
candidate buttons only in the presser's own private chat, forged private chats, and the
staff group's /export and /cherche sent privately."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from localapi import Chat, LocalBotApi
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot, Clock, make_settings
from tests.journeys import NEUTRAL_BUTTON, OTHER_STAFF_ID, file_application, file_as

GROUP = -100123
FAMILY = -100777  # a group the staff member shares with the bot, unrelated to the work
STRANGER_ID = 5555


@pytest.fixture
async def team(tmp_path: Path) -> AsyncIterator[Bot]:
    """Staff Nadia and Karim, cards in the staff group; the bot is also in a family group."""
    settings = make_settings(
        tmp_path,
        TREMPLIN_STAFF_CHAT_ID=str(GROUP),
        TREMPLIN_STAFF_IDS=f"{STAFF_ID},{OTHER_STAFF_ID}",
    )
    harness = Bot(settings=settings, api=LocalBotApi(), clock=Clock())
    harness.api.known_chat(GROUP, chat_type="supergroup", title="Équipe")
    harness.api.known_chat(FAMILY, chat_type="supergroup", title="Famille")
    harness.api.known_chat(STAFF_ID)
    await harness.start()
    yield harness
    await harness.stop()


def in_group(bot: Bot, user_id: int, first_name: str, chat_id: int = GROUP) -> Chat:
    return Chat(
        bot.application,  # type: ignore[arg-type]
        bot.api,
        user_id=user_id,
        first_name=first_name,
        chat_id=chat_id,
        chat_type="supergroup",
        title="Équipe" if chat_id == GROUP else "Famille",
    )


def forged_private(bot: Bot, user_id: int, chat_id: int, first_name: str = "Awa") -> Chat:
    """A private chat whose id is not the sender's: Telegram never sends that."""
    return Chat(
        bot.application,  # type: ignore[arg-type]
        bot.api,
        user_id=user_id,
        first_name=first_name,
        chat_id=chat_id,
        chat_type="private",
    )


# --- item 2: a pending staff prompt ---------------------------------------------------------


async def test_note_prompt_is_answered_only_by_a_reply_in_the_staff_group(team: Bot) -> None:
    await file_application(team.chat())
    card = team.api.bot_messages(GROUP)[0]
    nadia = in_group(team, STAFF_ID, "Nadia")
    await nadia.tap("📝 Ajouter une note")
    prompt = team.api.last(GROUP)
    # ForceReply(selective) targets the people mentioned: Nadia is, as a real mention.
    assert (prompt.reply_markup or {}).get("selective") is True
    mention = prompt.entities[0]
    assert mention["type"] == "text_mention" and mention["user"]["id"] == STAFF_ID
    assert (mention["offset"], mention["length"]) == (0, len("Nadia"))

    # Her next text in the family group is hers to keep: not a note, nothing sent there.
    family = in_group(team, STAFF_ID, "Nadia", FAMILY)
    assert await family.send("Ce soir on mange chez mamie") == []
    assert team.api.bot_messages(FAMILY) == []
    application = team.store.active_application(CANDIDATE_ID)
    assert application is not None
    assert team.store.notes(application.id) == []

    # In the staff group, a message that replies to nothing is not the answer either.
    before = len(team.api.bot_messages(GROUP))
    await nadia.send("Je regarde ça demain")
    assert len(team.api.bot_messages(GROUP)) == before
    assert team.store.notes(application.id) == []

    # Privately, she is told where the answer is awaited; nothing is taken.
    private = team.chat(STAFF_ID, "Nadia")
    await private.send("Vu au téléphone")
    assert "répondez à mon message là-bas" in private.last.text
    assert team.store.notes(application.id) == []

    # The reply to the prompt is the note; the confirmation stays in the staff group.
    await nadia.send("Vu au téléphone", reply_to=prompt.message_id)
    assert "📝 Note ajoutée à IS-2026-0001." in team.api.last(GROUP).text
    assert [note.text for note in team.store.notes(application.id)] == ["Vu au téléphone"]
    assert "Vu au téléphone" in team.api.bot_messages(GROUP)[0].text
    assert card.message_id == team.api.bot_messages(GROUP)[0].message_id
    assert team.api.bot_messages(FAMILY) == []


async def test_a_private_prompt_is_not_answered_from_a_group(team: Bot) -> None:
    """A typed date asked privately: text in the family group is not the date, and the
    decision's messages (the candidate's phone included) never go there."""
    await file_application(team.chat())
    private = team.chat(STAFF_ID, "Nadia")
    await private.send("/dossier IS-2026-0001")
    await private.tap("📅 Convoquer à un entretien")
    await private.tap("✍️ Autre date")
    assert "Écrivez la date et l'heure" in private.last.text
    family = in_group(team, STAFF_ID, "Nadia", FAMILY)
    assert await family.send("12/03/2031 14:30") == []
    assert team.api.bot_messages(FAMILY) == []
    application = team.store.active_application(CANDIDATE_ID)
    assert application is not None and application.state == "a_l_etude"
    await private.send("12/03/2031 14:30")
    assert "📅 Rendez-vous enregistré pour IS-2026-0001" in private.last.text
    assert team.api.bot_messages(FAMILY) == []


# --- item 3: candidate buttons on a staff card in the group ---------------------------------


async def test_candidate_buttons_on_a_group_card_change_nothing(team: Bot) -> None:
    candidate = team.chat()
    await file_application(candidate)
    card = team.api.bot_messages(GROUP)[0]
    # A journey button the candidate really has (her own chat), pressed on the group card.
    await file_as(team, 1002, "Binta", "Camara")
    draft = team.chat(1003, "Moussa")
    await draft.send("/start")
    journey_data = team.api.find_button(1003, "J'accepte")[1]
    pressers = [
        in_group(team, STRANGER_ID, "Intrus"),  # a group member who is not staff
        in_group(team, CANDIDATE_ID, "Awa"),  # a candidate who is in the group
        in_group(team, 1003, "Moussa"),  # someone with a draft
    ]
    forged = [journey_data, "j:x:y", "c:restart:yes", "c:erase:yes", "c:withdraw:yes"]
    forged += ["t:none:x", "t:rdv:keep", "t:book:1", "t:come:1"]
    for presser in pressers:
        for data in forged:
            await presser.tap_data(card.message_id, data)
        assert presser.alerts == [NEUTRAL_BUTTON] * len(forged), presser.user_id
    after = team.api.bot_messages(GROUP)[0]
    assert after.text == card.text and after.reply_markup == card.reply_markup
    assert not after.edited
    assert team.store.conversation(STRANGER_ID) is None
    application = team.store.active_application(CANDIDATE_ID)
    assert application is not None and application.state == "nouvelle"
    assert len(team.api.bot_messages(GROUP)) == 2  # the two cards, nothing else
    # Staff buttons keep working in the group for staff.
    karim = in_group(team, OTHER_STAFF_ID, "Karim")
    wait = card.callback_data("⏸ Mettre en attente")
    assert wait is not None
    await karim.tap_data(card.message_id, wait)
    assert "👀 À l'étude par Karim" in team.api.bot_messages(GROUP)[0].text


# --- item 1: a private chat whose id is not the sender's ------------------------------------


async def test_forged_private_chat_gets_nothing(team: Bot) -> None:
    await file_application(team.chat())
    attacker_chat = 4242
    team.api.known_chat(attacker_chat)
    # "From" the candidate, in the attacker's chat: her data and her rights stay hers.
    as_candidate = forged_private(team, CANDIDATE_ID, attacker_chat)
    for command in ("/statut", "/mesdonnees", "/retirer", "/supprimer", "/recommencer", "/rdv"):
        await as_candidate.send(command)
    await as_candidate.send("/start")
    await as_candidate.send("Bonjour")
    # "From" a staff member: no staff screen, no file.
    as_staff = forged_private(team, STAFF_ID, attacker_chat, "Nadia")
    for command in ("/export", "/cherche Diallo", "/file", "/dossier IS-2026-0001", "/stats"):
        await as_staff.send(command)
    await as_staff.send("/creneaux")
    await as_staff.send("/orienteurs")
    await as_staff.send("/aide")
    # "From" a referrer or anyone: /mescandidats neither.
    await as_candidate.send("/mescandidats")
    assert team.api.bot_messages(attacker_chat) == []
    application = team.store.active_application(CANDIDATE_ID)
    assert application is not None and application.state == "nouvelle"
    # Buttons in that chat: the neutral answer, nothing else.
    sent = team.api.bot_messages(GROUP)[0]
    await as_candidate.tap_data(sent.message_id, "c:erase:yes")
    await as_staff.tap_data(sent.message_id, f"s:{application.id}:open")
    assert as_candidate.alerts == [NEUTRAL_BUTTON]
    assert as_staff.alerts == [NEUTRAL_BUTTON]
    assert team.api.bot_messages(attacker_chat) == []


# --- also: /export and /cherche typed in the staff group ------------------------------------


async def test_export_and_search_in_the_group_go_to_the_staff_member_privately(
    team: Bot,
) -> None:
    await file_as(team, CANDIDATE_ID, "Awa", "Diallo")
    nadia = in_group(team, STAFF_ID, "Nadia")
    before = len(team.api.bot_messages(GROUP))
    await nadia.send("/export")
    await nadia.send("/cherche diallo")
    await nadia.send("/cherche Zorro")
    group = team.api.bot_messages(GROUP)[before:]
    assert [m.text for m in group] == ["Je vous l'envoie en privé."] * 3
    assert all(m.kind == "text" and m.data is None for m in group)
    private = team.api.bot_messages(STAFF_ID)
    assert any(m.kind == "document" and (m.filename or "").endswith(".xlsx") for m in private)
    assert any("🔎 1 résultat(s) pour « diallo »" in m.text for m in private)
    assert any("Aucune candidature ne correspond à « Zorro »" in m.text for m in private)
    # The result's button opens the card privately.
    await team.chat(STAFF_ID, "Nadia").tap("IS-2026-0001 · Awa Diallo")
    assert team.api.last(STAFF_ID).text.startswith("📋 Candidature IS-2026-0001")


async def test_export_in_the_group_without_a_private_chat_says_to_open_one(team: Bot) -> None:
    await file_as(team, CANDIDATE_ID, "Awa", "Diallo")
    karim = in_group(team, OTHER_STAFF_ID, "Karim")  # never wrote to the bot privately
    before = len(team.api.bot_messages(GROUP))
    await karim.send("/export")
    await karim.send("/cherche diallo")
    group = team.api.bot_messages(GROUP)[before:]
    assert len(group) == 2
    assert all("Ouvrez d'abord une conversation privée avec moi" in m.text for m in group)
    assert all(m.kind == "text" and "Diallo" not in m.text for m in group)
