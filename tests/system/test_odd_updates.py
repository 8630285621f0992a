"""Updates of kinds the bot has no use for, or that python-telegram-bot cannot read, as a
real `python -m bot run` gets them from the Bot API: a kind answer, never a stop."""

from __future__ import annotations

from pathlib import Path

from localapi import LocalBotApi, LocalBotApiServer
from tests.system.test_crash import USER, BotProcess, wait_for

PERSON = {"id": USER, "is_bot": False, "first_name": "Awa"}
PRIVATE = {"id": USER, "type": "private", "first_name": "Awa"}

# A poll as a server older than Bot API 9.6 sends it: no `persistent_id`.
POLL = {
    "id": "5",
    "question": "Qui vient ?",
    "options": [{"text": "Moi", "voter_count": 0}, {"text": "Pas moi", "voter_count": 0}],
    "total_voter_count": 0,
    "is_closed": False,
    "is_anonymous": True,
    "type": "regular",
    "allows_multiple_answers": False,
}


def _message(message_id: int, **content: object) -> dict:
    return {
        "message": {
            "message_id": message_id,
            "date": 1_700_000_000,
            "from": PERSON,
            "chat": PRIVATE,
            **content,
        }
    }


def _log(tmp_path: Path) -> str:
    """The bot's log, for a failure's message."""
    return (tmp_path / "run-01.log").read_text()[-3000:]


def test_a_poll_and_other_odd_updates_get_a_kind_answer_and_the_bot_goes_on(
    tmp_path: Path,
) -> None:
    api = LocalBotApi()
    with LocalBotApiServer(api) as server:
        bot = BotProcess(tmp_path, server.url)
        bot.start()
        try:
            api.text_update(USER, "/start")
            # A fresh process under a loaded CI machine can take long to start. The welcome
            # comes with the first question: wait for that one (a count could be overtaken).
            assert wait_for(
                lambda: any("Étape 1" in m.text for m in api.bot_messages(USER)), seconds=90
            ), _log(tmp_path)
            answered = len(api.bot_messages(USER))
            odd = [
                _message(900, poll=POLL),
                _message(901, dice={"emoji": "🎲", "value": 3}),
                {"poll_answer": {"poll_id": "5", "user": PERSON, "option_ids": [0]}},
                {
                    "message_reaction": {
                        "chat": PRIVATE,
                        "message_id": 1,
                        "user": PERSON,
                        "date": 1_700_000_000,
                        "old_reaction": [],
                        "new_reaction": [{"type": "emoji", "emoji": "👍"}],
                    }
                },
                {"unknown_kind_from_a_future_bot_api": {"x": 1}},
            ]
            for update in odd:
                api.raw_update(update)
            # The poll and the dice are messages the bot cannot use: a kind answer each.
            assert wait_for(lambda: len(api.bot_messages(USER)) >= answered + 2, seconds=60), [
                m.text for m in api.bot_messages(USER)
            ]
            # Everything behind them is still read: the journey goes on.
            api.text_update(USER, "/aide")
            assert wait_for(
                lambda: any("/statut" in m.text for m in api.bot_messages(USER)), seconds=60
            )
        finally:
            bot.kill()
    log = (tmp_path / "run-01.log").read_text()
    assert "Traceback" not in log
    assert "Qui vient" not in log  # the update's content is not logged
