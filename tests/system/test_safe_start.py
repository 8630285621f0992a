"""A safe start (issue 22): without a token `run` starts the demo only on a terminal, a
missing staff list is said at start, and the settings and the state do not depend on the
folder the program is started from (TREMPLIN_ENV_FILE, TREMPLIN_STATE_DIR, STATE_DIRECTORY)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core.settings import PROJECT_ROOT, SettingsError, load_settings
from localapi import LocalBotApi, LocalBotApiServer


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env.pop("STATE_DIRECTORY", None)
    env["TREMPLIN_ENV_FILE"] = os.devnull  # never a developer's .env
    env.update(extra)
    return env


def _bot(cwd: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=_env(**extra),
        cwd=cwd,
        timeout=60,
    )


def test_run_without_a_token_and_without_a_terminal_stops_with_exit_2(tmp_path: Path) -> None:
    state = tmp_path / "state"
    result = _bot(tmp_path, "run", TREMPLIN_STATE_DIR=str(state))
    assert result.returncode == 2
    assert result.stdout == ""
    french, english = result.stderr.strip().splitlines()
    assert "TELEGRAM_BOT_TOKEN manque et l'entrée n'est pas un terminal" in french
    assert "TELEGRAM_BOT_TOKEN is missing and standard input is not a terminal" in english
    assert "python -m bot demo" in english
    assert not state.exists()  # no demo database was made


def test_the_message_names_the_env_file_that_was_read(tmp_path: Path) -> None:
    env_file = tmp_path / "tremplin.env"
    env_file.write_text("# no token yet\nTREMPLIN_STAFF_IDS=11\n")
    result = _bot(tmp_path, "run", TREMPLIN_ENV_FILE=str(env_file))
    assert result.returncode == 2
    assert f"Put the token in {env_file}" in result.stderr


def test_run_without_a_token_on_a_terminal_is_the_demo(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=_env(TREMPLIN_STATE_DIR=str(tmp_path)),
        cwd=tmp_path,
    )
    os.close(terminal)
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 60
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(controller, 65536)
                except OSError:  # the program ended and closed the terminal
                    break
        assert marker in seen, seen.decode(errors="replace")

    try:
        read_until(b"Tapez /start")
        os.write(controller, b"/start\n")
        read_until(b"Bonjour, je suis un robot")
        os.write(controller, b"\x04")  # Ctrl-D: end of input
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)
    assert (tmp_path / "demo.sqlite3").exists()  # the demo's database, in the state folder


def _run_until_polling(tmp_path: Path, **extra: str) -> str:
    """`run` against a local Bot API until it polls; then Ctrl-C. Its log (stderr)."""
    api = LocalBotApi()
    with LocalBotApiServer(api) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(
                TELEGRAM_BOT_TOKEN="123456:TEST-token",
                TELEGRAM_API_URL=server.url,
                TREMPLIN_STATE_DIR=str(tmp_path / "state"),
                **extra,
            ),
            cwd=tmp_path,
        )
        try:
            deadline = time.monotonic() + 30
            while not any(method == "getUpdates" for method, _ in list(api.calls)):
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the bot did not start polling"
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                _, log = process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                _, log = process.communicate()
    assert process.returncode == 0, log
    return log


def test_a_start_without_staff_says_so_in_the_log(tmp_path: Path) -> None:
    log = _run_until_polling(tmp_path)
    assert log.count("TREMPLIN_STAFF_IDS is empty") == 1, log  # said once, as a warning
    assert "WARNING bot.journey.feature: not ready for real candidates: TREMPLIN_STAFF_IDS" in log
    assert "new applications reach no one" in log
    # With staff, nothing of the kind; the database is in the state folder.
    log = _run_until_polling(tmp_path, TREMPLIN_STAFF_IDS="900")
    assert "TREMPLIN_STAFF_IDS is empty" not in log
    assert (tmp_path / "state" / "tremplin.sqlite3").exists()


def test_the_env_file_and_the_state_folder_do_not_depend_on_the_current_folder(
    tmp_path: Path,
) -> None:
    """A service starts wherever: the settings come from TREMPLIN_ENV_FILE, the database
    goes to systemd's STATE_DIRECTORY."""
    state = tmp_path / "var-lib-tremplin"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".env").write_text("TREMPLIN_DIALOGS=/nowhere/from/the/current/folder\n")
    env_file = tmp_path / "etc" / "tremplin.env"
    env_file.parent.mkdir()
    env_file.write_text('# comment\nTREMPLIN_DIALOGS="/nowhere/from/the/env/file"\n')
    result = _bot(elsewhere, "check", TREMPLIN_ENV_FILE=str(env_file))
    assert result.returncode == 2
    assert "'/nowhere/from/the/env/file'" in result.stderr  # read, and only that file
    # The environment wins over the file.
    result = _bot(
        elsewhere,
        "check",
        TREMPLIN_ENV_FILE=str(env_file),
        TREMPLIN_DIALOGS=str(PROJECT_ROOT / "dialogs"),
    )
    assert result.returncode == 0, result.stderr
    # STATE_DIRECTORY (what systemd's StateDirectory= sets) holds the database.
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        input="/start\n",
        capture_output=True,
        text=True,
        env=_env(STATE_DIRECTORY=str(state)),
        cwd=elsewhere,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (state / "demo.sqlite3").exists()
    assert not (elsewhere / "var").exists()


def test_a_missing_env_file_is_exit_2(tmp_path: Path) -> None:
    result = _bot(tmp_path, "check", TREMPLIN_ENV_FILE=str(tmp_path / "missing.env"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"tremplin: TREMPLIN_ENV_FILE must be an existing file, '{tmp_path / 'missing.env'}' is not"
    ]


def test_the_state_folder_settings(tmp_path: Path) -> None:
    assert load_settings({}).database == PROJECT_ROOT / "var" / "tremplin.sqlite3"
    systemd = load_settings({"STATE_DIRECTORY": f"{tmp_path}/a:{tmp_path}/b"})
    assert systemd.state_dir == tmp_path / "a"
    assert systemd.database == tmp_path / "a" / "tremplin.sqlite3"
    chosen = load_settings(
        {
            "STATE_DIRECTORY": str(tmp_path / "a"),
            "TREMPLIN_STATE_DIR": str(tmp_path / "b"),
            "TREMPLIN_DATABASE": "bot.sqlite3",
        }
    )
    assert chosen.database == tmp_path / "b" / "bot.sqlite3"  # relative: in the state folder
    absolute = load_settings({"TREMPLIN_DATABASE": str(tmp_path / "x.sqlite3")})
    assert absolute.database == tmp_path / "x.sqlite3"
    with pytest.raises(SettingsError, match="TREMPLIN_STATE_DIR must be an absolute"):
        load_settings({"TREMPLIN_STATE_DIR": "var"})
    (tmp_path / "file").write_text("")
    with pytest.raises(SettingsError, match="STATE_DIRECTORY must be a folder"):
        load_settings({"STATE_DIRECTORY": str(tmp_path / "file")})
