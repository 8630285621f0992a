"""Reliability: redelivered updates, the Bot API failing, a full or busy database, groups,
blocked users — the bot goes on and the database stays right."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from telegram import Update

from bot.core.settings import Settings
from localapi import LocalBotApi
from tests.conftest import CANDIDATE_ID, Bot, Clock
from tests.journeys import AFTER_VERDICT, PROBABLE, file_application, play


async def test_a_redelivered_update_changes_nothing(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT[:5])  # now asked the first name
    update = bot.api.text_update(CANDIDATE_ID, "Awa")
    app = bot.application
    await app.process_update(Update.de_json(update, app.bot))  # type: ignore[attr-defined]
    # Telegram delivers it again (not acknowledged before a crash): it must not become the
    # last name too.
    await app.process_update(Update.de_json(update, app.bot))  # type: ignore[attr-defined]
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None
    assert draft.answers["prenom"] == "Awa"
    assert "nom" not in draft.answers
    assert bot.store.conversation(CANDIDATE_ID).step == "nom"  # type: ignore[union-attr]
    assert bot.store.last_update_id() == update["update_id"]


async def test_the_last_processed_update_survives_a_restart(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    update = bot.api.callback_update(
        CANDIDATE_ID, chat.last.message_id, chat.last.callback_data("J'accepte")
    )
    app = bot.application
    await app.process_update(Update.de_json(update, app.bot))  # type: ignore[attr-defined]
    await bot.restart()
    app = bot.application
    before = len(bot.api.bot_messages(CANDIDATE_ID))
    await app.process_update(Update.de_json(update, app.bot))  # type: ignore[attr-defined]
    assert len(bot.api.bot_messages(CANDIDATE_ID)) == before
    assert len(bot.store.applications_of(CANDIDATE_ID)) == 1


async def test_timeouts_are_retried_with_back_off(settings: Settings, clock: Clock) -> None:
    harness = Bot(settings=settings, api=LocalBotApi(), clock=clock, rate_limit=True)
    await harness.start()
    try:
        harness.api.network_faults["sendmessage"] = 2
        chat = harness.chat()
        await chat.send("/start")
        assert "Étape 1 sur 8" in chat.last.text
        assert harness.api.network_faults["sendmessage"] == 0
    finally:
        await harness.stop()


async def test_429_waits_for_retry_after_then_sends(settings: Settings, clock: Clock) -> None:
    harness = Bot(settings=settings, api=LocalBotApi(), clock=clock, rate_limit=True)
    await harness.start()
    try:
        harness.api.fail(
            "sendMessage", code=429, description="Too Many Requests: retry after 1", retry_after=1
        )
        chat = harness.chat()
        started = time.monotonic()
        await chat.send("/aide")
        assert time.monotonic() - started >= 0.9
        assert "/statut" in chat.last.text
    finally:
        await harness.stop()


async def test_message_not_modified_is_harmless(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    bot.api.fail(
        "editMessageText",
        code=400,
        description="Bad Request: message is not modified: specified new message content and "
        "reply markup are exactly the same as a current content and reply markup of the message",
    )
    await chat.tap("J'accepte")
    assert not any("problème" in t for t in chat.texts())
    assert bot.store.conversation(CANDIDATE_ID).step == "age"  # type: ignore[union-attr]


async def test_a_blocked_user_is_marked_and_not_nudged(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    bot.api.block(CANDIDATE_ID)
    await chat.tap("26 à 49 ans")  # the answer is kept, the reply is refused
    assert bot.store.is_blocked(CANDIDATE_ID)
    assert bot.store.active_application(CANDIDATE_ID).answers["age"] == "26_49"  # type: ignore[union-attr]
    sweep = bot.application.job_queue.get_jobs_by_name("drafts")[0]  # type: ignore[attr-defined]
    bot.clock.advance(hours=25)
    calls = len(bot.api.calls)
    await sweep.run(bot.application)
    assert len(bot.api.calls) == calls  # nothing sent to someone who blocked the bot
    bot.api.unblock(CANDIDATE_ID)
    await chat.send("/start")
    assert not bot.store.is_blocked(CANDIDATE_ID)
    assert "droit de travailler" in chat.last.text


async def test_a_read_only_database_is_told_kindly_and_nothing_is_half_written(
    bot: Bot,
) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    # As if the file had become read-only (or the disk full): every write fails.
    bot.store.db.execute("PRAGMA query_only = ON").fetchall()
    await chat.tap("26 à 49 ans")
    assert "Je n'arrive pas à enregistrer" in chat.last.text
    bot.store.db.execute("PRAGMA query_only = OFF").fetchall()
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and "age" not in draft.answers
    assert bot.store.conversation(CANDIDATE_ID).step == "age"  # type: ignore[union-attr]
    await chat.tap("26 à 49 ans")
    assert bot.store.active_application(CANDIDATE_ID).answers["age"] == "26_49"  # type: ignore[union-attr]


async def test_a_busy_database_is_waited_for(bot: Bot, settings: Settings) -> None:
    chat = bot.chat()
    await chat.send("/start")
    other = sqlite3.connect(
        settings.database, timeout=5, isolation_level=None, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")  # another process writing, e.g. a backup or the CLI
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
    await chat.tap("J'accepte")
    other.close()
    assert "Quel âge avez-vous ?" in chat.last.text
    assert bot.store.active_application(CANDIDATE_ID) is not None


async def test_in_a_group_the_bot_says_once_that_it_works_in_private(bot: Bot) -> None:
    group = -100777
    bot.api.known_chat(group, chat_type="supergroup", title="Entraide Auber")
    chat = bot.chat()
    for _ in range(2):
        update = bot.api.text_update(CANDIDATE_ID, "/start", chat_id=group, chat_type="supergroup")
        await chat.feed(update)
    notices = [m for m in bot.api.bot_messages(group) if "message privé" in m.text]
    assert len(notices) == 1
    await chat.feed(
        bot.api.text_update(CANDIDATE_ID, "bonjour", chat_id=group, chat_type="supergroup")
    )
    await chat.feed(bot.api.new_members_update(group, [1234]))
    channel = -100888
    bot.api.known_chat(channel, chat_type="channel", title="Annonces")
    await chat.feed(bot.api.channel_post_update(channel, "/start"))
    assert len(bot.api.bot_messages(group)) == 1
    assert bot.api.bot_messages(channel) == []
    assert bot.store.applications_of(CANDIDATE_ID) == []


async def test_erasure_leaves_no_trace_in_the_database_file(bot: Bot, settings: Settings) -> None:
    chat = bot.chat(first_name="Zoubida")
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT[:5])
    await chat.send("Zoubida")
    await chat.send("Quertinmont")
    await chat.send("0698765412")
    await chat.send("zoubida.q@exemple.fr")
    await chat.tap("D'accord")
    await chat.tap("✅ Envoyer ma candidature")
    await chat.send("/supprimer")
    await chat.tap("Oui, tout effacer")
    bot.store.checkpoint()
    content = b"".join(
        path.read_bytes()
        for path in Path(settings.database).parent.glob(Path(settings.database).name + "*")
    )
    for secret in ("Zoubida", "Quertinmont", "698765412", "zoubida.q@exemple.fr", "Métallerie"):
        assert secret.encode() not in content, secret
    assert b"metallerie" not in content  # the answers themselves


async def test_logs_hold_no_personal_data(bot: Bot, caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    caplog.set_level(logging.INFO)
    chat = bot.chat(first_name="Zoubida")
    await file_application(chat)
    await chat.send("/mesdonnees")
    bot.api.block(CANDIDATE_ID)
    await chat.send("/statut")
    text = caplog.text
    for secret in ("Awa", "Diallo", "612345678", "Zoubida"):
        assert secret not in text, secret


async def test_erasure_also_clears_the_staff_cards(bot: Bot) -> None:
    from tests.conftest import STAFF_ID

    chat = bot.chat()
    await file_application(chat)
    cards = [m for m in bot.api.bot_messages(STAFF_ID) if "Diallo" in m.text]
    assert cards
    await chat.send("/supprimer")
    await chat.tap("Oui, tout effacer")
    texts = [m.text for m in bot.api.bot_messages(STAFF_ID)]
    assert not any("Diallo" in t or "06 12 34 56 78" in t for t in texts)
    assert any("Candidature effacée" in t for t in texts)


async def test_the_purge_clears_the_staff_cards_too(bot: Bot) -> None:
    from tests.conftest import STAFF_ID

    await file_application(bot.chat())
    bot.clock.advance(days=800)
    job = bot.application.job_queue.get_jobs_by_name("purge")[0]  # type: ignore[attr-defined]
    await job.run(bot.application)
    texts = [m.text for m in bot.api.bot_messages(STAFF_ID)]
    assert not any("Diallo" in t for t in texts)
    assert bot.store.applications_of(CANDIDATE_ID) == []


async def test_update_ids_restarted_lower_are_processed_not_dropped(bot: Bot, caplog) -> None:
    """After a week without updates Telegram may restart its ids at random, lower: those
    updates are new and must be answered; an id really processed is still skipped."""
    bot.api._next_update_id = 900_000  # a long-running bot: ids are high
    chat = bot.chat()
    await chat.send("/start")
    high = bot.store.last_update_id()
    assert high >= 900_000
    bot.api._next_update_id = 42  # Telegram picked a new, lower id
    with caplog.at_level("WARNING", logger="bot.core.polling"):
        answer = await chat.tap("J'accepte")
    assert answer, "an update with a restarted, lower id was dropped"
    assert bot.store.conversation(CANDIDATE_ID).step != "accord"  # type: ignore[union-attr]
    assert "update ids restarted" in caplog.text
    assert bot.store.last_update_id() == 42
    # The first update, redelivered, is still known as processed.
    before = len(bot.api.bot_messages(CANDIDATE_ID))
    replay = bot.api.text_update(CANDIDATE_ID, "/start")
    replay["update_id"] = high
    await bot.application.process_update(  # type: ignore[attr-defined]
        Update.de_json(replay, bot.application.bot)  # type: ignore[attr-defined]
    )
    assert len(bot.api.bot_messages(CANDIDATE_ID)) == before


async def test_processed_update_ids_survive_a_restart_after_a_reset(bot: Bot) -> None:
    bot.api._next_update_id = 500
    chat = bot.chat()
    await chat.send("/start")
    first = bot.store.last_update_id()
    bot.api._next_update_id = 7
    await chat.tap("J'accepte")
    await bot.restart()
    before = len(bot.api.bot_messages(CANDIDATE_ID))
    replay = bot.api.text_update(CANDIDATE_ID, "/start")
    replay["update_id"] = first  # higher than the last one, but already processed
    await bot.application.process_update(  # type: ignore[attr-defined]
        Update.de_json(replay, bot.application.bot)  # type: ignore[attr-defined]
    )
    assert len(bot.api.bot_messages(CANDIDATE_ID)) == before
