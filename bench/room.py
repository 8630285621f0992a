"""The bot as people meet it: `python -m bot run` in its own process, polling a local Bot API
server over real HTTP, every call `delay` seconds away (a round trip to Telegram), while
people walk the whole journey at once: each taps, waits until the bot answers, reads for a
second or two, and taps again.

Measured from the people's side: the time from a tap (the update handed to the Bot API) to
the first thing the bot shows in that chat (a message sent or edited), and the updates
handled per second. Used by `bench/run.py` and by tests/system/test_burst_crash.py.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from localapi import LocalBotApi, LocalBotApiServer

FIRST_USER = 6_000_000
STAFF = 900
# What a person sees in her chat.
SHOWN = frozenset(
    {"sendmessage", "editmessagetext", "senddocument", "sendvenue", "sendphoto", "sendvoice"}
)


class TimedApi(LocalBotApi):
    """The local Bot API, noting when each chat was shown something."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: dict[int, list[float]] = defaultdict(list)

    def handle(
        self, method: str, params: dict[str, Any] | None = None, *, max_wait: float | None = None
    ) -> Any:
        result = super().handle(method, params, max_wait=max_wait)
        if method.lower() in SHOWN and params and "chat_id" in params:
            with suppress(TypeError, ValueError):
                self.shown[int(params["chat_id"])].append(time.monotonic())
        return result

    def first_shown_after(self, chat_id: int, moment: float) -> float | None:
        found = None
        for at in reversed(self.shown.get(chat_id, ())):
            if at <= moment:
                break
            found = at
        return found


@dataclass
class BotRun:
    process: subprocess.Popen[bytes]
    database: Path
    log: Path

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=10)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def cpu_seconds(self) -> float:
        """User and system CPU time of the process so far (Linux)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def peak_rss_mb(self) -> float:
        """The process's peak resident memory so far (Linux: VmHWM)."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            pass
        return 0.0


def bot_env(api_url: str, database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env.update(
        TELEGRAM_BOT_TOKEN="123456:BENCH-token",
        TELEGRAM_API_URL=api_url,
        TREMPLIN_DATABASE=str(database),
        TREMPLIN_STAFF_IDS=str(STAFF),
        **extra,
    )
    return env


def open_slots(database: Path, seats: int) -> None:
    """Dates to book at the rendez-vous step, written before the bot starts."""
    from bot.store import Store

    store = Store.open(database)
    try:
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
        for index in range(4):
            store.add_slot(start=start + timedelta(days=index), seats=seats, place="Atelier")
    finally:
        store.close()


@contextmanager
def running_bot(
    workdir: Path, name: str, api: LocalBotApi, *, delay: float, seats: int = 0, **env: str
) -> Iterator[BotRun]:
    """`python -m bot run` against a local Bot API server `delay` seconds away."""
    database = workdir / f"{name}.sqlite3"
    if seats:
        open_slots(database, seats)
    log = workdir / f"{name}.log"
    with LocalBotApiServer(api, delay=delay) as server, log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=bot_env(server.url, database, **env),
            cwd=workdir,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        run = BotRun(process, database, log)
        try:
            started = time.monotonic()
            while not any(method == "getUpdates" for method, _ in list(api.calls)):
                if process.poll() is not None or time.monotonic() - started > 60:
                    raise RuntimeError(f"the bot did not start (see {log})")
                time.sleep(0.01)
            yield run
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def journey_script() -> list[tuple[str, str]]:
    """A complete journey, booking the first date offered (tests/journeys.py's answers)."""
    from tests.journeys import AFTER_VERDICT, PROBABLE

    after = [("date", "📅") if step == ("tap", "D'accord") else step for step in AFTER_VERDICT]
    return [
        ("send", "/start"),
        *PROBABLE,
        ("tap", "Continuer"),
        *after,
        ("tap", "✅ Envoyer ma candidature"),
    ]


@dataclass
class Walker:
    """One person walking the journey: taps only once the bot answered her last tap."""

    api: TimedApi
    user_id: int
    script: list[tuple[str, str]]
    position: int = 0
    next_at: float = 0.0
    tapped_at: float | None = None
    wanted_since: float | None = None
    latencies: list[float] = field(default_factory=list)
    unanswered: int = 0
    answer_timeout: float = 30.0
    patience: float = 3.0  # seconds to wait for a button before taking the step as skipped
    # The question the person is at, when known (a test reads it from the database): a
    # button of an older question still on screen is then not taken for the current one.
    current_step: Callable[[int], str | None] | None = None

    @property
    def done(self) -> bool:
        return self.position >= len(self.script) and self.tapped_at is None

    def step(self, now: float, think: tuple[float, float], rng: random.Random) -> bool:
        """Move on if she can; True when she sent an update."""
        if self.tapped_at is not None:
            shown = self.api.first_shown_after(self.user_id, self.tapped_at)
            if shown is not None:
                self.latencies.append(shown - self.tapped_at)
                self.tapped_at = None
                self.next_at = now + rng.uniform(*think)
            elif now - self.tapped_at > self.answer_timeout:
                # No answer (lost with a crashed process): she asks again, as a person
                # would, and /start shows the question she is at.
                self.unanswered += 1
                self.api.text_update(self.user_id, "/start")
                self.tapped_at = time.monotonic()
            return False
        if now < self.next_at or self.position >= len(self.script):
            return False
        update = self._update(now)
        if update:
            self.tapped_at = time.monotonic()
        return update

    def _update(self, now: float) -> bool:
        action, value = self.script[self.position]
        if action == "send":
            self.api.text_update(self.user_id, value)
        elif action == "contact":
            self.api.contact_update(self.user_id, value)
        else:
            if action == "date":
                labels = self.api.last(self.user_id).buttons()
                value = next((label for label in labels if label.startswith(value)), value)
            try:
                message_id, data = self.api.find_button(self.user_id, value)
                if self.current_step is not None:
                    step = self.current_step(self.user_id)
                    if step is not None and data.split(":")[1:2] != [step]:
                        raise LookupError(value)
            except LookupError:
                # Not on screen yet (an answer in two parts), or a step skipped.
                self.wanted_since = self.wanted_since or now
                if now - self.wanted_since < self.patience:
                    self.next_at = now + 0.05
                    return False
                self.wanted_since = None
                self.position += 1
                return False
            self.api.callback_update(self.user_id, message_id, data)
        self.wanted_since = None
        self.position += 1
        return True


def walk(
    api: TimedApi,
    people: int,
    *,
    think: tuple[float, float],
    first_user: int = FIRST_USER,
    seed: int = 23,
    deadline: float = 240,
    answer_timeout: float = 30.0,
    patience: float = 3.0,
    current_step: Callable[[int], str | None] | None = None,
) -> dict[str, Any]:
    """`people` walk the journey at once; returns the updates sent, the seconds from the
    first to the last answer, and every tap-to-first-answer latency."""
    rng = random.Random(seed)
    script = journey_script()
    walkers = [
        Walker(
            api,
            first_user + n,
            script,
            answer_timeout=answer_timeout,
            patience=patience,
            current_step=current_step,
        )
        for n in range(people)
    ]
    for walker in walkers:  # they do not all arrive in the same millisecond
        walker.next_at = time.monotonic() + rng.uniform(0, think[1])
    updates = 0
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        now = time.monotonic()
        active = [w for w in walkers if not w.done]
        if not active:
            break
        for walker in active:
            updates += walker.step(now, think, rng)
        time.sleep(0.002)
    latencies = [latency for walker in walkers for latency in walker.latencies]
    return {
        "updates": updates,
        "seconds": time.monotonic() - started,
        "latencies": latencies,
        "unfinished": sum(not w.done for w in walkers),
        "unanswered": sum(w.unanswered for w in walkers),
    }


def percentile_ms(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000, 1)


def filed_once(run: BotRun, people: int, first_user: int = FIRST_USER) -> bool:
    rows = run.query(
        "SELECT user_id, count(*) FROM applications WHERE state = 'nouvelle' GROUP BY user_id"
    )
    return len(rows) == people and all(count == 1 for _, count in rows)


def room(
    workdir: Path, *, people: int, delay: float, think: tuple[float, float], name: str, **env: str
) -> dict[str, Any]:
    api = TimedApi()
    api.known_chat(STAFF)
    with running_bot(workdir, name, api, delay=delay, seats=people, **env) as run:
        cpu = run.cpu_seconds()
        walked = walk(api, people, think=think)
        cpu = run.cpu_seconds() - cpu
        latencies = walked["latencies"]
        answered_in = walked["seconds"]
        result = {
            "people": people,
            "delay_ms": round(delay * 1000),
            "think_s": list(think),
            "updates": walked["updates"],
            "updates_per_second": round(walked["updates"] / answered_in, 1),
            "p50_ms": percentile_ms(latencies, 0.50),
            "p95_ms": percentile_ms(latencies, 0.95),
            "p99_ms": percentile_ms(latencies, 0.99),
            "bot_cpu_ms_per_update": round(cpu * 1000 / max(walked["updates"], 1), 2),
            "unfinished_journeys": walked["unfinished"],
            "filed_exactly_once": filed_once(run, people),
            "peak_rss_mb": run.peak_rss_mb(),
        }
    return result


def flood(workdir: Path, *, messages: int, delay: float, name: str = "flood") -> dict[str, Any]:
    """One person sends `messages` at once; then a newcomer sends /start."""
    api = TimedApi()
    with running_bot(workdir, name, api, delay=delay) as run:
        flooder, newcomer = FIRST_USER - 1, FIRST_USER - 2
        for number in range(messages):
            api.text_update(flooder, f"bonjour {number}")
        sent = time.monotonic()
        api.text_update(newcomer, "/start")
        answered = None
        while answered is None and time.monotonic() - sent < 120:
            answered = api.first_shown_after(newcomer, sent)
            time.sleep(0.002)
        time.sleep(1.0)  # what the flood still costs, for the memory figure
        flooder_answers = len(api.shown.get(flooder, ()))
        return {
            "messages": messages,
            "delay_ms": round(delay * 1000),
            "newcomer_start_ms": round((answered - sent) * 1000, 1) if answered else None,
            "flooder_answers": flooder_answers,
            "peak_rss_mb": run.peak_rss_mb(),
        }
