"""/mesdonnees as the candidate reads it on a phone (#21.6): messages first, in her language,
then the same data as a file for a computer or another service."""

from __future__ import annotations

import json

from bot.core import i18n
from bot.core.i18n import _, format_moment
from tests.conftest import CANDIDATE_ID, Bot
from tests.journey.test_languages import file_in, label
from tests.journeys import add_slot, file_application, file_with_slot, nadia

TELEGRAM_LIMIT = 4096


async def test_my_data_reads_as_messages_then_comes_as_a_file(bot: Bot) -> None:
    slot = add_slot(bot, days=3)
    chat = bot.chat()
    await file_with_slot(chat, slot)
    staff = nadia(bot)
    await staff.send("/dossier IS-2026-0001")
    await staff.tap("❌ Refuser")
    await staff.tap("Pas de poste ouvert")
    before = len(chat.messages)
    await chat.send("/mesdonnees")
    shown = chat.messages[before:]
    texts = [m.text for m in shown if m.kind == "text"]
    assert texts[0].startswith("Voici tout ce que nous gardons sur vous.")
    read = "\n".join(texts)
    # What we know: name, phone, language, who sent her.
    for line in (
        "👤 Ce que nous savons de vous :",
        "Prénom : Awa",
        "Nom : Diallo",
        "Téléphone : 06 12 34 56 78",
        "Langue : français",
        "Envoyée par : vous-même",
    ):
        assert line in read, line
    # The answers in plain words, never an internal code nor JSON.
    assert "📝 Votre candidature IS-2026-0001 : refusée" in read
    assert "• Quel âge avez-vous ? 26 à 49 ans" in read
    assert "• Recevez-vous le RSA ? Oui" in read
    assert "• Ateliers choisis : 1. Atelier bois, 2. Métallerie" in read
    assert "Vous avez choisi une date de rendez-vous" in read
    for code in ("26_49", "rempli", "first_name", "nouvelle", "probable", "{", '":'):
        assert code not in read, code
    # The rendez-vous and what happened, with dates in words.
    assert f"• Réunion d'information · {format_moment(slot.start, with_year=True)}" in read
    assert "• " + format_moment(bot.clock.now, with_year=True) in read
    assert "Vous avez envoyé la candidature" in read
    assert "État : refusée" in read
    assert all(len(text) <= TELEGRAM_LIMIT for text in texts)
    # Then the machine-readable file, last, for those who want it.
    document = shown[-1]
    assert document.kind == "document" and document.filename == "mes-donnees-tremplin.json"
    assert "pour un ordinateur" in (document.text or "")
    data = json.loads(document.data or b"{}")
    assert data["Candidatures"][0]["Prénom"] == "Awa"


async def test_my_data_is_in_her_language_with_her_dates(bot: Bot) -> None:
    chat = bot.chat(language_code="ar")
    await file_in(chat, "ar")
    before = len(chat.messages)
    await chat.send("/mesdonnees")
    read = "\n".join(m.text for m in chat.messages[before:] if m.kind == "text")
    assert label("ar", "Voici tout ce que nous gardons sur vous.") in read
    assert label("ar", "👤 Ce que nous savons de vous :") in read
    assert "Ce que nous savons" not in read and "Vos réponses" not in read
    with i18n.use("ar"):
        assert format_moment(bot.clock.now, with_year=True) in read  # a date in Arabic
        assert _("Langue") + " : العربية" in read
    assert chat.last.kind == "document"


async def test_a_long_history_is_split_under_telegrams_limit(bot: Bot) -> None:
    chat = bot.chat()
    for _round in range(5):  # five applications, each withdrawn, then a new one
        await file_application(chat)
        await chat.send("/retirer")
        await chat.tap("Oui, je la retire")
    before = len(chat.messages)
    await chat.send("/mesdonnees")
    shown = chat.messages[before:]
    texts = [m.text for m in shown if m.kind == "text"]
    assert len(texts) >= 2  # more than one message
    assert all(len(text) <= TELEGRAM_LIMIT for text in texts)
    read = "\n".join(texts)
    for number in range(1, 6):
        assert f"📝 Votre candidature IS-2026-000{number} : retirée" in read
    assert read.count("État : retirée") == 5
    assert shown[-1].kind == "document"
    assert len(bot.store.applications_of(CANDIDATE_ID)) == 5
