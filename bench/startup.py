"""Start-up time of `python -m bot run`: from launch until it polls the local Bot API."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from localapi import LocalBotApi, LocalBotApiServer


def measure_startup(workdir: Path, runs: int = 3) -> float:
    """The best of `runs` starts, in seconds (the first one also warms the disk cache)."""
    best = float("inf")
    for run in range(runs):
        api = LocalBotApi()
        with LocalBotApiServer(api) as server:
            env = {
                k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))
            }
            env.update(
                TELEGRAM_BOT_TOKEN="123456:BENCH-token",
                TELEGRAM_API_URL=server.url,
                TREMPLIN_DATABASE=str(workdir / f"startup-{run}.sqlite3"),
            )
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                env=env,
                cwd=workdir,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                while not any(method == "getUpdates" for method, _ in list(api.calls)):
                    if process.poll() is not None or time.perf_counter() - started > 30:
                        raise RuntimeError("the bot did not start")
                    time.sleep(0.005)
                best = min(best, time.perf_counter() - started)
            finally:
                process.terminate()
                process.wait(timeout=20)
    return round(best, 3)
