"""The inbox: an update Telegram was told it need not send again (acknowledged) is on disk
until it is finished. A real `python -m bot run` is killed while a tap is acknowledged but
not processed yet (every Bot API call takes seconds); Telegram no longer has it, and the
next start processes it."""

from __future__ import annotations

from pathlib import Path

from localapi import LocalBotApi, LocalBotApiServer
from tests.system.test_crash import USER, BotProcess, _has_button, wait_for


def test_an_acknowledged_tap_cut_short_by_a_crash_is_processed_at_the_next_start(
    tmp_path: Path,
) -> None:
    api = LocalBotApi()
    with LocalBotApiServer(api) as server:
        bot = BotProcess(tmp_path, server.url)
        bot.start()
        try:
            api.text_update(USER, "/start")
            assert wait_for(lambda: _has_button(api, "J'accepte", bot.step())), bot.log_tail()
            before = bot.progress()
            server.delay = 6.0  # every call now takes seconds: the tap stays under way
            message_id, data = api.find_button(USER, "J'accepte")
            api.callback_update(USER, message_id, data)
            # Acknowledged: Telegram's queue no longer holds it (the next getUpdates passed it).
            assert wait_for(lambda: api.handle("getWebhookInfo")["pending_update_count"] == 0)
            assert bot.progress() == before  # fetched, not processed yet
            assert bot.query("SELECT count(*) FROM inbox") == [(1,)]
            bot.kill()
            server.delay = 0.0
            bot.start()
            assert wait_for(lambda: bot.progress() != before), bot.log_tail()
            assert wait_for(lambda: bot.query("SELECT count(*) FROM inbox") == [(0,)])
            assert bot.step() == "age"
            assert wait_for(lambda: _has_button(api, "26 à 49 ans", bot.step())), bot.log_tail()
        finally:
            bot.kill()
