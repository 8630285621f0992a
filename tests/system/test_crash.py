"""Crash anywhere and lose nothing: a real `python -m bot run` is killed (SIGKILL) at every
step of the candidate journey and started again; every answer is kept and exactly one
application is filed."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from localapi import LocalBotApi, LocalBotApiServer
from tests.journeys import AFTER_VERDICT, PROBABLE

USER = 1001


class BotProcess:
    """`python -m bot run` against a local Bot API server, started and killed at will."""

    def __init__(self, tmp_path: Path, api_url: str) -> None:
        self.database = tmp_path / "var" / "tremplin.sqlite3"
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))
        }
        self.env.update(
            TELEGRAM_BOT_TOKEN="123456:CRASH-test",
            TELEGRAM_API_URL=api_url,
            TREMPLIN_DATABASE=str(self.database),
            TREMPLIN_ENV_FILE=os.devnull,  # never a developer's .env
            # A script taps faster than anyone: no per-person budget (tests/system/test_flood.py).
            TREMPLIN_FLOOD_UPDATES="0",
        )
        self.cwd = tmp_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.runs = getattr(self, "runs", 0) + 1
        log = (self.cwd / f"run-{self.runs:02d}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=self.env,
            cwd=self.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def query(self, sql: str) -> list[tuple[object, ...]]:
        if not self.database.exists():
            return []
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=5)
        try:
            return connection.execute(sql).fetchall()
        except sqlite3.OperationalError:
            return []  # the schema is not there yet
        finally:
            connection.close()

    def step(self) -> str | None:
        rows = self.query(f"SELECT step FROM conversations WHERE user_id = {USER}")
        return str(rows[0][0]) if rows else None

    def answered(self) -> str:
        """The draft's answers as stored (the journey's progress, kill-proof)."""
        rows = self.query(f"SELECT answers, state FROM applications WHERE user_id = {USER}")
        return repr(rows)

    def progress(self) -> str:
        """Where the person is and her answers, read in one statement: two reads could fall
        on both sides of a commit and see a step that was not reached yet."""
        sql = (
            "SELECT (SELECT step FROM conversations WHERE user_id = {u}), "
            "(SELECT group_concat(answers || state) FROM applications WHERE user_id = {u})"
        )
        return repr(self.query(sql.format(u=USER)))

    def log_tail(self, lines: int = 30) -> str:
        """The end of the last run's log, for a failure's message."""
        log = self.cwd / f"run-{getattr(self, 'runs', 0):02d}.log"
        if not log.exists():
            return ""
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_killed_at_every_step_loses_nothing_and_files_once(tmp_path: Path) -> None:
    rng = random.Random(7)
    api = LocalBotApi()
    script = [
        ("send", "/start"),
        *PROBABLE,
        ("tap", "Continuer"),
        *AFTER_VERDICT,
        ("tap", "✅ Envoyer ma candidature"),
    ]
    kills = 0
    with LocalBotApiServer(api) as server:
        bot = BotProcess(tmp_path, server.url)
        bot.start()
        try:
            for number, (action, value) in enumerate(script):
                before = bot.progress()
                if action == "tap":
                    if not wait_for(lambda v=value: _has_button(api, v, bot.step()), 10):
                        # The reply was lost with the process: ask again, as a person would.
                        api.text_update(USER, "/start")
                        assert wait_for(lambda v=value: _has_button(api, v, bot.step())), (
                            number,
                            value,
                            bot.step(),
                            [m.text[:40] for m in api.messages(USER)],
                        )
                    message_id, data = api.find_button(USER, value)
                    api.callback_update(USER, message_id, data)
                elif action == "contact":
                    api.contact_update(USER, value)
                else:
                    api.text_update(USER, value)
                # Kill at a random moment: before, during or after the update's processing.
                time.sleep(rng.uniform(0.0, 0.4))
                bot.kill()
                kills += 1
                bot.start()
                if number > 0:
                    assert wait_for(lambda b=before: bot.progress() != b), (
                        f"step {number} ({value}) was lost",
                        bot.log_tail(),
                    )
            assert wait_for(
                lambda: (
                    bot.query(
                        "SELECT count(*) FROM applications "
                        f"WHERE user_id = {USER} AND state = 'nouvelle'"
                    )
                    == [(1,)]
                )
            )
        finally:
            bot.kill()
    rows = bot.query(
        "SELECT state, first_name, last_name, phone, workshops, reference FROM applications"
    )
    assert rows == [
        ("nouvelle", "Awa", "Diallo", "+33612345678", '["bois", "metallerie"]', rows[0][5])
    ]
    assert kills == len(script)


def _has_button(api: LocalBotApi, label: str, step: str | None) -> bool:
    """The button is on screen and answers the current step (not an older question's)."""
    try:
        _, data = api.find_button(USER, label)
    except LookupError:
        return False
    return step is None or data.split(":")[1] == step
