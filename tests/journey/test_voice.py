"""Voice for people who cannot read (issue #15): staff record a message per language with
/voix; candidates hear it with "🔊 Écouter", or every message with "🔊 Lire à voix haute"."""

from __future__ import annotations

from bot.core.services import services
from bot.voice.rules import label_of
from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import AFTER_VERDICT, NEUTRAL_COMMAND, PAS_POUR_VOUS, PROBABLE, nadia, play


def labels(bot: Bot, key: str) -> str:
    return label_of(services(bot.application).dialogs, key)  # type: ignore[arg-type]


def first_step(bot: Bot) -> str:
    return services(bot.application).dialogs.steps[0].id  # type: ignore[arg-type]


def second_step(bot: Bot) -> str:
    return services(bot.application).dialogs.steps[1].id  # type: ignore[arg-type]


async def record(staff: Chat, bot: Bot, language: str, key: str) -> None:
    await staff.send("/voix")
    await staff.tap(language)
    await staff.tap(labels(bot, key))
    await staff.send_voice()


def voices_sent(bot: Bot, chat_id: int) -> list[str]:
    return [m.file_json["file_id"] for m in bot.api.bot_messages(chat_id) if m.kind == "voice"]


async def test_staff_record_a_question_and_a_candidate_hears_it(bot: Bot) -> None:
    staff = nadia(bot)
    await staff.send("/voix")
    assert staff.last.text.startswith("🎙 Voix : dans quelle langue enregistrez-vous ?")
    await staff.tap("English")
    assert "🎙 Voix en anglais : 0/38 messages enregistrés." in staff.last.text
    assert labels(bot, first_step(bot)) in staff.buttons()  # nothing recorded: no ✅
    await staff.tap(labels(bot, first_step(bot)))
    assert "Envoyez-moi un message vocal en anglais." in staff.last.text
    await staff.send_voice()
    assert staff.last.text.startswith("✅ Enregistré.")
    assert "✅ " + labels(bot, first_step(bot)) in staff.buttons()
    file_id = bot.store.voice_note(first_step(bot), "en")
    assert file_id is not None

    candidate = bot.chat(language_code="en")
    await candidate.send("/start")
    assert candidate.buttons()[0] == "🔊 Listen"
    step_before = bot.store.conversation(CANDIDATE_ID).step  # type: ignore[union-attr]
    await candidate.tap("🔊 Listen")
    assert voices_sent(bot, CANDIDATE_ID) == [file_id]
    assert bot.store.conversation(CANDIDATE_ID).step == step_before  # type: ignore[union-attr]
    # A French reader has no recording in French: no button.
    french = bot.chat(CANDIDATE_ID + 1)
    await french.send("/start")
    assert "🔊 Écouter" not in french.buttons()


async def test_a_new_recording_replaces_the_old_after_a_confirmation(bot: Bot) -> None:
    staff = nadia(bot)
    key = first_step(bot)
    await record(staff, bot, "Français", key)
    first = bot.store.voice_note(key, "fr")
    await staff.tap("✅ " + labels(bot, key))
    assert "Un enregistrement existe déjà" in staff.last.text
    await staff.send_voice()
    assert staff.last.text == "Remplacer l'enregistrement actuel par celui-ci ?"
    await staff.tap("Non, garder l'ancien")
    assert bot.store.voice_note(key, "fr") == first
    await staff.tap("✅ " + labels(bot, key))
    await staff.send_voice()
    await staff.tap("✅ Oui, remplacer")
    second = bot.store.voice_note(key, "fr")
    assert second not in (None, first)
    await staff.tap("✅ " + labels(bot, key))
    await staff.tap("🗑 Effacer")
    await staff.tap("🗑 Oui, effacer")
    assert bot.store.voice_note(key, "fr") is None
    assert staff.last.text.startswith("🗑 Effacé.")
    candidate = bot.chat()
    await candidate.send("/start")
    assert "🔊 Écouter" not in candidate.buttons()


async def test_read_aloud_sends_each_recorded_question_with_its_voice(bot: Bot) -> None:
    staff = nadia(bot)
    await record(staff, bot, "Français", "welcome")
    await record(staff, bot, "Français", second_step(bot))
    candidate = bot.chat()
    await candidate.send("/start")
    welcome = candidate.messages[-2]
    assert welcome.buttons() == ["🔊 Écouter", "🔊 Lire à voix haute"]
    await candidate.tap("🔊 Lire à voix haute")
    assert candidate.alerts[-1].startswith("D'accord. Chaque message arrive aussi")
    await candidate.tap("J'accepte")  # the next question is recorded: its voice follows
    assert voices_sent(bot, CANDIDATE_ID) == [bot.store.voice_note(second_step(bot), "fr")]
    assert candidate.messages[-2].text.endswith("Quel âge avez-vous ?")


async def test_a_server_that_refuses_voice_notes_changes_nothing_else(bot: Bot) -> None:
    staff = nadia(bot)
    await record(staff, bot, "Français", first_step(bot))
    candidate = bot.chat()
    await candidate.send("/start")
    bot.api.fail("sendVoice", times=None)
    await candidate.tap("🔊 Écouter")
    assert candidate.alerts[-1] == "Je ne peux pas envoyer le son. Le texte reste au-dessus."
    await candidate.tap("J'accepte")
    assert "Quel âge avez-vous ?" in candidate.last.text


async def test_voix_is_for_staff_in_their_private_chat(bot: Bot) -> None:
    stranger = bot.chat()
    await stranger.send("/voix")
    assert stranger.last.text == NEUTRAL_COMMAND
    assert bot.api.bot_messages(STAFF_ID) == []
    # A voice message from a candidate is not a recording.
    await stranger.send_voice()
    assert bot.store.recorded_keys("fr") == set()
    # /annuler stops a recording that is awaited.
    staff = nadia(bot)
    await staff.send("/voix")
    await staff.tap("Français")
    await staff.tap(labels(bot, first_step(bot)))
    await staff.send("/annuler")
    assert staff.last.text == "D'accord, c'est annulé."
    await staff.send_voice()
    assert staff.last.text == "Pour enregistrer une question, tapez /voix."
    assert bot.store.recorded_keys("fr") == set()


async def test_each_verdict_has_its_own_recording(bot: Bot) -> None:
    verdict_step = next(
        s.id for s in services(bot.application).dialogs.steps if s.kind == "verdict"
    )  # type: ignore[arg-type]
    staff = nadia(bot)
    await staff.send("/voix")
    await staff.tap("Français")
    # One line per verdict in the list, each with its own text.
    assert labels(bot, f"{verdict_step}.probable").startswith("Bonne nouvelle")
    assert labels(bot, f"{verdict_step}.pas_pour_vous") in staff.buttons()
    await staff.tap(labels(bot, f"{verdict_step}.probable"))
    await staff.send_voice()
    candidate = bot.chat()
    await candidate.send("/start")
    await play(candidate, PROBABLE)
    assert candidate.buttons()[0] == "🔊 Écouter"  # the verdict "probable" is recorded
    await candidate.tap("🔊 Écouter")
    assert voices_sent(bot, CANDIDATE_ID) == [
        bot.store.voice_note(f"{verdict_step}.probable", "fr")
    ]
    other = bot.chat(CANDIDATE_ID + 1)
    await other.send("/start")
    await play(other, PAS_POUR_VOUS)
    assert "🔊 Écouter" not in other.buttons()  # "pas pour vous" is not recorded


async def test_one_recording_is_enough_for_its_message_to_offer_it(bot: Bot) -> None:
    """No threshold: the Arabic consent alone, recorded, carries "🔊" for an Arabic reader;
    the messages not recorded in Arabic, and the French reader, carry none."""
    staff = nadia(bot)
    consent = first_step(bot)
    await record(staff, bot, "العربية", consent)
    assert bot.store.recorded_keys("ar") == {consent}
    await staff.send("/voix")
    assert "arabe 1/38" in staff.last.text and "français 0/38" in staff.last.text

    amina = bot.chat(language_code="ar")
    await amina.send("/start")
    welcome, question = amina.messages[-2], amina.messages[-1]
    listen = question.buttons()[0]
    assert listen.startswith("🔊") and listen != "🔊 Écouter"  # in Arabic
    # The welcome is not recorded in Arabic: no "listen" under it, only "read aloud".
    assert len(welcome.buttons()) == 1 and listen not in welcome.buttons()
    await amina.tap(listen)
    assert voices_sent(bot, CANDIDATE_ID) == [bot.store.voice_note(consent, "ar")]
    await amina.tap(question.buttons()[1])  # "J'accepte", in Arabic: the age question
    assert not any(b.startswith("🔊") for b in amina.last.buttons())

    french = bot.chat(CANDIDATE_ID + 1)
    await french.send("/start")
    assert not any(b.startswith("🔊") for m in french.messages for b in m.buttons())


async def test_voix_shows_coverage_and_the_most_heard_messages_first(bot: Bot) -> None:
    dialogs = services(bot.application).dialogs
    verdict = next(s.id for s in dialogs.steps if s.kind == "verdict")  # type: ignore[union-attr]
    staff = nadia(bot)
    await staff.send("/voix")
    assert "Déjà enregistrés : français 0/38, arabe 0/38" in staff.last.text
    await staff.tap("Français")
    assert staff.last.text.startswith("🎙 Voix en français : 0/38 messages enregistrés.")
    assert "En premier, les 10 messages que presque tout le monde entend" in staff.last.text
    first_ten = [
        "welcome",
        first_step(bot),
        f"{verdict}.probable",
        f"{verdict}.a_confirmer",
        f"{verdict}.pas_pour_vous",
        "filed",
        "age",
        "droit_travail",
        "accord_aides",
        "inscrit_ft",
    ]
    buttons = staff.buttons()
    assert buttons[:10] == [labels(bot, key) for key in first_ten]
    assert len(buttons) == 38 + 1  # every message once, then "◀️ Langues"
    assert labels(bot, "rsa") in buttons[10:]  # asked only after "oui": with the rest
    await staff.tap(labels(bot, "filed"))
    await staff.send_voice()
    assert "🎙 Voix en français : 1/38 messages enregistrés." in staff.last.text
    assert staff.buttons()[5] == "✅ " + labels(bot, "filed")
    await staff.tap("◀️ Langues")
    assert "français 1/38, arabe 0/38" in staff.last.text


async def test_the_phone_step_offers_its_recording_on_its_own_keyboard(bot: Bot) -> None:
    """The phone question has a reply keyboard ("Envoyer mon numéro"): "🔊 Écouter" is one of
    its keys, and a tap plays the recording without moving the journey."""
    staff = nadia(bot)
    await record(staff, bot, "Français", "telephone")
    candidate = bot.chat()
    await candidate.send("/start")
    await play(candidate, PROBABLE)
    await candidate.tap("Continuer")
    phone_at = AFTER_VERDICT.index(("contact", "+33612345678"))
    await play(candidate, AFTER_VERDICT[:phone_at])
    assert candidate.buttons()[-1] == "🔊 Écouter"
    await candidate.send("🔊 Écouter")  # what the key sends
    assert voices_sent(bot, CANDIDATE_ID) == [bot.store.voice_note("telephone", "fr")]
    assert bot.store.conversation(CANDIDATE_ID).step == "telephone"  # type: ignore[union-attr]
    await play(candidate, AFTER_VERDICT[phone_at:])
    assert bot.store.conversation(CANDIDATE_ID).step == "resume"  # type: ignore[union-attr]
