"""Staff and referrers in Telegram: /orienteurs lists, adds through a dialogue, sends the link
and its QR code; deletes. Anyone else gets the neutral answer and changes nothing."""

from __future__ import annotations

import re

from bot.referrers import qr
from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import file_application
from tests.referrers.test_journey import file_through

NEUTRAL = "Je ne connais pas cette commande. Tapez /aide pour voir ce que je sais faire."
LINK = re.compile(r"https://t\.me/tremplin_test_bot\?start=([A-Za-z0-9_-]+)")


async def add_through_dialogue(
    staff: Chat, name: str = "Mission locale d'Aubervilliers", contact: str | None = None
) -> None:
    await staff.send("/orienteurs")
    await staff.tap("➕ Ajouter un orienteur")
    await staff.send(name)
    await staff.tap("Mission locale")
    if contact is None:
        await staff.tap("Passer")
    else:
        await staff.send(contact)


async def test_staff_add_a_referrer_and_get_its_link_and_qr_code(bot: Bot) -> None:
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    assert "Aucun orienteur pour le moment" in staff.last.text
    await staff.tap("➕ Ajouter un orienteur")
    assert "Le nom de l'orienteur ?" in staff.last.text
    await staff.send("Mission locale d'Aubervilliers")
    assert "quelle sorte d'orienteur" in staff.last.text
    assert "France Travail" in staff.buttons() and "Autre" in staff.buttons()
    await staff.tap("Mission locale")
    assert "Un contact chez l'orienteur" in staff.last.text
    shown = await staff.send("Mme Benali, 01 48 11 22 33")
    referrer = bot.store.referrers()[0]
    assert (referrer.name, referrer.kind, referrer.contact) == (
        "Mission locale d'Aubervilliers",
        "mission_locale",
        "Mme Benali, 01 48 11 22 33",
    )
    card, link_message, photo = shown[-3:]
    assert "✅ Orienteur ajouté." in card.text and "Sorte : Mission locale" in card.text
    match = LINK.search(link_message.text)
    assert match and match.group(1) == referrer.code
    assert photo.kind == "photo" and photo.data is not None
    assert qr.read_matrix(photo.data) == qr.matrix(match.group(0))


async def test_the_list_shows_what_became_of_the_people_each_referrer_sent(bot: Bot) -> None:
    referrer = bot.store.add_referrer(
        "France Travail Aubervilliers", "france_travail", None, actor="t"
    )
    await file_application(bot.chat(CANDIDATE_ID))  # came on their own
    await file_through(bot, referrer, "Oui", user_id=1002, first_name="Binta")
    await file_through(bot, referrer, "Non", user_id=1003, first_name="Chloé")
    await bot.chat(1004, "Dina").send(f"/start {referrer.code}")  # not filed: not counted
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    assert "🤝 Orienteurs : 1" in staff.last.text
    assert (
        "France Travail Aubervilliers (France Travail) : candidatures 2, suivies 1"
        in staff.last.text
    )
    await staff.tap("France Travail Aubervilliers")
    assert "Candidatures envoyées : 2 (suivies par l'orienteur : 1)" in staff.last.text
    assert f"start={referrer.code}" in staff.last.text
    assert "Compte Telegram relié : non" in staff.last.text


async def test_qr_button_sends_the_link_and_a_photo_whose_matrix_is_the_link(bot: Bot) -> None:
    referrer = bot.store.add_referrer("PLIE Plaine Commune", "plie", None, actor="t")
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    await staff.tap("PLIE Plaine Commune")
    shown = await staff.tap("📷 Lien et QR code")
    link = f"https://t.me/tremplin_test_bot?start={referrer.code}"
    assert link in shown[-2].text
    assert shown[-1].kind == "photo" and link in shown[-1].text
    assert qr.read_matrix(shown[-1].data or b"") == qr.matrix(link)


async def test_a_server_refusing_photos_still_gets_the_link(bot: Bot) -> None:
    referrer = bot.store.add_referrer("PLIE Plaine Commune", "plie", None, actor="t")
    bot.api.fail("sendPhoto", code=400, description="Bad Request: method not supported", times=1)
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    await staff.tap("PLIE Plaine Commune")
    shown = await staff.tap("📷 Lien et QR code")
    assert f"start={referrer.code}" in shown[-2].text
    assert "Je n'ai pas pu envoyer l'image du QR code" in shown[-1].text
    assert f"referrers show {referrer.code} --qr" in shown[-1].text


async def test_the_username_setting_wins_over_getme(bot: Bot, tmp_path) -> None:
    from tests.conftest import make_settings

    bot.settings = make_settings(tmp_path, TREMPLIN_BOT_USERNAME="@Tremplin_IS_bot")
    await bot.restart()
    referrer = bot.store.add_referrer("PLIE Plaine Commune", "plie", None, actor="t")
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    await staff.tap("PLIE Plaine Commune")
    assert f"https://t.me/Tremplin_IS_bot?start={referrer.code}" in staff.last.text


async def test_bad_input_in_the_dialogue_is_answered_and_nothing_is_lost(bot: Bot) -> None:
    bot.store.add_referrer("Mission locale d'Aubervilliers", "mission_locale", None, actor="t")
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    await staff.tap("➕ Ajouter un orienteur")
    await staff.send("x" * 5000)
    assert "Le nom doit faire de 2 à 100 caractères" in staff.last.text
    await staff.send("mission locale d'aubervilliers")
    assert "Un orienteur porte déjà ce nom" in staff.last.text
    await bot.restart()  # the dialogue is in SQLite: it goes on after a restart
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("Cap emploi 93")
    await staff.send("euh")  # text where a kind button is expected
    assert "Touchez une des sortes d'orienteur" in staff.last.text
    await staff.tap("Cap emploi")
    await staff.send("y" * 5000)
    assert "Le contact fait 200 caractères au plus" in staff.last.text
    await staff.send("contact@capemploi93.fr")
    names = sorted(r.name for r in bot.store.referrers())
    assert names == ["Cap emploi 93", "Mission locale d'Aubervilliers"]


async def test_old_buttons_double_taps_and_forged_data_change_nothing(bot: Bot) -> None:
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    await staff.tap("➕ Ajouter un orienteur")
    await staff.send("Secours populaire")
    kind_message = staff.last.message_id
    await staff.tap("Association partenaire")
    # The kind buttons are old now: tapping one again changes nothing.
    await staff.tap_data(kind_message, "r:kind:plie")
    assert staff.alerts[-1] == "Ce bouton n'est plus valable."
    passer = bot.api.find_button(STAFF_ID, "Passer")
    await staff.tap("Passer")
    await staff.tap_data(*passer)  # a double tap
    assert len(bot.store.referrers()) == 1
    assert bot.store.referrers()[0].kind == "association"
    for forged in ("r:999:show", "r:kind:inconnu", "r:x:y", "r:abc", "r:1:fly", "r:list:zzz"):
        await staff.tap_data(kind_message, forged)
        assert staff.alerts[-1] == "Ce bouton n'est plus valable."
    assert len(bot.store.referrers()) == 1


async def test_cancel_the_dialogue(bot: Bot) -> None:
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    await staff.tap("➕ Ajouter un orienteur")
    await staff.send("Secours populaire")
    await staff.tap("Annuler")
    assert "c'est annulé" in staff.last.text
    await staff.send("/orienteurs")
    assert "Aucun orienteur" in staff.last.text
    await staff.tap("➕ Ajouter un orienteur")
    await staff.send("/annuler")
    assert bot.store.staff_input(STAFF_ID) is None
    assert bot.store.referrers() == []


async def test_delete_after_a_confirmation_once(bot: Bot) -> None:
    referrer = bot.store.add_referrer("PLIE Plaine Commune", "plie", None, actor="t")
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    await staff.tap("PLIE Plaine Commune")
    await staff.tap("🗑 Supprimer")
    assert "Supprimer PLIE Plaine Commune ?" in staff.last.text
    await staff.tap("Non")
    assert "Sorte : PLIE" in staff.last.text
    await staff.tap("🗑 Supprimer")
    confirm = bot.api.find_button(STAFF_ID, "Oui, supprimer")
    await staff.tap("Oui, supprimer")
    assert "🗑 PLIE Plaine Commune est supprimé." in staff.last.text
    await staff.tap_data(*confirm)  # double tap
    assert staff.alerts[-1] == "Cet orienteur a été supprimé."
    assert bot.store.referrer_by_code(referrer.code) is None
    deleted = [e for e in bot.store.events() if e["action"] == "referrer_deleted"]
    assert len(deleted) == 1 and deleted[0]["actor"] == f"staff:{STAFF_ID}"
    await staff.send("/orienteurs")
    assert "Aucun orienteur" in staff.last.text


async def test_non_staff_get_the_neutral_answer_and_see_nothing(bot: Bot) -> None:
    referrer = bot.store.add_referrer("PLIE Plaine Commune", "plie", None, actor="t")
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    message_id, data = bot.api.find_button(STAFF_ID, "PLIE Plaine Commune")
    stranger = bot.chat(CANDIDATE_ID, "Awa")
    await stranger.send("/orienteurs")
    assert stranger.last.text == NEUTRAL
    await stranger.tap_data(message_id, data)
    await stranger.tap_data(message_id, f"r:{referrer.id}:delyes")
    await stranger.tap_data(message_id, "r:add:new")
    assert stranger.alerts == ["Ce bouton n'est plus valable."] * 3
    assert bot.store.referrer_by_code(referrer.code) is not None
    assert bot.store.staff_input(CANDIDATE_ID) is None
    assert all("PLIE" not in t for t in stranger.texts())


async def test_orienteurs_is_in_the_staff_menu(bot: Bot) -> None:
    menus = [
        commands
        for key, commands in bot.api.commands.items()
        if str(STAFF_ID) in key and "chat" in key
    ]
    assert menus and any(c["command"] == "orienteurs" for c in menus[0])


async def test_a_long_list_fits_in_one_message(bot: Bot) -> None:
    for number in range(45):
        name = f"Association numéro {number:02d} " + "très longue " * 6
        bot.store.add_referrer(name.strip(), "association", None, actor="t")
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    assert "🤝 Orienteurs : 45" in staff.last.text
    assert "python -m bot referrers list" in staff.last.text
    assert len(staff.last.text) <= 4096
    assert len(staff.buttons()) == 41  # 40 referrers, then "Ajouter"
    await staff.tap(staff.buttons()[0])
    assert "Sorte : Association partenaire" in staff.last.text
