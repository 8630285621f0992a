"""What every staff form does (issue #14), shown on the forms staff use: a bad answer is
refused kindly and the same question is asked again, nothing lost; /annuler ends a form at
any question; a restart goes on at the same question; a button of a finished form, or of
another one, changes nothing."""

from __future__ import annotations

import pytest

from localapi import Chat
from tests.conftest import STAFF_ID, Bot
from tests.journeys import NEUTRAL_BUTTON, file_application


def staff(bot: Bot) -> Chat:
    return bot.chat(STAFF_ID, "Nadia")


SLOT_ANSWERS = (("send", "10/03/2026 14:30"), ("send", "12"), ("tap", "Entretien"))


async def new_slot(nadia: Chat, answers: int) -> None:
    """The "add a slot" form, with its first `answers` questions answered."""
    await nadia.send("/creneaux")
    await nadia.tap("➕ Ajouter un créneau")
    for how, what in SLOT_ANSWERS[:answers]:
        await (nadia.send(what) if how == "send" else nadia.tap(what))


async def test_a_bad_answer_is_refused_and_the_same_question_asked_again(bot: Bot) -> None:
    nadia = staff(bot)
    await new_slot(nadia, 1)
    assert "Combien de places ?" in nadia.last.text
    for bad in ("beaucoup", "0", "201", "1000"):
        await nadia.send(bad)
        assert nadia.last.text == "Écrivez un nombre de places de 1 à 200."
    await nadia.send(" 12 ")
    assert nadia.last.text == "12 places. Quel type de rendez-vous ?"  # the next question
    await nadia.send("un entretien")  # a question answered by a button: said kindly
    assert nadia.last.text == "Touchez un des boutons ci-dessus. Pour arrêter : /annuler"
    await nadia.tap("Entretien")
    await nadia.send("x" * 201)
    assert nadia.last.text == "Écrivez une adresse de 200 caractères au plus."
    await nadia.send("Salle B")
    # Every earlier answer was kept through the refusals.
    (slot,) = bot.store.slots_between(since=bot.clock.now)
    assert (slot.seats, slot.kind, slot.place) == (12, "entretien", "Salle B")
    assert bot.store.staff_input(STAFF_ID) is None


async def test_a_refusal_can_show_the_buttons_again(bot: Bot) -> None:
    nadia = staff(bot)
    await nadia.send("/orienteurs")
    await nadia.tap("➕ Ajouter un orienteur")
    await nadia.send("x")
    assert "Le nom doit faire de 2 à 100 caractères" in nadia.last.text
    await nadia.send("Cap emploi 93")
    await nadia.send("PLIE")
    assert nadia.last.text == "Touchez une des sortes d'orienteur, ou tapez /annuler."
    assert "Cap emploi" in nadia.buttons() and nadia.buttons()[-1] == "Annuler"
    await nadia.tap("Cap emploi")  # the button under the refusal answers the question
    assert "Cap emploi 93 : Cap emploi ✔️" in nadia.last.text


@pytest.mark.parametrize("answers", [0, 1, 2, 3])
async def test_annuler_ends_the_form_at_any_question(bot: Bot, answers: int) -> None:
    nadia = staff(bot)
    await new_slot(nadia, answers)
    await nadia.send("/annuler")
    assert nadia.last.text == "D'accord, c'est annulé."
    assert bot.store.staff_input(STAFF_ID) is None
    await nadia.send("12")  # no longer an answer: the usual handlers take it
    assert "Combien de places" not in nadia.last.text
    assert "Quel type" not in nadia.last.text
    assert bot.store.slots_between(since=bot.clock.now) == []


async def test_a_note_can_be_cancelled_too(bot: Bot) -> None:
    await file_application(bot.chat())
    nadia = staff(bot)
    await nadia.tap("📝 Ajouter une note")
    await nadia.send("ANNULER")
    assert nadia.last.text == "D'accord, c'est annulé."
    await nadia.send("Une note")
    application = bot.store.active_application(1001)
    assert application is not None and bot.store.notes(application.id) == []


async def test_a_restart_goes_on_at_the_same_question(bot: Bot) -> None:
    nadia = staff(bot)
    await new_slot(nadia, 2)
    await bot.restart()
    nadia = staff(bot)
    await nadia.tap("Entretien")  # a button sent before the restart
    assert "Type : Entretien." in nadia.last.text
    await bot.restart()
    nadia = staff(bot)
    await nadia.send("beaucoup trop" * 20)
    assert nadia.last.text == "Écrivez une adresse de 200 caractères au plus."
    await bot.restart()
    nadia = staff(bot)
    await nadia.send("Mairie annexe")
    assert "✅ Créneau ajouté : mardi 10 mars à 14 h 30 · Entretien · 0/12 places" in (
        nadia.last.text
    )
    (slot,) = bot.store.slots_between(since=bot.clock.now)
    assert slot.place == "Mairie annexe"


async def test_a_stale_button_of_a_finished_form_changes_nothing(bot: Bot) -> None:
    nadia = staff(bot)
    await new_slot(nadia, 2)
    kinds = bot.api.find_button(STAFF_ID, "Réunion d'information")
    await nadia.tap("Entretien")
    usual = bot.api.find_button(STAFF_ID, "Adresse habituelle")
    await nadia.tap("Adresse habituelle")
    assert "✅ Créneau ajouté" in nadia.last.text
    before = len(nadia.texts())
    for message_id, data in (kinds, usual):
        await nadia.tap_data(message_id, data)
        assert nadia.alerts[-1] == NEUTRAL_BUTTON
    assert len(nadia.texts()) == before
    assert len(bot.store.slots_between(since=bot.clock.now)) == 1


async def test_a_button_of_another_form_or_question_changes_nothing(bot: Bot) -> None:
    nadia = staff(bot)
    await nadia.send("/orienteurs")
    await nadia.tap("➕ Ajouter un orienteur")
    await nadia.send("Cap emploi 93")
    referrer_kind = bot.api.find_button(STAFF_ID, "Cap emploi")
    await new_slot(nadia, 1)  # a new form replaces the referrer's
    pending = bot.store.staff_input(STAFF_ID)
    await nadia.tap_data(*referrer_kind)
    assert nadia.alerts[-1] == NEUTRAL_BUTTON
    await nadia.tap_data(nadia.last.message_id, "t:place:default")  # a later question's
    assert nadia.alerts[-1] == NEUTRAL_BUTTON
    await nadia.tap_data(nadia.last.message_id, "t:kind:zz")  # no such choice
    assert nadia.alerts[-1] == NEUTRAL_BUTTON
    assert bot.store.staff_input(STAFF_ID) == pending  # still at the number of seats
    assert bot.store.referrers() == []
    await nadia.send("8")
    assert nadia.last.text == "8 places. Quel type de rendez-vous ?"


async def test_a_sticker_while_a_form_waits_is_answered_and_the_form_waits(bot: Bot) -> None:
    nadia = staff(bot)
    await new_slot(nadia, 0)
    await nadia.send_sticker()
    assert nadia.last.text == "J'attends un texte. Tapez /annuler pour arrêter."
    await nadia.send("10/03/2026 14:30")
    assert "Combien de places ?" in nadia.last.text
