"""Webhook mode as Telegram and an attacker would use it: a real `python -m bot run` with
`TREMPLIN_WEBHOOK_URL`, posts with and without Telegram's secret header."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from localapi import LocalBotApi, LocalBotApiServer
from tests.system.test_crash import USER, BotProcess, _has_button, wait_for

STAFF = 900
ATTACKER = 666


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(port: int, path: str, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=json.dumps(update).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0  # not listening yet


def _update(update_id: int, user_id: int, chat_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "from": {"id": user_id, "is_bot": False, "first_name": "X"},
            "chat": {"id": chat_id, "type": "private", "first_name": "X"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


@pytest.mark.parametrize("configured_secret", [None, "a-secret_from-the-ENV-0123"])
def test_webhook_refuses_posts_without_telegrams_secret(
    tmp_path: Path, configured_secret: str | None
) -> None:
    api = LocalBotApi()
    api.known_chat(1001)
    api.known_chat(STAFF)
    api.known_chat(ATTACKER)
    port = _free_port()
    with LocalBotApiServer(api) as server:
        bot = BotProcess(tmp_path, server.url)
        bot.env.update(
            TREMPLIN_WEBHOOK_URL="https://bot.example.org/hook",
            TREMPLIN_WEBHOOK_PORT=str(port),
            TREMPLIN_STAFF_IDS=str(STAFF),
        )
        if configured_secret:
            bot.env["TREMPLIN_WEBHOOK_SECRET"] = configured_secret
        bot.start()
        try:
            assert wait_for(lambda: api.webhook_url == "https://bot.example.org/hook")
            secret = api.webhook_secret
            assert secret is not None
            if configured_secret:
                assert secret == configured_secret
            else:
                assert len(secret) >= 32  # generated at start, unguessable
            assert wait_for(lambda: _post(port, "/hook", {}, "x") != 0)

            # A staff member's id, the attacker's own chat, a staff command: refused unread.
            forged = _update(10, STAFF, ATTACKER, "/export")
            assert _post(port, "/hook", forged, None) == 403
            assert _post(port, "/hook", forged, "wrong") == 403
            # The path of TREMPLIN_WEBHOOK_URL is the one served.
            welcome = _update(11, 1001, 1001, "/start")
            assert _post(port, "/hook", welcome, secret) == 200
            assert wait_for(lambda: bool(api.messages(1001)))
            assert api.messages(ATTACKER) == []
            assert "Initiatives Solidaires" in api.messages(1001)[0].text
            # Processed through the exactly-once path: recorded as done.
            assert wait_for(lambda: bot.query("SELECT update_id FROM processed_updates") == [(11,)])
        finally:
            bot.kill()


def test_webhook_listens_on_loopback_only_by_default(tmp_path: Path) -> None:
    from bot.core.settings import load_settings

    settings = load_settings({"TREMPLIN_WEBHOOK_URL": "https://bot.example.org/hook"})
    assert settings.webhook_listen == "127.0.0.1"
    assert settings.webhook_secret is None


def test_an_update_answered_200_then_cut_short_by_a_crash_is_processed_at_the_next_start(
    tmp_path: Path,
) -> None:
    """Telegram does not send again what the webhook answered 200: the update is on disk
    (the inbox) before that answer, and the next start processes it. A tap is answered
    (answerCallbackQuery) before anything is saved: with every call taking seconds, the
    bot is killed while the tap is received and not processed."""
    api = LocalBotApi()
    api.known_chat(USER)
    port = _free_port()
    secret = "a-secret_for-the-crash-test-0123"
    with LocalBotApiServer(api) as server:
        bot = BotProcess(tmp_path, server.url)
        bot.env.update(
            TREMPLIN_WEBHOOK_URL="https://bot.example.org/hook",
            TREMPLIN_WEBHOOK_PORT=str(port),
            TREMPLIN_WEBHOOK_SECRET=secret,
        )
        bot.start()
        try:
            assert wait_for(lambda: api.webhook_url == "https://bot.example.org/hook")
            assert wait_for(lambda: _post(port, "/hook", {}, "x") != 0)
            assert _post(port, "/hook", _update(1000, USER, USER, "/start"), secret) == 200
            assert wait_for(lambda: _has_button(api, "J'accepte", bot.step())), bot.log_tail()
            before = bot.progress()
            server.delay = 4.0  # every Bot API call now takes seconds
            message_id, data = api.find_button(USER, "J'accepte")
            tap = api.callback_update(USER, message_id, data)
            assert _post(port, "/hook", tap, secret) == 200
            assert bot.query("SELECT update_id FROM inbox") == [(tap["update_id"],)]
            bot.kill()
            assert bot.progress() == before  # received, not processed
            server.delay = 0.0
            bot.start()
            assert wait_for(lambda: bot.progress() != before), bot.log_tail()
            assert wait_for(lambda: _has_button(api, "26 à 49 ans", bot.step())), bot.log_tail()
            assert wait_for(lambda: bot.query("SELECT count(*) FROM inbox") == [(0,)])
        finally:
            bot.kill()
