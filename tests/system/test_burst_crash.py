"""A crash in the middle of a room: many people walk the journey at once against a real
`python -m bot run` (updates side by side, acknowledged up to the oldest unfinished one); the
process is killed (SIGKILL) twice while dozens of updates are under way, and started again.
Every journey completes, no application is filed twice, and no message a commit owed is left
unsent."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from bench.room import FIRST_USER, TimedApi, open_slots, walk
from localapi import LocalBotApiServer
from tests.system.test_crash import BotProcess, wait_for

PEOPLE = 16
FILED = "C'est envoyé"


def test_killed_twice_during_a_burst_every_journey_completes_once(tmp_path: Path) -> None:
    api = TimedApi()
    with LocalBotApiServer(api, delay=0.01) as server:
        bot = BotProcess(tmp_path, server.url)
        open_slots(bot.database, seats=PEOPLE)
        bot.start()
        result: dict[str, Any] = {}

        steps: dict[int, str] = {}
        read_at = [0.0]

        def step(user_id: int) -> str | None:
            """The question she is at, read for everyone at most ten times a second."""
            if time.monotonic() - read_at[0] > 0.1:
                steps.clear()
                steps.update(bot.query("SELECT user_id, step FROM conversations"))  # type: ignore[arg-type]
                read_at[0] = time.monotonic()
            return steps.get(user_id)

        def people() -> None:
            result.update(
                walk(
                    api,
                    PEOPLE,
                    think=(0.05, 0.3),
                    answer_timeout=8.0,
                    patience=60.0,
                    current_step=step,
                )
            )

        walking = threading.Thread(target=people)
        try:
            assert wait_for(lambda: any(m == "getUpdates" for m, _ in list(api.calls)))
            walking.start()
            for moment in (2.0, 4.0):
                time.sleep(moment)
                bot.kill()  # in the middle: updates running, others fetched and waiting
                bot.start()
            walking.join(timeout=240)
            assert not walking.is_alive(), "the journeys did not end"
            stuck = {
                user: [m.text[:60] for m in api.bot_messages(user)[-3:]]
                for user, at in bot.query("SELECT user_id, step FROM conversations")
                if at not in ("fin", "envoye")
            }
            assert result["unfinished"] == 0, stuck
            # What the filings owed is delivered, even when the crash came right after.
            assert wait_for(lambda: bot.query("SELECT count(*) FROM outbox") == [(0,)])
        finally:
            bot.kill()
    assert result["updates"] >= PEOPLE * 20
    rows = bot.query(
        "SELECT user_id, count(*), min(state) FROM applications GROUP BY user_id ORDER BY user_id"
    )
    assert rows == [(FIRST_USER + n, 1, "nouvelle") for n in range(PEOPLE)]
    for n in range(PEOPLE):
        told = [m.text for m in api.bot_messages(FIRST_USER + n) if FILED in m.text]
        assert told, f"person {n} was never told her application was received"
