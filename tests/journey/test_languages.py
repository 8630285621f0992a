"""Every candidate in their own language (issue #15): chosen per person, kept in SQLite, set
per update; staff always read French."""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from bot.core import i18n
from bot.core.i18n import _
from bot.core.services import services
from bot.core.settings import PROJECT_ROOT
from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import AFTER_VERDICT, NEEDS_SKIPPED, PROBABLE, add_slot, play
from tests.system.test_cli import _bot

LANGUAGES = ("en", "ar", "zh", "ta", "bn")
SENT = "✅ Envoyer ma candidature"


def tr(language: str, script: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A script's button labels as a reader of `language` sees them (typed text unchanged)."""
    with i18n.use(language):
        return [(action, _(value) if action == "tap" else value) for action, value in script]


def label(language: str, text: str) -> str:
    with i18n.use(language):
        return _(text)


async def file_in(chat: Chat, language: str) -> None:
    await chat.send("/start")
    await play(chat, tr(language, PROBABLE))
    await chat.tap(label(language, "Continuer"))
    await play(chat, tr(language, AFTER_VERDICT))
    await chat.tap(label(language, SENT))


def french_sentences(language: str) -> list[str]:
    """The French candidate texts this catalog translates: none may be shown to its reader."""
    path = PROJECT_ROOT / "locales" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        if not message.id or not message.string or message.string == message.id:
            continue
        # Fragments ("{hour} h") and single words may be shared by both languages.
        for part in message.id.replace("{", "\n").replace("}", "\n").splitlines():
            if len(part.strip()) >= 16 and " " in part.strip():
                found.append(part.strip())
    return found


async def test_an_arabic_phone_is_welcomed_in_arabic_and_switches_to_french(bot: Bot) -> None:
    chat = bot.chat(language_code="ar")
    await chat.send("/start")
    welcome, consent = chat.messages[-2:]
    with i18n.use("ar"):
        assert welcome.text == _(bot_welcome(bot))
        assert consent.buttons()[:2] == [_("J'accepte"), _("Non merci")]
    # French first, then each catalog in the order of its code (a new catalog is a new button).
    assert consent.buttons()[2:] == ["Français", "✅ العربية", "বাংলা", "English", "தமிழ்", "中文"]
    assert bot.store.language_of(CANDIDATE_ID) is None  # nothing kept before the consent
    await chat.tap("Français")
    # The question becomes the welcome and the question again, in French, in one tap.
    assert chat.last.message_id == consent.message_id
    assert chat.last.text.startswith("Bonjour, je suis un robot")
    assert "Étape 1 sur 8 · Votre accord" in chat.last.text
    assert chat.buttons()[:3] == ["J'accepte", "Non merci", "✅ Français"]
    assert bot.store.language_of(CANDIDATE_ID) == "fr"
    await chat.tap("J'accepte")  # the journey goes on, in French
    assert "Quel âge avez-vous ?" in chat.last.text
    assert "العربية" not in chat.buttons()  # the languages went with the first question


async def test_langue_changes_the_language_where_the_journey_is(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    await chat.send("/langue")
    assert chat.last.text == "Choisissez votre langue :"
    await chat.tap("English")
    assert chat.messages[-2].text == "OK. I will write to you in English."
    assert label("en", "Quel âge avez-vous ?") in chat.last.text
    assert "Quel âge" not in chat.last.text
    await bot.restart()  # kept in SQLite
    chat = bot.chat()
    await chat.send("/aide")
    assert chat.last.text.startswith(label("en", "Voici ce que je sais faire :"))


async def test_an_english_speaker_files_in_english_and_staff_read_french(bot: Bot) -> None:
    chat = bot.chat(language_code="en-GB")
    await file_in(chat, "en")
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    assert application.state == "nouvelle"
    assert "Your application number" in "\n".join(chat.texts())
    card = bot.api.bot_messages(STAFF_ID)[-1]
    assert card.text.startswith("📋 Candidature IS-")
    assert "Langue : anglais" in card.text
    assert "Atelier bois" in card.text  # answers stored by id, shown in French
    # A staff member whose phone is in English still reads French.
    staff = Chat(bot.application, bot.api, user_id=STAFF_ID, first_name="Nadia", language_code="en")  # type: ignore[arg-type]
    await staff.tap("✅ Accepter")
    assert staff.buttons() == ["✅ Oui, accepter", "◀️ Retour"]
    before = len(chat.texts())
    await staff.tap("✅ Oui, accepter")
    told = chat.texts()[before:]
    assert told and told[0].startswith("🎉")
    assert [french for french in french_sentences("en") if french in "\n".join(told)] == []


async def test_two_candidates_in_two_languages_at_once_each_get_their_own(bot: Bot) -> None:
    english = bot.chat(CANDIDATE_ID, "Ann", language_code="en")
    chinese = bot.chat(CANDIDATE_ID + 1, "Li", language_code="zh")
    await asyncio.gather(english.send("/start"), chinese.send("/start"))
    en_script = tr("en", [*PROBABLE, ("tap", "Continuer"), NEEDS_SKIPPED])
    zh_script = tr("zh", [*PROBABLE, ("tap", "Continuer"), NEEDS_SKIPPED])
    for en_step, zh_step in zip(en_script, zh_script, strict=True):
        await asyncio.gather(play(english, [en_step]), play(chinese, [zh_step]))
    workshops = next(s for s in services(bot.application).dialogs.steps if s.kind == "multi")  # type: ignore[arg-type]
    with i18n.use("en"):
        assert _(workshops.text) in english.last.text
    with i18n.use("zh"):
        assert _(workshops.text) in chinese.last.text
    assert workshops.text not in english.last.text + chinese.last.text
    assert bot.store.language_of(CANDIDATE_ID) == "en"
    assert bot.store.language_of(CANDIDATE_ID + 1) == "zh"


async def test_a_reminder_arrives_in_the_persons_language(bot: Bot) -> None:
    slot = add_slot(bot, days=3)
    chat = bot.chat(language_code="en")
    await chat.send("/start")
    await play(chat, tr("en", PROBABLE))
    await chat.tap(label("en", "Continuer"))
    await play(chat, tr("en", AFTER_VERDICT)[:-1])  # up to the rendez-vous step
    with i18n.use("en"):
        await chat.tap(f"📅 {i18n.format_moment(slot.start)}")
    await chat.tap(label("en", SENT))
    booking = bot.store.active_booking_of(bot.store.applications_of(CANDIDATE_ID)[0].id)
    assert booking is not None
    before = len(chat.texts())
    bot.clock.now = slot.start - timedelta(hours=20)  # the evening before
    jobs = bot.application.job_queue.get_jobs_by_name(f"reminder:{booking.id}:veille")  # type: ignore[attr-defined]
    await jobs[0].run(bot.application)  # a job: no update of hers being processed
    reminder = chat.texts()[before:]
    assert len(reminder) == 1
    assert "Tuesday" in reminder[0] or "tomorrow" in reminder[0].lower()
    assert [french for french in french_sentences("en") if french in reminder[0]] == []
    assert "demain" not in reminder[0]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_whole_journey_shows_no_french_sentence(bot: Bot, language: str) -> None:
    chat = bot.chat(language_code=language)
    await file_in(chat, language)
    await chat.send("/statut")
    await chat.send("/aide")
    assert bot.store.applications_of(CANDIDATE_ID)[0].state == "nouvelle"
    shown = "\n".join(
        [m.text or "" for m in bot.api.bot_messages(CANDIDATE_ID)]
        + [b for m in bot.api.bot_messages(CANDIDATE_ID) for b in m.buttons()]
    )
    sentences = french_sentences(language)
    assert len(sentences) > 200  # the check itself checks something
    assert "J'accepte" not in chat.texts() and "Je n'ai pas compris" not in shown
    assert [french for french in sentences if french in shown] == []


def bot_welcome(bot: Bot) -> str:
    return str(bot.application.bot_data["tremplin"].dialogs.messages["welcome"])  # type: ignore[attr-defined]


def bot_first_question(bot: Bot) -> str:
    return str(bot.application.bot_data["tremplin"].dialogs.steps[0].text)  # type: ignore[attr-defined]


def test_check_reports_each_language_problem(tmp_path: Path) -> None:
    """`python -m bot check`, per language: a candidate's text not translated, placeholders
    that differ from the French, a button too long for a phone."""
    locales = tmp_path / "locales"
    shutil.copytree(PROJECT_ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    path = locales / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    catalog["Votre numéro de candidature : {reference}"].string = "Your number: {number}"
    catalog[
        "Je ne peux pas lire ce message. Répondez avec les boutons ou en écrivant, s'il vous plaît."
    ].string = ""
    catalog["Atelier bois"].string = "Woodworking workshop, with furniture and more"
    with path.open("wb") as handle:
        write_po(handle, catalog)
    result = _bot(tmp_path, "check", TREMPLIN_LOCALES=str(locales))
    assert result.returncode == 1
    problems = result.stdout.splitlines()
    assert any(
        line.startswith("locales/en: 'Votre numéro de candidature : {reference}': placeholders")
        for line in problems
    )
    assert any(
        line.startswith("locales/en: 'Je ne peux pas lire ce message.") and "not translated" in line
        for line in problems
    )
    assert any("button 'Woodworking workshop" in line for line in problems)
    assert not any(line.startswith("locales/ar") for line in problems)
