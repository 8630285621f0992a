"""/file: the queue, oldest first, paged with buttons, filtered by state, workshop, verdict
and referrer (buttons or typed words)."""

from __future__ import annotations

from localapi import Chat
from tests.conftest import STAFF_ID, Bot
from tests.journeys import A_CONFIRMER, PROBABLE, file_as, nadia

NAMES = ["Awa", "Binta", "Chloe", "Dina", "Emma", "Fanta", "Gina", "Hawa", "Ines", "Jade"]


async def fill(bot: Bot, count: int = 10) -> None:
    """`count` applications, an hour apart; every third one "à confirmer" and for metalwork."""
    for n, name in enumerate(NAMES[:count]):
        third = n % 3 == 2
        await file_as(
            bot,
            2000 + n,
            name,
            "Martin",
            eligibility=A_CONFIRMER if third else PROBABLE,
            workshops=("Métallerie",) if third else ("Atelier bois",),
        )
        bot.clock.advance(hours=1)


def listed(chat: Chat) -> list[str]:
    return [label.split(" · ")[1] for label in chat.last.buttons() if label.startswith("IS-")]


async def test_queue_is_oldest_first_and_paged(bot: Bot) -> None:
    await fill(bot)
    staff = nadia(bot)
    await staff.send("/file")
    text = staff.last.text
    assert "📂 La file : 10 candidature(s), page 1 sur 2" in text
    assert "Filtres : aucun (les candidatures ouvertes)" in text
    assert "1. IS-2026-0001 · Awa Martin · 🆕 nouvelle · reçue le lundi 2 mars 2026" in text
    assert listed(staff) == [f"{n} Martin" for n in NAMES[:8]]
    assert "Suivante ▶️" in staff.buttons() and "◀️ Précédente" not in staff.buttons()
    queue_message = staff.last.message_id
    await staff.tap("Suivante ▶️")
    assert staff.last.message_id == queue_message  # the same message, edited
    assert "page 2 sur 2" in staff.last.text
    assert listed(staff) == ["Ines Martin", "Jade Martin"]
    assert "9. IS-2026-0009" in staff.last.text
    await staff.tap("◀️ Précédente")
    assert "page 1 sur 2" in staff.last.text
    # An item opens its card, "à l'étude".
    await staff.tap("IS-2026-0002 · Binta Martin")
    assert staff.last.text.startswith("📋 Candidature IS-2026-0002 · Binta Martin")
    assert "👀 À l'étude par Nadia" in staff.last.text


async def test_queue_filters_by_buttons(bot: Bot) -> None:
    await fill(bot, 6)
    staff = nadia(bot)
    await staff.send("/file")
    await staff.tap("Atelier")
    assert staff.buttons()[:2] == ["Hôtel et restaurant", "Atelier bois"]
    await staff.tap("Métallerie")
    assert "2 candidature(s)" in staff.last.text
    assert "Filtres : atelier : Métallerie · candidatures ouvertes" in staff.last.text
    assert listed(staff) == ["Chloe Martin", "Fanta Martin"]
    await staff.tap("Résultat")
    await staff.tap("à confirmer")
    assert listed(staff) == ["Chloe Martin", "Fanta Martin"]
    await staff.tap("Résultat")
    await staff.tap("éligible probable")
    assert "Aucune candidature ici." in staff.last.text
    await staff.tap("✖️ Sans filtre")
    assert "6 candidature(s)" in staff.last.text
    # By state: decide one, then filter on its state.
    await staff.tap("IS-2026-0001 · Awa Martin")
    await staff.tap("⏸ Mettre en attente")
    await staff.tap("⏸ Oui, mettre en attente")
    await staff.send("/file")
    await staff.tap("État")
    await staff.tap("⏸ en attente")
    assert listed(staff) == ["Awa Martin"]
    await staff.tap("État")
    await staff.tap("Tous")
    assert "6 candidature(s)" in staff.last.text
    await staff.tap("État")
    await staff.tap("◀️ Retour")
    assert "6 candidature(s)" in staff.last.text


async def test_queue_shows_only_open_applications_unless_asked(bot: Bot) -> None:
    await fill(bot, 3)
    staff = nadia(bot)
    await staff.send("/dossier IS-2026-0002")
    await staff.tap("✅ Accepter")
    await staff.tap("✅ Oui, accepter")
    await staff.send("/file")
    assert listed(staff) == ["Awa Martin", "Chloe Martin"]
    await staff.send("/file acceptee")
    assert listed(staff) == ["Binta Martin"]
    await staff.send("/file nouvelle metallerie a_confirmer")
    assert listed(staff) == ["Chloe Martin"]
    assert "état : 🆕 nouvelle · atelier : Métallerie · résultat : à confirmer" in staff.last.text


async def test_queue_filter_by_referrer(bot: Bot) -> None:
    from tests.referrers.test_journey import file_through

    referrer = bot.store.add_referrer("PLIE Plaine Commune", "plie", None, actor="t")
    await file_as(bot, 2000, "Awa", "Martin")
    await file_through(bot, referrer, "Non", user_id=2001, first_name="Binta")
    staff = nadia(bot)
    await staff.send("/file")
    await staff.tap("Orienteur")
    assert staff.buttons()[0] == "PLIE Plaine Commune (1)"
    await staff.tap("PLIE Plaine Commune (1)")
    assert "orientée par : PLIE Plaine Commune" in staff.last.text
    assert listed(staff) == ["Binta Diallo"]
    await staff.send(f"/file {referrer.code}")
    assert listed(staff) == ["Binta Diallo"]


async def test_old_queue_message_and_forged_queue_buttons(bot: Bot) -> None:
    await fill(bot, 2)
    staff = nadia(bot)
    await staff.send("/file")
    message_id = staff.last.message_id
    for data in ("s:q:p999", "s:q:w-nowhere", "s:q:r-7", "s:q:s-brouillon"):
        await staff.tap_data(message_id, data)
    assert staff.alerts == ["Ce bouton n'est plus valable."] * 3
    assert "page 1 sur 1" in staff.last.text  # p999 shows the last page there is
    assert bot.api.unanswered_callbacks() == []
    assert bot.api.last(STAFF_ID).message_id == message_id


async def test_opening_a_card_from_the_queue_shows_it_once(bot: Bot) -> None:
    """#21.12: the card posted when the application came in and the one opened from /file
    were two identical copies in the same chat."""
    await file_as(bot, 2001, "Awa", "Diallo")
    staff = nadia(bot)
    assert [m.text.split("\n")[0] for m in bot.api.bot_messages(STAFF_ID)] == [
        "📋 Candidature IS-2026-0001 · Awa Diallo"
    ]
    await staff.send("/file")
    await staff.tap("IS-2026-0001 · Awa Diallo")
    cards = [m for m in bot.api.bot_messages(STAFF_ID) if m.text.startswith("📋 Candidature IS-")]
    assert len(cards) == 1  # one card in the chat, at the bottom, where she looks
    assert cards[0].message_id == staff.last.message_id
    assert "👀 À l'étude par Nadia" in staff.last.text
    # Opened again (from /file or /dossier): still one, and its buttons work.
    await staff.send("/dossier IS-2026-0001")
    await staff.send("/file")
    await staff.tap("IS-2026-0001 · Awa Diallo")
    cards = [m for m in bot.api.bot_messages(STAFF_ID) if m.text.startswith("📋 Candidature IS-")]
    assert len(cards) == 1
    await staff.tap("✅ Accepter")
    await staff.tap("✅ Oui, accepter")
    assert bot.store.applications_of(2001)[0].state == "acceptee"


async def test_an_old_copy_that_cannot_be_deleted_points_down(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")
    staff = nadia(bot)
    first = bot.api.bot_messages(STAFF_ID)[0].message_id
    bot.api.fail("deleteMessage", code=400, description="Bad Request: message can't be deleted")
    await staff.send("/dossier IS-2026-0001")
    old = next(m for m in bot.api.messages(STAFF_ID) if m.message_id == first)
    assert old.text == "📋 IS-2026-0001 : la fiche est plus bas."
    assert "Awa" not in old.text and old.buttons() == []
    assert staff.last.text.startswith("📋 Candidature IS-2026-0001 · Awa Diallo")
