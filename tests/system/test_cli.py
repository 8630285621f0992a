"""The command line, as a person would use it: subprocesses, exit codes, the terminal demo,
and `python -m bot run` against a Bot API server over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core.settings import PROJECT_ROOT
from localapi import LocalBotApi, LocalBotApiServer
from tests.journeys import dialogs_with_phone


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env["TREMPLIN_ENV_FILE"] = os.devnull  # never a developer's .env
    env.update({"TREMPLIN_DATABASE": str(tmp_path / "var" / "tremplin.sqlite3"), **extra})
    return env


def _bot(
    tmp_path: Path, *args: str, stdin: str = "", **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(tmp_path, **extra),
        cwd=tmp_path,  # no .env of the developer's is read
        timeout=60,
    )


@pytest.mark.parametrize("command", [[], ["run"], ["demo"], ["check"]])
def test_help_of_each_command(tmp_path: Path, command: list[str]) -> None:
    result = _bot(tmp_path, *command, "--help")
    assert result.returncode == 0
    assert "usage: python -m bot" in result.stdout


def test_demo_prints_the_french_welcome_and_exits_at_end_of_input(tmp_path: Path) -> None:
    result = _bot(tmp_path, "demo", stdin="/start\n")
    assert result.returncode == 0, result.stderr
    assert "Bonjour, je suis un robot : ici, c'est Initiatives Solidaires" in result.stdout
    assert "[1] J'accepte   [2] Non merci" in result.stdout


def test_demo_can_do_the_whole_journey(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/start",
            "1",
            "3",
            "1",
            "1",
            "1",
            "2",
            "1",
            "1",
            "1",
            "1",  # to the verdict
            "7",  # the needs question: Je préfère passer
            "2",
            "3",
            "6",  # workshops, Valider
            "1",
            "Awa",
            "Diallo",
            "1",
            "1",
            "1",  # contact, Passer, D'accord
            "6",  # Envoyer ma candidature
            "/statut",
        ]
    )
    result = _bot(tmp_path, "demo", stdin=script + "\n")
    assert result.returncode == 0, result.stderr
    assert "Votre candidature est enregistrée" in result.stdout
    assert "IS-20" in result.stdout


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "nope"),
        ("TREMPLIN_STAFF_IDS", "abc"),
        ("TREMPLIN_TIMEZONE", "Nowhere/Land"),
    ],
)
def test_bad_setting_is_one_line_and_exit_2(tmp_path: Path, name: str, value: str) -> None:
    result = _bot(tmp_path, "run", **{name: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0]
    assert not (tmp_path / "var").exists()  # nothing half-written


def test_unwritable_database_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("x")
    result = _bot(tmp_path, "run", "--help")
    assert result.returncode == 0
    result = _bot(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN="123:abcdef",
        TREMPLIN_DATABASE=str(tmp_path / "blocker" / "db.sqlite3"),
    )
    assert result.returncode == 2
    assert "cannot open the database" in result.stderr


def test_malformed_dialogs_stop_the_bot_with_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "dialogs"
    broken.mkdir()
    for source in (PROJECT_ROOT / "dialogs").glob("*.toml"):
        (broken / source.name).write_text(source.read_text())
    (broken / "journey.toml").write_text("[[steps]\n")
    result = _bot(tmp_path, "run", "--help")
    result = _bot(tmp_path, "demo", TREMPLIN_DIALOGS=str(broken), stdin="/start\n")
    assert result.returncode == 2
    assert "journey.toml: not valid TOML" in result.stderr


def test_check_warns_while_the_structure_has_no_phone(tmp_path: Path) -> None:
    result = _bot(tmp_path, "check")
    assert result.returncode == 0
    assert "warning: structure.toml: phone is empty." in result.stdout
    dialogs = dialogs_with_phone(tmp_path, "01 48 00 00 00")
    result = _bot(tmp_path, "check", TREMPLIN_DIALOGS=str(dialogs))
    assert result.returncode == 0
    assert (
        "phone is empty" not in result.stdout
    )  # (staff ids, contacts: tests/system/test_go_live.py)
    assert "OK: dialogs, catalogs are valid." in result.stdout


def test_check_reports_problems_with_exit_1(tmp_path: Path) -> None:
    assert _bot(tmp_path, "check").returncode == 0
    broken = tmp_path / "dialogs"
    broken.mkdir()
    for source in (PROJECT_ROOT / "dialogs").glob("*.toml"):
        (broken / source.name).write_text(source.read_text())
    journey = broken / "journey.toml"
    journey.write_text(journey.read_text().replace('criteria = ["rsa"]', 'criteria = ["xyz"]'))
    result = _bot(tmp_path, "check", TREMPLIN_DIALOGS=str(broken))
    assert result.returncode == 1
    assert "unknown criterion 'xyz'" in result.stdout


def test_check_runs_integrity_check_on_a_database(tmp_path: Path) -> None:
    _bot(tmp_path, "demo", "--keep", stdin="/start\n1\n")
    database = tmp_path / "var" / "demo.sqlite3"
    result = _bot(tmp_path, "check", "--database", str(database))
    assert result.returncode == 0, result.stdout + result.stderr
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert _bot(tmp_path, "check", "--database", str(garbage)).returncode == 1


def test_run_talks_to_a_bot_api_server_over_http(tmp_path: Path) -> None:
    """`python -m bot run` with TELEGRAM_API_URL: plain Bot API traffic over HTTP."""
    api = LocalBotApi()
    with LocalBotApiServer(api) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=_env(tmp_path, TELEGRAM_BOT_TOKEN="123456:TEST-token", TELEGRAM_API_URL=server.url),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            api.text_update(1001, "/start")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if any("Étape 1 sur 8" in m.text for m in api.bot_messages(1001)):
                    break
                assert process.poll() is None, process.communicate()
                time.sleep(0.1)
            texts = [m.text for m in api.bot_messages(1001)]
            assert any("Bonjour, je suis un robot" in t for t in texts), texts
            message_id, data = api.find_button(1001, "J'accepte")
            api.callback_update(1001, message_id, data)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and "Quel âge" not in api.last(1001).text:
                time.sleep(0.1)
            assert "Quel âge avez-vous ?" in api.last(1001).text
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    log = process.stderr.read() if process.stderr else ""
    assert "123456:TEST-token" not in log  # the token never reaches the logs


def test_run_with_an_unreachable_bot_api_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _bot(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN="123456:TEST-token",
        TELEGRAM_API_URL="http://127.0.0.1:9/bot",  # the discard port: nothing listens
    )
    assert result.returncode == 2
    assert "cannot reach the Bot API at http://127.0.0.1:9/bot" in result.stderr
    assert "123456:TEST-token" not in result.stderr


def test_run_with_a_refused_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    api = LocalBotApi()
    api.fail("getMe", code=401, description="Unauthorized", times=None)
    with LocalBotApiServer(api) as server:
        result = _bot(
            tmp_path, "run", TELEGRAM_BOT_TOKEN="123456:TEST-token", TELEGRAM_API_URL=server.url
        )
    assert result.returncode == 2
    assert "refused TELEGRAM_BOT_TOKEN" in result.stderr
