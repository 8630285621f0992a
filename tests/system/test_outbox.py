"""A crash between a committed change and the messages it owes: a real `python -m bot run`
dies right after the filing's (then a decision's) commit, before any message goes out, and
is started again. What the candidate and the staff see is checked, not only the rows."""

from __future__ import annotations

from pathlib import Path

from localapi import LocalBotApi, LocalBotApiServer
from tests.journeys import AFTER_VERDICT, PROBABLE
from tests.system.test_crash import USER, BotProcess, _has_button, wait_for

STAFF = 900
CRASH = "TREMPLIN_TEST_CRASH_BEFORE_SENDING"


def _tap(api: LocalBotApi, chat_id: int, label: str, bot: BotProcess | None = None) -> None:
    """Tap `label` once it is on screen (for the candidate: on the current step's message)."""

    def shown() -> bool:
        if bot is not None:
            return _has_button(api, label, bot.step())
        try:
            api.find_button(chat_id, label)
        except LookupError:
            return False
        return True

    assert wait_for(shown), (
        label,
        [m.text[-80:] for m in api.messages(chat_id)][-3:],
        bot.log_tail() if bot is not None else "",
    )
    message_id, data = api.find_button(chat_id, label)
    api.callback_update(chat_id, message_id, data)


def _play_to_summary(api: LocalBotApi, bot: BotProcess) -> None:
    api.text_update(USER, "/start")
    assert wait_for(lambda: bot.step() is not None)
    for action, value in [*PROBABLE, ("tap", "Continuer"), *AFTER_VERDICT]:
        before = bot.progress()
        if action == "tap":
            _tap(api, USER, value, bot)
        elif action == "contact":
            api.contact_update(USER, value)
        else:
            api.text_update(USER, value)
        # One answer at a time, as a person reads the next question before answering it.
        assert wait_for(lambda b=before: bot.progress() != b), (value, bot.log_tail())


def _texts(api: LocalBotApi, chat_id: int) -> list[str]:
    return [m.text for m in api.bot_messages(chat_id)]


def _died(bot: BotProcess) -> bool:
    assert bot.process is not None
    return bot.process.poll() is not None


def test_a_crash_after_the_commit_still_delivers_what_was_owed_once(tmp_path: Path) -> None:
    api = LocalBotApi()
    api.known_chat(STAFF)
    with LocalBotApiServer(api) as server:
        bot = BotProcess(tmp_path, server.url)
        bot.env["TREMPLIN_STAFF_IDS"] = str(STAFF)
        bot.env[CRASH] = "filed"
        bot.start()
        try:
            _play_to_summary(api, bot)
            _tap(api, USER, "✅ Envoyer ma candidature")
            assert wait_for(lambda: _died(bot)), "the crash point was not reached"
            # Filed on disk, but nobody was told anything yet.
            assert bot.query("SELECT state FROM applications") == [("nouvelle",)]
            assert not any("C'est envoyé" in t for t in _texts(api, USER))
            assert _texts(api, STAFF) == []

            del bot.env[CRASH]
            bot.start()
            assert wait_for(lambda: any("IS-" in t for t in _texts(api, STAFF)))
            assert wait_for(lambda: bot.query("SELECT count(*) FROM outbox") == [(0,)])
            told = [t for t in _texts(api, USER) if "C'est envoyé" in t]
            assert len(told) == 1
            (reference,) = bot.query("SELECT reference FROM applications")[0]
            assert str(reference) in told[0]
            cards = [t for t in _texts(api, STAFF) if str(reference) in t]
            assert len(cards) == 1

            # A decision's message, the same way.
            bot.kill()
            bot.env[CRASH] = "decision"
            bot.start()
            _tap(api, STAFF, "✅ Accepter")
            _tap(api, STAFF, "✅ Oui, accepter")
            assert wait_for(lambda: _died(bot)), "the crash point was not reached"
            assert bot.query("SELECT state FROM applications") == [("acceptee",)]
            assert not any("🎉 Bonne nouvelle" in t for t in _texts(api, USER))

            del bot.env[CRASH]
            bot.start()
            assert wait_for(lambda: any("🎉 Bonne nouvelle" in t for t in _texts(api, USER)))
            assert wait_for(lambda: bot.query("SELECT count(*) FROM outbox") == [(0,)])
            # Started again: nothing is sent twice.
            bot.kill()
            bot.start()
            seen = len(_texts(api, USER))
            api.text_update(USER, "/statut")
            assert wait_for(lambda: len(_texts(api, USER)) > seen)  # the bot is up and answering
            assert sum("🎉 Bonne nouvelle" in t for t in _texts(api, USER)) == 1
            assert sum("C'est envoyé" in t for t in _texts(api, USER)) == 1
            assert len([t for t in _texts(api, STAFF) if str(reference) in t]) >= 1
        finally:
            if bot.process is not None and bot.process.poll() is None:
                bot.kill()


def test_a_crash_after_claiming_a_message_sends_it_at_the_next_start(tmp_path: Path) -> None:
    """The bot dies once a duty is claimed, before its message leaves: the claim of the dead
    run does not hold the message back; the next start sends it, once."""
    api = LocalBotApi()
    api.known_chat(STAFF)
    with LocalBotApiServer(api) as server:
        bot = BotProcess(tmp_path, server.url)
        bot.env["TREMPLIN_STAFF_IDS"] = str(STAFF)
        bot.env["TREMPLIN_TEST_CRASH_AFTER_CLAIMING"] = "filed"
        bot.start()
        try:
            _play_to_summary(api, bot)
            _tap(api, USER, "✅ Envoyer ma candidature")
            assert wait_for(lambda: _died(bot)), "the crash point was not reached"
            assert not any("C'est envoyé" in t for t in _texts(api, USER))
            # Claimed by the run that died, still owed.
            assert bot.query("SELECT count(*) FROM outbox WHERE kind = 'filed'") == [(1,)]

            del bot.env["TREMPLIN_TEST_CRASH_AFTER_CLAIMING"]
            bot.start()
            assert wait_for(lambda: any("C'est envoyé" in t for t in _texts(api, USER)))
            assert wait_for(lambda: bot.query("SELECT count(*) FROM outbox") == [(0,)])
            assert sum("C'est envoyé" in t for t in _texts(api, USER)) == 1
        finally:
            if bot.process is not None and bot.process.poll() is None:
                bot.kill()
