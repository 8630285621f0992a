"""Under systemd (deploy/tremplin.service, Type=notify): READY=1 once the bot takes updates,
then WATCHDOG=1 twice per WatchdogSec, over the NOTIFY_SOCKET datagram socket."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bot.service.notify import notify, watchdog_interval
from localapi import LocalBotApi, LocalBotApiServer


def _receiver(tmp_path: Path) -> tuple[socket.socket, str]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    name = f"@tremplin-test-{os.getpid()}-{tmp_path.name}"
    sock.bind("\0" + name[1:])
    sock.settimeout(30)
    return sock, name


def test_notify_speaks_the_datagram_protocol(tmp_path: Path) -> None:
    sock, name = _receiver(tmp_path)
    with sock:
        assert notify("READY=1", {"NOTIFY_SOCKET": name})
        assert sock.recv(4096) == b"READY=1"
        path = tmp_path / "notify"
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as by_path:
            by_path.bind(str(path))
            assert notify("WATCHDOG=1", {"NOTIFY_SOCKET": str(path)})
            assert by_path.recv(4096) == b"WATCHDOG=1"
    assert not notify("READY=1", {})  # not under systemd: nothing, no error
    assert not notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "gone")})
    assert watchdog_interval({}) is None
    interval = watchdog_interval({"WATCHDOG_USEC": "120000000", "WATCHDOG_PID": str(os.getpid())})
    assert interval is not None and interval.total_seconds() == 60
    assert watchdog_interval({"WATCHDOG_USEC": "120000000", "WATCHDOG_PID": "1"}) is None


def test_the_running_bot_says_ready_then_keeps_the_watchdog_fed(tmp_path: Path) -> None:
    sock, name = _receiver(tmp_path)
    api = LocalBotApi()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env.update(
        TREMPLIN_ENV_FILE=os.devnull,
        TELEGRAM_BOT_TOKEN="123456:TEST-token",
        TREMPLIN_STAFF_IDS="900",
        TREMPLIN_STATE_DIR=str(tmp_path),
        NOTIFY_SOCKET=name,
        WATCHDOG_USEC="1000000",  # WatchdogSec=1: a ping every half second
    )
    with sock, LocalBotApiServer(api) as server:
        env["TELEGRAM_API_URL"] = server.url
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        try:
            received = [sock.recv(4096).decode() for _ in range(4)]
            ready_at = time.monotonic()
            assert received[0].startswith("READY=1"), received
            assert received[1:] == ["WATCHDOG=1"] * 3, received
            assert time.monotonic() - ready_at < 10
            # Ready means taking updates.
            assert any(method == "getUpdates" for method, _ in list(api.calls))
        finally:
            process.send_signal(signal.SIGINT)
            try:
                _, log = process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                _, log = process.communicate()
    assert process.returncode == 0, log
    # No ping is logged: the scheduler's routine lines are at DEBUG (LOG_LEVEL).
    assert "systemd-watchdog" not in log, log
