"""Names written in another script (#21.10): kept as written, with a Latin form beside them
for staff (card, queue, /cherche, export); the candidate confirms the Latin spelling only
when it is uncertain, and may write it herself or pass."""

from __future__ import annotations

import io

import openpyxl

from localapi import Chat
from tests.conftest import STAFF_ID, Bot
from tests.journeys import PROBABLE, add_slot, label, nadia, play

QUESTION = "Pour l'équipe, votre nom en lettres latines :"


async def reach_names(bot: Bot, user_id: int, first_name: str, last_name: str) -> Chat:
    """A candidate walks the journey and types her names (in her own script)."""
    chat = bot.chat(user_id, "Amina")
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await chat.tap("Je préfère passer")  # the needs question
    await chat.tap("Atelier bois")
    await chat.tap("Valider mes choix")
    await chat.tap("Tout de suite")
    await chat.send(first_name)
    await chat.send(last_name)
    return chat


async def finish(chat: Chat) -> None:
    await chat.share_contact(phone="+33612345678")
    await chat.tap("Passer")  # e-mail
    await chat.tap("D'accord")
    await chat.tap("✅ Envoyer ma candidature")


async def test_an_arabic_name_is_confirmed_in_latin_letters_and_found_by_staff(
    bot: Bot,
) -> None:
    chat = await reach_names(bot, 2001, "أمينة", "Benali")
    # The transliteration of Arabic is a guess (no vowels): she is asked, never forced.
    assert QUESTION + " Mynh Benali. C'est bien ça ?" in chat.last.text
    assert chat.buttons() == ["C'est bien ça", "Je l'écris moi-même", "Passer", "◀️ Retour"]
    await chat.tap("Je l'écris moi-même")
    assert "Écrivez votre prénom et votre nom avec les lettres de A à Z" in chat.last.text
    await chat.send("أمينة")  # not Latin letters: asked kindly again
    assert "avec les lettres de A à Z" in chat.last.text
    await chat.send("passer")  # a button's word, not a name
    assert "Ou touchez « Passer »" in chat.last.text
    await chat.send("amina benali")
    assert "✔️ Amina Benali" in chat.texts()[-1] or "✔️ Amina Benali" in chat.texts()[-2]
    await finish(chat)
    assert "Votre candidature est enregistrée" in "\n".join(chat.texts()[-3:])
    application = bot.store.applications_of(2001)[0]
    assert application.first_name == "أمينة"  # kept as written
    assert application.latin_name == "Amina Benali"
    assert application.answers["nom_latin"] == "Amina Benali"
    # Staff: the card and the queue show both writings.
    card = bot.api.bot_messages(STAFF_ID)[-1]
    assert card.text.startswith("📋 Candidature IS-2026-0001 · أمينة Benali (Amina Benali)")
    staff = nadia(bot)
    await staff.send("/file")
    assert "1. IS-2026-0001 · أمينة Benali (Amina Benali) · 🆕 nouvelle" in staff.last.text
    assert "IS-2026-0001 · أمينة Benali (Amina Benali)" in staff.buttons()
    # /cherche in Latin letters finds her.
    await staff.send("/cherche Amina")
    assert "🔎 1 résultat(s) pour « Amina »" in staff.last.text
    assert "أمينة Benali (Amina Benali)" in staff.last.text
    await staff.send("/cherche amina benali")
    assert "🔎 1 résultat(s)" in staff.last.text
    # The export has a column for it.
    await staff.send("/export")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(staff.last.data or b""))["Candidatures"].iter_rows(
            values_only=True
        )
    )
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Prénom"] == "أمينة" and row["Nom en lettres latines"] == "Amina Benali"


async def test_confirming_or_passing_keeps_the_transliteration(bot: Bot) -> None:
    chinese = await reach_names(bot, 2001, "王小明", "Wang")
    assert QUESTION + " WangXiaoMing Wang. C'est bien ça ?" in chinese.last.text
    await chinese.tap("C'est bien ça")
    await finish(chinese)
    assert bot.store.applications_of(2001)[0].latin_name == "WangXiaoMing Wang"
    tamil = await reach_names(bot, 2002, "அமுதா", "Raj")  # vowel signs are marks: a name too
    assert QUESTION + " Amuta Raj" in tamil.last.text
    await tamil.tap("Passer")  # never forced: the transliteration is kept for staff
    await finish(tamil)
    assert bot.store.applications_of(2002)[0].latin_name == "Amuta Raj"
    staff = nadia(bot)
    await staff.send("/cherche amuta")
    assert "அமுதா Raj (Amuta Raj)" in staff.last.text


async def test_a_latin_or_cyrillic_name_is_not_asked_about(bot: Bot) -> None:
    zoe = await reach_names(bot, 2001, "Zoé", "Müller")
    assert QUESTION not in "\n".join(zoe.texts())
    assert "numéro de téléphone" in zoe.last.text
    await finish(zoe)
    assert bot.store.applications_of(2001)[0].latin_name == "Zoe Muller"
    natalia = await reach_names(bot, 2002, "Наталья", "Иванова")
    assert QUESTION not in "\n".join(natalia.texts())  # Cyrillic reads one way in Latin
    await finish(natalia)
    staff = nadia(bot)
    await staff.send("/cherche zoe")  # found without the accent
    assert "Zoé Müller" in staff.last.text and "(Zoe" not in staff.last.text
    await staff.send("/cherche natalya")
    assert "Наталья Иванова (Natalya Ivanova)" in staff.last.text


async def test_changing_the_name_asks_again(bot: Bot) -> None:
    chat = await reach_names(bot, 2001, "Amina", "Benali")
    assert QUESTION not in chat.last.text  # a Latin name: straight to the phone
    await finish_until_summary(chat)
    await chat.tap("Modifier : Vos coordonnées")
    await chat.tap("✏️ Quel est votre prénom ?")
    await chat.send("أمينة")
    assert QUESTION + " Mynh Benali" in chat.last.text
    await chat.tap("C'est bien ça")
    await chat.tap("✅ Envoyer ma candidature")
    assert bot.store.applications_of(2001)[0].latin_name == "Mynh Benali"


async def finish_until_summary(chat: Chat) -> None:
    await chat.share_contact(phone="+33612345678")
    await chat.tap("Passer")
    await chat.tap("D'accord")


async def test_her_data_shows_the_latin_form_kept_for_staff(bot: Bot) -> None:
    chat = await reach_names(bot, 2001, "أمينة", "Benali")
    await chat.tap("C'est bien ça")
    await finish(chat)
    await chat.send("/mesdonnees")
    read = "\n".join(m.text for m in chat.messages if m.kind == "text")
    assert "Prénom : أمينة" in read and "Nom en lettres latines : Mynh Benali" in read
    assert "• Votre nom en lettres latines : Mynh Benali" in read


async def test_the_slot_list_shows_both_writings(bot: Bot) -> None:
    slot = add_slot(bot, seats=12)
    chat = await reach_names(bot, 2001, "أمينة", "Benali")
    await chat.tap("C'est bien ça")
    await chat.share_contact(phone="+33612345678")
    await chat.tap("Passer")  # e-mail
    await chat.tap(label(slot))
    await chat.tap("✅ Envoyer ma candidature")
    staff = nadia(bot)
    await staff.send("/creneaux")
    await staff.tap(next(b for b in staff.buttons() if b.endswith("1/12")))
    assert "أمينة Benali (Mynh Benali) · 06 12 34 56 78" in staff.last.text
