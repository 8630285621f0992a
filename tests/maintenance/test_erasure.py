"""Issue 12, item 5: erasure leaves nothing behind. Every staff or referrer message that showed
the person (all her cards, not only the last ones; queue pages, search results, a slot's list,
the ⚠️ phone warning, a referrer's follow-up) is edited; the database file and its WAL hold no
byte of her without a manual checkpoint; a command-line purge is carried out in Telegram at
the bot's next start."""

from __future__ import annotations

from pathlib import Path

from bot.core.settings import Settings
from localapi import SentMessage
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import add_slot, file_application, file_with_slot, nadia
from tests.maintenance.test_retention import _age, _cli
from tests.referrers.test_followup import add, decide, linked_referrer
from tests.referrers.test_journey import file_through

SECRETS = ("Diallo", "06 12 34 56 78", "612345678")
REFERRER_ID = 5001
SWEEP = "outbox:sweep"


def showing_her(messages: list[SentMessage]) -> list[str]:
    return [m.text for m in messages if any(s in (m.text or "") for s in SECRETS)]


def database_bytes(settings: Settings) -> bytes:
    """The database file with its WAL and shared memory, as they are on disk now."""
    database = Path(settings.database)
    return b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))


async def test_every_message_that_showed_her_is_redacted(bot: Bot, settings: Settings) -> None:
    slot = add_slot(bot, seats=12)
    chat = bot.chat()
    await file_with_slot(chat, slot)
    reference = bot.store.applications_of(CANDIDATE_ID)[0].reference
    staff = nadia(bot)
    for _ in range(12):  # opened again and again: the older copies are deleted (#21.12)
        await staff.send(f"/dossier {reference}")
    cards = [m for m in bot.api.bot_messages(STAFF_ID) if m.text.startswith("📋 Candidature")]
    assert len(cards) == 1
    await staff.tap("📝 Ajouter une note")
    await staff.send("Rappeler mardi, parle de Zanzibar")
    assert b"Zanzibar" in database_bytes(settings)  # the note is on disk, then erased
    await staff.send("/file")
    await staff.send("/cherche Diallo")
    await staff.send("/creneaux")
    await staff.tap(next(b for b in staff.buttons() if b.endswith("1/12")))
    assert "Awa Diallo · 06 12 34 56 78" in staff.last.text
    bot.api.block(CANDIDATE_ID)  # the decision does not reach her: the ⚠️ warning shows her phone
    await staff.tap("✅ Accepter")
    await staff.tap("✅ Oui, accepter")
    assert "⚠️" in staff.last.text and "06 12 34 56 78" in staff.last.text
    bot.api.unblock(CANDIDATE_ID)
    assert len(showing_her(bot.api.bot_messages(STAFF_ID))) >= 5

    await chat.send("/supprimer")
    await chat.tap("Oui, tout effacer")
    assert "Toutes vos données sont effacées" in chat.last.text
    staff_messages = bot.api.bot_messages(STAFF_ID)
    assert showing_her(staff_messages) == []
    texts = [m.text for m in staff_messages]
    assert texts.count("🗑 Candidature effacée à la demande de la personne.") == 1
    assert "🗑 Message effacé. Il montrait une personne dont les données sont effacées." in texts
    assert bot.store.redactions() == []
    # No manual checkpoint: the erasure itself leaves no byte of her on disk.
    content = database_bytes(settings)
    for secret in ("Diallo", "612345678", "Métallerie", "Zanzibar"):
        assert secret.encode() not in content, secret


async def test_a_referrers_follow_up_is_redacted_too(bot: Bot) -> None:
    referrer = add(bot)
    samia = await linked_referrer(bot, referrer, REFERRER_ID)
    binta = await file_through(bot, referrer, "Oui", user_id=1002, first_name="Binta")
    await file_through(bot, referrer, "Oui", user_id=1003, first_name="Chloé")
    reference = bot.store.applications_of(1002)[0].reference
    await decide(bot, reference, "✅ Accepter", "✅ Oui, accepter")
    await samia.send("/mescandidats")
    assert any("Binta" in t for t in samia.texts())
    await binta.send("/supprimer")
    await binta.tap("Oui, tout effacer")
    assert not any("Binta" in t for t in samia.texts())
    await samia.send("/mescandidats")
    assert "Chloé" in samia.last.text and "Binta" not in samia.last.text


async def test_a_command_line_purge_is_carried_out_in_telegram_at_the_next_start(
    bot: Bot, settings: Settings
) -> None:
    await file_application(bot.chat())
    staff = nadia(bot)
    await staff.send("/file")
    assert showing_her(bot.api.bot_messages(STAFF_ID))
    await bot.stop()
    _age(settings, 25)
    assert "1 application(s) deleted" in _cli(settings, "purge").stdout
    await bot.start()
    job = bot.application.job_queue.get_jobs_by_name(SWEEP)[0]  # type: ignore[attr-defined]
    await job.run(bot.application)
    texts = [m.text for m in bot.api.bot_messages(STAFF_ID)]
    assert showing_her(bot.api.bot_messages(STAFF_ID)) == []
    assert "🗑 Candidature effacée : durée de conservation dépassée." in texts


async def test_a_redaction_that_fails_on_the_network_is_tried_again(bot: Bot) -> None:
    chat = bot.chat()
    await file_application(chat)
    bot.api.fail("editMessageText", code=502, times=2)  # her own answer, then the card
    await chat.send("/supprimer")
    await chat.tap("Oui, tout effacer")
    assert showing_her(bot.api.bot_messages(STAFF_ID))  # the edit did not go through
    assert len(bot.store.redactions()) == 1
    job = bot.application.job_queue.get_jobs_by_name(SWEEP)[0]  # type: ignore[attr-defined]
    await job.run(bot.application)
    assert showing_her(bot.api.bot_messages(STAFF_ID)) == []
    assert bot.store.redactions() == []
