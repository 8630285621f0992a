"""Staff cards: delivered when an application is filed (group or privately), opened with
/dossier (then "à l'étude par …"), found with /cherche, and the staff command menu."""

from __future__ import annotations

from pathlib import Path

from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot, Clock, make_settings
from tests.journeys import OTHER_STAFF_ID, file_application, file_as, nadia

GROUP = -100123


async def test_card_goes_to_each_staff_member_privately_with_everything(bot: Bot) -> None:
    await file_application(bot.chat())
    card = bot.api.last(STAFF_ID)
    text = card.text
    assert text.startswith("📋 Candidature IS-2026-0001 · Awa Diallo")
    assert "🆕 Nouvelle candidature" in text
    assert "Reçue le lundi 2 mars à 10 h" in text  # 9 h UTC, in Paris
    assert "Résultat du questionnaire : éligible probable" in text
    assert "✅ Bénéficiaire du RSA (déclaré)" in text
    assert "❓ Résident d'un quartier prioritaire (QPV) ou d'une ZRR (à vérifier)" in text
    assert "Ateliers : 1. Atelier bois, 2. Métallerie" in text
    assert "Âge : 26 à 49 ans" in text
    assert "Quand commencer : Tout de suite" in text
    assert "Mobilité : Oui" in text
    assert "Orientée par : sans orienteur" in text
    assert "📞 06 12 34 56 78" in text
    assert card.buttons() == [
        "📅 Convoquer à un entretien",
        "✅ Accepter",
        "❌ Refuser",
        "⏸ Mettre en attente",
        "📝 Ajouter une note",
        "📄 Justificatif vu : RSA",
        "📄 Justificatif vu : QPV",
    ]
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None
    assert bot.store.cards(application.id) == [(STAFF_ID, card.message_id)]


async def test_card_goes_to_the_staff_group_when_one_is_set(tmp_path: Path) -> None:
    from localapi import LocalBotApi
    from tests.conftest import Bot as Harness

    settings = make_settings(
        tmp_path,
        TREMPLIN_STAFF_CHAT_ID=str(GROUP),
        TREMPLIN_STAFF_IDS=f"{STAFF_ID},{OTHER_STAFF_ID}",
    )
    harness = Harness(settings=settings, api=LocalBotApi(), clock=Clock())
    harness.api.known_chat(GROUP, chat_type="supergroup", title="Équipe")
    await harness.start()
    try:
        await file_application(harness.chat())
        cards = harness.api.bot_messages(GROUP)
        assert len(cards) == 1 and "IS-2026-0001" in cards[0].text
        assert harness.api.bot_messages(STAFF_ID) == []  # not privately as well
        # Staff press the group card's buttons: the presser is checked, not the chat.
        karim = Chat(
            harness.application,  # type: ignore[arg-type]
            harness.api,
            user_id=OTHER_STAFF_ID,
            first_name="Karim",
            chat_id=GROUP,
            chat_type="supergroup",
            title="Équipe",
        )
        await karim.tap("⏸ Mettre en attente")
        assert "👀 À l'étude par Karim" in harness.api.last(GROUP).text
        await karim.tap("⏸ Oui, mettre en attente")
        card = harness.api.bot_messages(GROUP)[0]
        assert "⏸ En attente, décidé par Karim le lundi 2 mars à 10 h." in card.text
        assert any("Il n'y a pas de place" in t for t in harness.chat().texts())
        # A group member who is not staff: the neutral answer, nothing changes.
        stranger = Chat(
            harness.application,  # type: ignore[arg-type]
            harness.api,
            user_id=5555,
            first_name="Intrus",
            chat_id=GROUP,
            chat_type="supergroup",
            title="Équipe",
        )
        await stranger.tap("📝 Ajouter une note")
        assert stranger.alerts == ["Ce bouton n'est plus valable."]
        await stranger.send("/file")
        assert len(harness.api.bot_messages(GROUP)) == 1  # a group stays quiet
        # A note typed in the group: the bot asks for a reply (it only reads replies there).
        await karim.tap("📝 Ajouter une note")
        prompt = harness.api.last(GROUP)
        assert prompt.text.startswith("Karim, 📝 Écrivez la note pour IS-2026-0001")
        assert (prompt.reply_markup or {}).get("force_reply") is True
        await karim.send("Vu au téléphone", reply_to=prompt.message_id)
        assert "📝 Note ajoutée à IS-2026-0001." in harness.api.last(GROUP).text
        assert "Karim : Vu au téléphone" in harness.api.bot_messages(GROUP)[0].text
        # Staff commands work in the staff group too.
        await karim.send("/file en_attente")
        assert "1 candidature(s)" in harness.api.last(GROUP).text
    finally:
        await harness.stop()


async def test_dossier_opens_the_card_and_marks_it_under_review(bot: Bot) -> None:
    await file_application(bot.chat())
    first_card = bot.api.last(STAFF_ID)
    bot.clock.advance(hours=1)
    staff = nadia(bot)
    await staff.send("/dossier is-2026-0001")
    opened = staff.last
    assert opened.message_id != first_card.message_id
    assert "👀 À l'étude par Nadia depuis le lundi 2 mars à 11 h." in opened.text
    # The first card was edited in place to say so too.
    assert "👀 À l'étude par Nadia" in bot.api.bot_messages(STAFF_ID)[0].text
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None and application.state == "a_l_etude"
    events = [
        (e["actor"], e["from_state"], e["to_state"]) for e in bot.store.events(application.id)
    ]
    assert (f"staff:{STAFF_ID}", "nouvelle", "a_l_etude") in events
    # Opening again changes nothing (still Nadia's).
    await bot.chat(OTHER_STAFF_ID, "Karim").send("/dossier IS-2026-0001")
    assert bot.store.review(application.id).claimed_by_name == "Nadia"


async def test_dossier_unknown_reference_and_missing_argument(bot: Bot) -> None:
    staff = nadia(bot)
    await staff.send("/dossier")
    assert "Écrivez le numéro après /dossier" in staff.last.text
    await staff.send("/dossier IS-2099-9999")
    assert "Je ne trouve pas la candidature IS-2099-9999" in staff.last.text


async def test_search_by_name_lists_matches_with_buttons(bot: Bot) -> None:
    await file_as(bot, 1001, "Awa", "Diallo")
    await file_as(bot, 1002, "Binta", "Camara")
    await file_as(bot, 1003, "Moussa", "Diallo")
    staff = nadia(bot)
    await staff.send("/cherche diallo")
    assert "🔎 2 résultat(s) pour « diallo »" in staff.last.text
    assert staff.buttons() == ["IS-2026-0003 · Moussa Diallo", "IS-2026-0001 · Awa Diallo"]
    await staff.tap("IS-2026-0003 · Moussa Diallo")
    assert staff.last.text.startswith("📋 Candidature IS-2026-0003 · Moussa Diallo")
    await staff.send("/cherche awa diallo")
    assert staff.buttons() == ["IS-2026-0001 · Awa Diallo"]
    await staff.send("/cherche Zorro")
    assert "Aucune candidature ne correspond à « Zorro »" in staff.last.text
    await staff.send("/cherche")
    assert "Écrivez un nom après /cherche" in staff.last.text
    await staff.send("/cherche %_")  # LIKE wildcards are taken literally
    assert "Aucune candidature" in staff.last.text


async def test_staff_menu_is_set_for_staff_chats_only(bot: Bot) -> None:
    key = bot.api.commands_key({"type": "chat", "chat_id": STAFF_ID})
    names = [c["command"] for c in bot.api.commands[key]]
    assert names[:6] == ["file", "dossier", "cherche", "export", "stats", "aide"]
    assert "orienteurs" in names  # another feature's staff command joins the same menu
    # The candidates' menu (all private chats) has no staff command.
    everyone = [
        c["command"] for c in bot.api.commands[bot.api.commands_key({"type": "all_private_chats"})]
    ]
    assert "file" not in everyone and "export" not in everyone


async def test_staff_help_lists_staff_commands(bot: Bot) -> None:
    staff = nadia(bot)
    await staff.send("/aide")
    assert "Les commandes de l'équipe" in staff.last.text
    assert "/file" in staff.last.text and "/annuler" in staff.last.text
    candidate = bot.chat()
    await candidate.send("/aide")
    assert "/file" not in candidate.last.text


async def test_card_shows_the_referrer_name(bot: Bot) -> None:
    from tests.referrers.test_journey import file_through

    referrer = bot.store.add_referrer(
        "France Travail Aubervilliers", "france_travail", None, actor="t"
    )
    await file_through(bot, referrer, "Non")
    card = bot.api.last(STAFF_ID)
    assert "Orientée par : France Travail Aubervilliers" in card.text
    assert referrer.code not in card.text  # the name, not the raw code
