"""Issue 22: `python -m bot doctor` checks a live setup against a Bot API server over HTTP
and says in plain words what is wrong; exit 0 only when all is well."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from localapi import LocalBotApi, LocalBotApiServer
from tests.journeys import dialogs_with_phone

STAFF, GROUP = 900, -100555
TOKEN = "123456:TEST-token"


def _doctor(
    tmp_path: Path, url: str, command: str = "doctor", **extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env.update(
        TREMPLIN_DATABASE=str(tmp_path / "state" / "tremplin.sqlite3"),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=url,
        TREMPLIN_STAFF_IDS=str(STAFF),
        TREMPLIN_STAFF_CHAT_ID=str(GROUP),
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", command],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


def test_a_good_setup_is_all_well(tmp_path: Path) -> None:
    api = LocalBotApi()
    api.known_chat(STAFF)
    api.known_chat(GROUP, chat_type="supergroup", title="Équipe")
    dialogs = str(dialogs_with_phone(tmp_path, "01 23 45 67 89"))
    # Every partner named to candidates has a way to reach it (the shipped file leaves two).
    structure = Path(dialogs) / "structure.toml"
    structure.write_text(structure.read_text().replace('phone = ""', 'phone = "01 48 00 00 00"'))
    with LocalBotApiServer(api) as server:
        backup = _doctor(tmp_path, server.url, "backup", TREMPLIN_DIALOGS=dialogs)
        assert backup.returncode == 0, backup.stderr
        result = _doctor(tmp_path, server.url, TREMPLIN_DIALOGS=dialogs)
    assert result.returncode == 0, result.stdout
    assert "PROBLEM" not in result.stdout
    assert "OK       the token works" in result.stdout
    assert f"OK       the staff group {GROUP} exists and the bot may post there" in result.stdout
    assert result.stdout.rstrip().endswith("All is well.")


def test_each_problem_is_said_in_plain_words(tmp_path: Path) -> None:
    api = LocalBotApi()  # nobody has opened the bot, no group
    with LocalBotApiServer(api) as server:
        result = _doctor(tmp_path, server.url, TREMPLIN_WEBHOOK_URL="https://example.org/hook")
    assert result.returncode == 1
    out = result.stdout
    assert f"PROBLEM  staff member {STAFF} cannot be reached: they must open the bot" in out
    assert f"PROBLEM  the staff group {GROUP} is not found" in out
    assert "PROBLEM  structure.toml: phone is empty" in out
    assert "PROBLEM  the database" in out and "does not exist yet" in out
    assert "PROBLEM  no backup in" in out
    assert "PROBLEM  Telegram's webhook is not set, not TREMPLIN_WEBHOOK_URL" in out
    assert TOKEN not in out + result.stderr


def test_a_refused_token_is_said(tmp_path: Path) -> None:
    api = LocalBotApi()
    api.fail("getMe", code=401, description="Unauthorized", times=None)
    with LocalBotApiServer(api) as server:
        result = _doctor(tmp_path, server.url)
    assert result.returncode == 1
    assert "PROBLEM  Telegram refuses TELEGRAM_BOT_TOKEN" in result.stdout
