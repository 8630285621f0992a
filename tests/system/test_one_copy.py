"""Issue 22: one copy at a time, and a copy that cannot do its work says so and stops.
`python -m bot run` as a service runs it, against a Bot API server over HTTP: a second copy on
the same database refuses to start (exit 3, naming the process); a 409 Conflict from
getUpdates is one log line and exit 4; the database file deleted while the bot runs is
noticed, told to the operators, and the bot stops (exit 5); a start after a crash is told."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from localapi import LocalBotApi, LocalBotApiServer

OPERATOR = 777
TOKEN = "123456:TEST-token"


def _env(tmp_path: Path, url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env.update(
        TREMPLIN_DATABASE=str(tmp_path / "state" / "tremplin.sqlite3"),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=url,
        TREMPLIN_OPERATOR_IDS=str(OPERATOR),
        TREMPLIN_DB_WATCH_SECONDS="1",
        **extra,
    )
    return env


def _start(tmp_path: Path, url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env=_env(tmp_path, url),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_polling(api: LocalBotApi, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while not api.calls_to("getUpdates"):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        return process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


def test_a_second_copy_on_the_same_database_refuses_to_start(tmp_path: Path) -> None:
    api = LocalBotApi()
    with LocalBotApiServer(api) as server:
        first = _start(tmp_path, server.url)
        try:
            _wait_polling(api, first)
            second = subprocess.run(
                [sys.executable, "-m", "bot", "run"],
                env=_env(tmp_path, server.url),
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert second.returncode == 3
            assert f"another copy of the bot (process {first.pid})" in second.stderr
            assert "Traceback" not in second.stderr
            assert first.poll() is None  # the first one goes on
        finally:
            _stop(first)
    assert first.returncode == 0
    # A clean stop: the next start is not taken for one after a crash.
    assert not (tmp_path / "state" / "tremplin.sqlite3.running").exists()
    state = tmp_path / "state"
    assert oct(state.stat().st_mode & 0o777) == "0o700"
    for name in ("tremplin.sqlite3", "tremplin.sqlite3.lock"):
        assert oct((state / name).stat().st_mode & 0o777) == "0o600", name


def test_a_409_conflict_is_one_clear_line_and_exit_4(tmp_path: Path) -> None:
    api = LocalBotApi()
    api.fail("getUpdates", code=409, times=None)
    with LocalBotApiServer(api) as server:
        process = _start(tmp_path, server.url)
        try:
            process.wait(timeout=60)
        finally:
            _, stderr = _stop(process)
    assert process.returncode == 4
    assert "another program polls with this token" in stderr
    assert "Traceback" not in stderr
    assert TOKEN not in stderr


def test_the_database_deleted_while_the_bot_runs_stops_it_and_is_told(tmp_path: Path) -> None:
    api = LocalBotApi()
    api.known_chat(OPERATOR)
    with LocalBotApiServer(api) as server:
        process = _start(tmp_path, server.url)
        try:
            _wait_polling(api, process)
            (tmp_path / "state" / "tremplin.sqlite3").unlink()
            process.wait(timeout=30)
        finally:
            _stop(process)
        assert process.returncode == 5
        (alert,) = [m.text for m in api.bot_messages(OPERATOR)]
        assert "tremplin.sqlite3 a disparu" in alert and "s'arrête" in alert


def test_a_start_after_a_crash_is_told_to_the_operators(tmp_path: Path) -> None:
    api = LocalBotApi()
    api.known_chat(OPERATOR)
    with LocalBotApiServer(api) as server:
        process = _start(tmp_path, server.url)
        _wait_polling(api, process)
        process.kill()  # as a power cut would: no clean stop
        process.wait()
        assert api.bot_messages(OPERATOR) == []
        again = _start(tmp_path, server.url)
        try:
            deadline = time.monotonic() + 30
            while not api.bot_messages(OPERATOR) and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            _stop(again)
    (alert,) = [m.text for m in api.bot_messages(OPERATOR)]
    assert "redémarre après un arrêt brutal" in alert


def test_json_log_lines_and_no_scheduler_chatter(tmp_path: Path) -> None:
    """`TREMPLIN_LOG_FORMAT=json`: one JSON object a line; the job scheduler's routine lines
    (a database watch every second here) stay out of the log unless LOG_LEVEL=DEBUG."""
    api = LocalBotApi()
    with LocalBotApiServer(api) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=_env(tmp_path, server.url, TREMPLIN_LOG_FORMAT="json"),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _wait_polling(api, process)
        time.sleep(3)
        _, stderr = _stop(process)
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert any(entry["message"] == "ready: polling for updates" for entry in lines)
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert not any("database-watch" in entry["message"] for entry in lines)
