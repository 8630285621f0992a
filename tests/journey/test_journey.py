"""The candidate journey, end to end, through the real Application and the local Bot API."""

from __future__ import annotations

import json

from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import (
    A_CONFIRMER,
    AFTER_VERDICT,
    PAS_POUR_VOUS,
    PROBABLE,
    file_application,
    play,
    reach_summary,
)


async def test_start_shows_welcome_and_consent_in_french(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    texts = chat.texts()
    assert "Bonjour, je suis un robot : ici, c'est Initiatives Solidaires" in texts[-2]
    assert "Étape 1 sur 8 · Votre accord" in texts[-1]
    # The first question also offers the languages, each in its own name.
    assert chat.buttons() == [
        "J'accepte",
        "Non merci",
        *["✅ Français", "العربية", "বাংলা", "English", "தமிழ்", "中文"],
    ]
    # Nothing personal is kept before consent: no application yet.
    assert bot.store.active_application(CANDIDATE_ID) is None


async def test_probable_journey_files_one_application(bot: Bot) -> None:
    chat = bot.chat()
    await file_application(chat)
    assert "Votre candidature est enregistrée" in chat.texts()[-3]
    assert "IS-2026-0001" in chat.texts()[-3]
    assert "7 jours" in chat.texts()[-2]
    # No date booked (none open): what to bring, once, for the team's call (issue 21).
    assert chat.texts()[-1].startswith("À apporter quand l'équipe vous appellera :")
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None
    assert application.state == "nouvelle"
    assert application.reference == "IS-2026-0001"
    assert application.verdict == "probable"
    assert application.criteria == {"rsa": "rempli", "qpv": "a_verifier"}
    assert application.workshops == ["bois", "metallerie"]
    assert (application.first_name, application.last_name) == ("Awa", "Diallo")
    assert application.phone == "+33612345678"
    assert application.email is None
    assert application.sensitive_consent_at is not None
    # The level-2 questions were skipped: a level-1 criterion is enough.
    assert "diplome" not in application.answers
    # The conversation ended with the filing.
    assert bot.store.conversation(CANDIDATE_ID) is None


async def test_level1_skips_the_level2_questions(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE[:5])  # up to "RSA: Oui"
    assert "Êtes-vous inscrit ou inscrite à France Travail ?" in chat.last.text
    await chat.tap("Non")
    assert "Comment parlez-vous français ?" in chat.last.text


async def test_a_confirmer_verdict_is_explained(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, A_CONFIRMER)
    assert "Étape 3 sur 8" in chat.last.text
    # No counsellor (not registered, no referrer): the team checks it with her.
    assert "L'équipe vérifiera avec vous." in chat.last.text
    assert "conseiller" not in chat.last.text
    assert chat.buttons() == ["Continuer", "◀️ Retour"]
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT)
    await chat.tap("✅ Envoyer ma candidature")
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None and application.verdict == "a_confirmer"
    # She preferred not to answer the sensitive questions: those criteria are to check.
    skipped = dict.fromkeys(("rsa", "ass", "aah", "th", "justice"), "a_verifier")
    assert application.criteria == {"jeune": "rempli", **skipped, "qpv": "a_verifier"}


async def test_not_eligible_gets_contacts_and_can_be_contacted_anyway(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PAS_POUR_VOUS)
    text = chat.last.text
    assert "Ce travail n'est sans doute pas pour vous" in text
    assert "France Travail" in text and "3949" in text
    assert "95 boulevard Félix Faure" in text
    assert chat.buttons() == ["L'équipe peut m'appeler", "Non merci", "◀️ Retour"]
    # A call-back request (tests/journey/test_callback.py), never an application.
    await chat.tap("L'équipe peut m'appeler")
    await chat.send("Awa Diallo")
    await chat.share_contact(phone="+33612345678")
    await chat.tap("À tout moment")
    assert "L'équipe va vous appeler." in chat.last.text
    assert bot.store.active_application(CANDIDATE_ID) is None
    assert [a.state for a in bot.store.applications_of(CANDIDATE_ID)] == ["rappel"]


async def test_not_eligible_can_stop_kindly_and_nothing_is_kept(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PAS_POUR_VOUS)
    await chat.tap("Non merci")
    assert "Vos réponses sont effacées" in chat.last.text
    assert "95 boulevard Félix Faure" in chat.last.text
    assert bot.store.applications_of(CANDIDATE_ID) == []
    assert bot.store.conversation(CANDIDATE_ID) is None


async def test_declining_consent_keeps_nothing_and_gives_the_address(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("Non merci")
    assert "je ne garde rien" in chat.last.text
    assert "95 boulevard Félix Faure, 93300 Aubervilliers" in chat.last.text
    assert bot.store.applications_of(CANDIDATE_ID) == []


async def test_progress_line_and_back_button(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    assert "Étape 2 sur 8 · Votre situation" in chat.last.text
    await chat.tap("26 à 49 ans")
    assert "droit de travailler" in chat.last.text
    await chat.tap("◀️ Retour")
    assert "Quel âge avez-vous ?" in chat.last.text
    # The earlier answer is marked, and can be changed.
    assert "✓ 26 à 49 ans" in chat.buttons()
    await chat.tap("16 à 25 ans")
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and draft.answers["age"] == "16_25"


async def test_typed_text_where_a_button_is_expected_gets_a_reminder(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    await chat.send("bonjour")
    assert "Touchez un des boutons" in chat.texts()[-2]
    assert "Quel âge avez-vous ?" in chat.last.text
    assert "26 à 49 ans" in chat.buttons()


async def test_typing_a_button_label_counts_as_tapping_it(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.send("j'accepte")
    assert "Quel âge avez-vous ?" in chat.last.text


async def test_invalid_name_postcode_and_email_are_explained(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE[:-1])
    await chat.send("93 3")
    assert "5 chiffres" in chat.last.text
    await chat.send("93300")
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT[:5])
    await chat.send("Awa123")
    assert "seulement des lettres" in chat.last.text
    await chat.send("🙂🙂")
    assert "seulement des lettres" in chat.last.text
    await chat.send("x" * 5000)
    assert "Écrivez seulement votre prénom, sans phrase" in chat.last.text  # too long: a sentence
    await chat.send("Marie-José")
    await chat.send("N'Diaye")
    await chat.send("0612345678")
    await chat.send("pas une adresse")
    assert "e-mail ne semble pas juste" in chat.last.text
    await chat.send("awa@exemple.fr")
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None
    assert draft.answers["prenom"] == "Marie-José"
    assert draft.answers["nom"] == "N'Diaye"
    assert draft.answers["telephone"] == "+33612345678"
    assert draft.answers["email"] == "awa@exemple.fr"


async def test_contact_of_someone_else_is_refused(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT[:7])
    await chat.share_contact(phone="+33698765432", own=False)
    assert "n'est pas le vôtre" in chat.last.text
    await chat.send("12")
    assert "ne semble pas juste" in chat.last.text
    await chat.share_contact(phone="+33612345678")
    assert "Avez-vous une adresse e-mail" in chat.last.text
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and draft.answers["telephone"] == "+33612345678"


async def test_stickers_photos_voice_and_locations_get_a_kind_answer(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    for send in (chat.send_sticker, chat.send_photo, chat.send_voice):
        await send()
        assert "Je ne peux pas lire ce message" in chat.texts()[-2]
        assert "Quel âge avez-vous ?" in chat.last.text
    await chat.send_location(48.9, 2.38)
    assert "Quel âge avez-vous ?" in chat.last.text
    # The journey goes on.
    await chat.tap("26 à 49 ans")
    assert "droit de travailler" in chat.last.text


async def test_old_button_is_recognised_and_changes_nothing(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    consent = chat.last
    await chat.tap("J'accepte")
    await chat.tap("26 à 49 ans")
    # The consent question's button, pressed again from its old data.
    data = consent.callback_data("J'accepte") or "j:accord:oui"
    await chat.tap_data(consent.message_id, data)
    assert "plus valable" in chat.alerts[-1]
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and draft.answers == {"accord": "oui", "age": "26_49"}
    assert bot.store.conversation(CANDIDATE_ID).step == "droit_travail"  # type: ignore[union-attr]


async def test_forged_callbacks_are_answered_kindly(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    message_id = chat.last.message_id
    for data in ("j:age:plus_de_100", "zzz", "j:age", "c:nothing:yes", "j:inconnu:oui", "j::"):
        await chat.tap_data(message_id, data)
    assert len(chat.alerts) == 6
    assert all(alert for alert in chat.alerts)
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and "age" not in draft.answers


async def test_double_tap_on_send_files_exactly_once(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT)
    summary = chat.last
    send = summary.callback_data("✅ Envoyer ma candidature")
    assert send is not None
    await chat.tap_data(summary.message_id, send)
    await chat.tap_data(summary.message_id, send)
    assert "déjà enregistrée : IS-2026-0001" in chat.alerts[-1]
    assert len(bot.store.applications_of(CANDIDATE_ID)) == 1
    staff_notices = [m for m in bot.api.bot_messages(STAFF_ID) if "Nouvelle candidature" in m.text]
    assert len(staff_notices) == 1


async def test_second_start_shows_the_existing_application(bot: Bot) -> None:
    chat = bot.chat()
    await file_application(chat)
    await chat.send("/start")
    assert "Vous avez déjà une candidature" in chat.last.text
    assert "IS-2026-0001" in chat.last.text
    assert len(bot.store.applications_of(CANDIDATE_ID)) == 1


async def test_summary_modify_a_part_then_send(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT)
    assert "Étape 8 sur 8" in chat.last.text
    assert "1. Atelier bois, 2. Métallerie" in chat.last.text
    await chat.tap("Modifier : Les ateliers")
    await chat.tap("✅ 1. Atelier bois")  # remove wood: metal becomes the first choice
    await chat.tap("Stockage")
    await chat.tap("Valider mes choix")
    # Back to the summary directly after the part.
    assert "Vérifiez vos réponses" in chat.last.text
    assert "1. Métallerie, 2. Stockage" in chat.last.text
    await chat.tap("Modifier : Vos coordonnées")
    assert "Que voulez-vous changer ?" in chat.last.text
    assert "• Quel est votre prénom ? Awa" in chat.last.text
    await chat.tap("✏️ Quel est votre prénom ?")
    await chat.send("Aminata")
    # One answer changed: straight back to the summary.
    assert "Vérifiez vos réponses" in chat.last.text
    await chat.tap("✅ Envoyer ma candidature")
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None
    assert application.workshops == ["metallerie", "stockage"]
    assert application.first_name == "Aminata"


async def test_modifying_the_situation_shows_the_new_verdict(bot: Bot) -> None:
    chat = bot.chat()
    await reach_summary(chat)
    await chat.tap("Modifier : Votre situation")
    await chat.tap("✏️ Recevez-vous le RSA ?")
    assert "✓ Oui" in chat.buttons()  # the earlier answer is marked
    await chat.tap("Non")
    # No RSA any more: the questions that were skipped are asked now, then the new result.
    assert "Recevez-vous l'ASS ?" in chat.last.text


async def test_changing_one_answer_from_the_summary_takes_four_taps(bot: Bot) -> None:
    """Before: "Modifier : Votre situation" walked every question of the part (14 taps)."""
    chat = bot.chat()
    await reach_summary(chat)
    taps = 0
    for label in (
        "Modifier : Votre situation",
        "✏️ Venir à Aubervilliers",
        "C'est difficile",
    ):
        await chat.tap(label)
        taps += 1
    # A situation answer may change the result: it is shown again, one tap goes on.
    assert "Étape 3 sur 8 · Le résultat" in chat.last.text
    await chat.tap("Continuer")
    taps += 1
    assert "Vérifiez vos réponses" in chat.last.text
    assert "C'est difficile" in chat.last.text
    assert taps == 4
    # "Retour au résumé" from a part's list changes nothing.
    await chat.tap("Modifier : Vos coordonnées")
    await chat.tap("◀️ Retour au résumé")
    assert "Vérifiez vos réponses" in chat.last.text


async def test_text_at_the_summary_gets_a_short_answer(bot: Bot) -> None:
    chat = bot.chat()
    await reach_summary(chat)
    before = len(chat.texts())
    await chat.send("c'est bon ?")
    assert chat.texts()[before:] == [
        "Je n'ai pas compris. Touchez un bouton du message au-dessus, s'il vous plaît."
    ]
    await chat.tap("🔁 Revoir le message")
    assert "Vérifiez vos réponses" in chat.last.text


async def test_workshops_need_at_least_one_choice(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await chat.tap("Je préfère passer")  # the needs question
    assert "Valider mes choix" not in chat.buttons()
    await chat.tap("Stockage")
    await chat.tap("✅ 1. Stockage")
    assert "Valider mes choix" not in chat.buttons()
    assert "Hôtel et restaurant" in chat.last.text
    assert "Fabriquer des meubles" in chat.last.text


async def test_resume_after_a_restart_on_the_same_database(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE[:4])
    question = chat.last
    await bot.restart()
    chat = bot.chat()
    # A button of the message shown before the restart still works.
    await chat.tap("Oui")
    assert "Êtes-vous inscrit ou inscrite à France Travail ?" in chat.last.text
    await bot.restart()
    chat = bot.chat()
    await chat.send("/start")
    assert "On reprend où vous en étiez" in chat.texts()[-2]
    assert "Êtes-vous inscrit ou inscrite à France Travail ?" in chat.last.text
    await play(chat, PROBABLE[5:])
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT)
    await chat.tap("✅ Envoyer ma candidature")
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None and application.state == "nouvelle"
    assert application.answers["rsa"] == "oui"
    assert question.message_id > 0


async def test_restart_command_asks_then_starts_over(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE[:3])
    await chat.send("/recommencer")
    assert chat.buttons() == ["Oui, recommencer", "Non, je garde tout"]
    await chat.tap("Non, je garde tout")
    assert bot.store.active_application(CANDIDATE_ID) is not None
    await chat.send("/recommencer")
    await chat.tap("Oui, recommencer")
    assert "Étape 1 sur 8" in chat.last.text
    assert bot.store.applications_of(CANDIDATE_ID) == []


async def test_status_withdraw_and_staff_told(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/statut")
    assert "Vous n'avez pas de candidature" in chat.last.text
    await file_application(chat)
    await chat.send("/statut")
    assert "IS-2026-0001 est enregistrée" in chat.last.text
    await chat.send("/retirer")
    await chat.tap("Oui, je la retire")
    assert "Votre candidature est retirée" in chat.last.text
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    assert application.state == "annulee"
    assert any("retirée" in m.text for m in bot.api.bot_messages(STAFF_ID))
    events = [(e["from_state"], e["to_state"]) for e in bot.store.events(application.id)]
    assert ("nouvelle", "annulee") in events
    await chat.send("/statut")
    assert "Vous avez retiré votre candidature IS-2026-0001" in chat.last.text


async def test_my_data_sends_everything_kept_as_a_file(bot: Bot) -> None:
    chat = bot.chat()
    await file_application(chat)
    await chat.send("/mesdonnees")
    document = chat.last
    assert document.kind == "document"
    assert document.filename == "mes-donnees-tremplin.json"
    data = json.loads(document.data or b"{}")
    application = data["Candidatures"][0]
    assert application["Prénom"] == "Awa"
    assert application["Téléphone"] == "+33612345678"
    assert application["Référence"] == "IS-2026-0001"
    assert application["État"] == "envoyée, pas encore lue"
    assert application["Ateliers choisis"] == "1. Atelier bois, 2. Métallerie"
    # The questions and the answers as the person saw them, never internal codes.
    answers = {a["Question"]: a["Votre réponse"] for a in application["Vos réponses"]}
    assert answers["Quel âge avez-vous ?"] == "26 à 49 ans"
    assert answers["Recevez-vous le RSA ?"] == "Oui"
    assert application["Critères"]["Bénéficiaire du RSA"] == "oui, d'après vos réponses"
    assert application["Résultat des questions"] == "vous pouvez sans doute avoir ce travail"
    assert [e["Ce qui s'est passé"] for e in application["Historique"]] == [
        "Vous avez donné votre accord",
        "Vous avez envoyé la candidature",
    ]
    assert "2026" in application["Envoyée le"]
    text = document.data.decode() if document.data else ""
    for code in ("26_49", "nsp", "a_verifier", "rempli", "first_name", "nouvelle", "probable"):
        assert f'"{code}"' not in text, code


async def test_my_data_words_a_name_that_waits_for_a_yes(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT[:5])
    await chat.send("Je m'appelle Karim")
    await chat.send("/mesdonnees")
    data = json.loads(chat.last.data or b"{}")
    draft = data["Candidatures"][0]
    assert draft["État"] == "pas encore envoyée"
    assert draft["Référence"] == "pas encore donnée"
    assert data["Vous"]["Question en cours"] == "Quel est votre prénom ?"
    answers = {a["Question"]: a["Votre réponse"] for a in draft["Vos réponses"]}
    assert answers["Quel est votre prénom ?"] == "Karim (pas encore confirmé)"
    assert "_name_offer" not in (chat.last.data or b"").decode()


async def test_my_data_falls_back_to_text_when_documents_are_refused(bot: Bot) -> None:
    chat = bot.chat()
    await file_application(chat)
    bot.api.fail("sendDocument", code=400, description="Bad Request: method not supported")
    await chat.send("/mesdonnees")
    assert "IS-2026-0001" in chat.last.text


async def test_erase_removes_everything_but_an_anonymous_trace(bot: Bot) -> None:
    chat = bot.chat()
    await file_application(chat)
    await chat.send("/supprimer")
    await chat.tap("Oui, tout effacer")
    assert "Toutes vos données sont effacées" in chat.last.text
    assert bot.store.applications_of(CANDIDATE_ID) == []
    assert bot.store.conversation(CANDIDATE_ID) is None
    assert bot.store.export_user(CANDIDATE_ID)["utilisateur"] is None
    events = bot.store.events()
    assert events and all(e["application_id"] is None and e["note"] is None for e in events)
    assert any(e["action"] == "erased" for e in events)
    await chat.send("/start")
    assert "Étape 1 sur 8" in chat.last.text


async def test_draft_nudged_once_after_a_day_then_deleted_after_30_days(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE[:3])
    sweep = bot.application.job_queue.get_jobs_by_name("drafts")[0]  # type: ignore[attr-defined]
    bot.clock.advance(hours=23)
    await sweep.run(bot.application)
    assert "pas finie" not in chat.last.text
    bot.clock.advance(hours=2)
    await sweep.run(bot.application)
    assert "Votre candidature n'est pas finie" in chat.last.text
    await sweep.run(bot.application)
    nudges = [m for m in bot.api.bot_messages(CANDIDATE_ID) if "pas finie" in m.text]
    assert len(nudges) == 1
    await chat.tap("Continuer")
    assert "droit de travailler" not in chat.last.text or "Étape 2" in chat.last.text
    bot.clock.advance(days=31)
    await sweep.run(bot.application)
    assert bot.store.applications_of(CANDIDATE_ID) == []
    assert bot.store.conversation(CANDIDATE_ID) is None


async def test_no_nudge_after_declining(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("Non merci")
    sweep = bot.application.job_queue.get_jobs_by_name("drafts")[0]  # type: ignore[attr-defined]
    bot.clock.advance(hours=30)
    await sweep.run(bot.application)
    assert not [m for m in bot.api.bot_messages(CANDIDATE_ID) if "pas finie" in m.text]


async def test_help_lists_every_candidate_command(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/aide")
    for command in ("/start", "/statut", "/recommencer", "/retirer", "/mesdonnees", "/supprimer"):
        assert command in chat.last.text


async def test_unknown_command_and_text_before_start(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("bonjour")
    assert "touchez /start" in chat.last.text
    await chat.send("/nimportequoi")
    assert "Je ne connais pas cette commande" in chat.last.text


async def test_an_answer_whose_new_question_never_arrived_can_be_tapped_again(bot: Bot) -> None:
    """The edit showing the next question is lost on the network: she still sees the old
    question, taps it again, and gets the question she is at (never a message without
    buttons)."""
    chat = bot.chat()
    chat.raise_errors = False  # the lost edit fails the handler, as on the network
    await chat.send("/start")
    await chat.tap("J'accepte")
    bot.api.network_faults["editmessagetext"] = 1
    await chat.tap("26 à 49 ans")
    assert not any("droit de travailler" in text for text in chat.texts())
    assert "un problème" in chat.last.text  # the old question stays on screen above it
    await chat.tap("26 à 49 ans")
    assert "plus valable" in chat.alerts[-1]
    assert any("droit de travailler" in text for text in chat.texts())
    await chat.tap("Oui")
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and draft.answers["age"] == "26_49"
    assert draft.answers["droit_travail"] == "oui"
