"""`make bench [N=300]`: how fast the bot is, measured, not asserted.

1. N simulated candidates walk complete journeys (consent, eligibility, workshops, contact,
   slot, summary, filed) through the real Application and handlers, in one process on one
   core, with the in-process Bot API (no network), their updates interleaved as real traffic.
2. The same way, a bare python-telegram-bot Application that only echoes text: the floor any
   bot built on it pays.
3. A database seeded with 100,000 applications: the staff queries, timed.
4. The start-up of `python -m bot run` until it polls, against a local Bot API server.
5. The bot as people meet it (bench/room.py): `python -m bot run` in its own process, polling
   a local Bot API server over real HTTP whose every call takes `--delay-ms` (50 ms: a round
   trip to Telegram). Capacity (people tapping as soon as answered, the rate limiter lifted),
   a room (50 people tapping 1-3 s after each answer, production settings: p50/p95/p99 from a
   tap to the first answer), a flood (one person sends 400 messages at once, then a newcomer
   sends /start), and the same with 0 ms. Peak memory of the bot process.

Writes bench/results.json. Timings are per update: from the update's JSON to the end of its
processing (`Update.de_json` + `Application.process_update`), Bot API calls included.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import telegram
from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bench.room import flood, room
from bench.seed import seed_applications, time_staff_queries
from bench.startup import measure_startup
from bot.app import build_application
from bot.core.settings import load_settings
from localapi import LocalBotApi, LocalRequest

RESULTS = Path(__file__).with_name("results.json")
ROUNDS = 3  # the bot and the floor measured in turns
FIRST_USER = 5_000_000


def journey_script() -> list[tuple[str, str]]:
    """A complete journey, as labels to tap and texts to type (tests/journeys.py's)."""
    from tests.journeys import AFTER_VERDICT, PROBABLE

    # At the rendez-vous, book the first date offered (the benchmark opens slots).
    after = [("date", "📅") if step == ("tap", "D'accord") else step for step in AFTER_VERDICT]

    return [
        ("send", "/start"),
        *PROBABLE,
        ("tap", "Continuer"),
        *after,
        ("tap", "✅ Envoyer ma candidature"),
    ]


class Candidate:
    """One simulated person: builds their next update the way Telegram would."""

    def __init__(self, api: LocalBotApi, user_id: int, script: list[tuple[str, str]]) -> None:
        self.api, self.user_id, self.script, self.position = api, user_id, script, 0

    def next_update(self) -> dict[str, Any] | None:
        while self.position < len(self.script):
            action, value = self.script[self.position]
            self.position += 1
            if action == "send":
                return self.api.text_update(self.user_id, value)
            if action == "contact":
                return self.api.contact_update(self.user_id, value)
            if action == "date":
                labels = self.api.last(self.user_id).buttons()
                value = next((label for label in labels if label.startswith(value)), "")
            try:
                message_id, data = self.api.find_button(self.user_id, value)
            except LookupError:
                keyboard = self.api.reply_keyboard(self.user_id)
                if keyboard and _in_reply_keyboard(keyboard, value):
                    return self.api.text_update(self.user_id, value)
                continue  # a step that this journey skipped (e.g. no slot offered)
            return self.api.callback_update(self.user_id, message_id, data)
        return None


def _in_reply_keyboard(keyboard: dict[str, Any], label: str) -> bool:
    return any(
        (b if isinstance(b, str) else b.get("text")) == label
        for row in keyboard.get("keyboard", [])
        for b in row
    )


async def drive(
    app: Application,  # type: ignore[type-arg]
    candidates: list[Candidate],
    cpu: list[float] | None = None,
) -> list[float]:
    """Round-robin over the candidates (interleaved traffic); per-update seconds (wall
    clock; the CPU time of each update goes to `cpu`)."""
    timings: list[float] = []
    active = list(candidates)
    while active:
        still = []
        for candidate in active:
            update = candidate.next_update()
            if update is None:
                continue
            started, started_cpu = time.perf_counter(), time.thread_time()
            await app.process_update(Update.de_json(update, app.bot))
            timings.append(time.perf_counter() - started)
            if cpu is not None:
                cpu.append(time.thread_time() - started_cpu)
            still.append(candidate)
        active = still
    return timings


async def bench_bot(n: int, workdir: Path) -> dict[str, Any]:
    settings = replace(load_settings({}), database=workdir / "bench.sqlite3")
    api = LocalBotApi()
    app = build_application(settings, request=LocalRequest(api))
    await app.initialize()
    store = app.bot_data["tremplin"].store
    _add_slots(store, n)
    script = journey_script()
    candidates = [Candidate(api, FIRST_USER + i, script) for i in range(n)]
    gc.collect()
    cpu: list[float] = []
    started = time.perf_counter()
    timings = await drive(app, candidates, cpu)
    elapsed = time.perf_counter() - started
    filed = store.db.execute(
        "SELECT count(*) FROM applications WHERE state = 'nouvelle'"
    ).fetchone()[0]
    await app.shutdown()
    store.close()
    return {"timings": timings, "cpu": cpu, "elapsed": elapsed, "filed": filed}


def _add_slots(store: Any, n: int) -> None:
    """Enough seats for everyone, so that every journey books one (when slots exist)."""
    add_slot = getattr(store, "add_slot", None)
    if add_slot is None:
        return
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    for index in range(4):
        add_slot(start=start + timedelta(days=index), seats=n, place="Atelier")


async def bench_bare_echo(updates: int) -> list[float]:
    api = LocalBotApi()
    app = Application.builder().token("1:bare").request(LocalRequest(api)).build()

    async def echo(update: Update, context: Any) -> None:
        await update.effective_message.reply_text(update.effective_message.text)  # type: ignore[union-attr]

    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    users = 200
    queued = [api.text_update(FIRST_USER + i % users, f"bonjour {i}") for i in range(updates)]
    gc.collect()
    timings = []
    for update in queued:
        started = time.perf_counter()
        await app.process_update(Update.de_json(update, app.bot))
        timings.append(time.perf_counter() - started)
    await app.shutdown()
    return timings


async def bench_button_floor(updates: int, cpu: list[float] | None = None) -> list[float]:
    """A bare Application that answers a button press and edits its message (5 buttons):
    what any bot pays for one step of a button-driven journey, before its own work."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    api = LocalBotApi()
    app = Application.builder().token("1:floor").request(LocalRequest(api)).build()
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"Réponse {i}", callback_data=f"j:step:{i}")] for i in range(5)]
    )
    counter = iter(range(10**9))

    async def start(update: Update, context: Any) -> None:
        await update.effective_message.reply_text("Question ?", reply_markup=keyboard)  # type: ignore[union-attr]

    async def tap(update: Update, context: Any) -> None:
        query = update.callback_query
        await query.answer()  # type: ignore[union-attr]
        await query.edit_message_text(f"Question {next(counter)} ?", reply_markup=keyboard)  # type: ignore[union-attr]

    from telegram.ext import CallbackQueryHandler, CommandHandler

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(tap))
    await app.initialize()
    users = 200
    for user in range(users):
        await app.process_update(
            Update.de_json(api.text_update(FIRST_USER + user, "/start"), app.bot)
        )
    timings = []
    for number in range(updates):
        user = FIRST_USER + number % users
        message_id, data = api.find_button(user, "Réponse 1")
        update = api.callback_update(user, message_id, data)
        started, started_cpu = time.perf_counter(), time.thread_time()
        await app.process_update(Update.de_json(update, app.bot))
        timings.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.thread_time() - started_cpu)
    await app.shutdown()
    return timings


def measure_latency(workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """`python -m bot run` in its own process, against a local Bot API server over HTTP
    whose every call takes `--delay-ms` (bench/room.py)."""
    delay = args.delay_ms / 1000
    think = tuple(args.think)
    # Capacity: the rate limiter (Telegram's ~30 messages a second) and the per-person
    # budget lifted, everyone tapping as soon as answered: what the bot itself can carry.
    lifted = {"TREMPLIN_RATE_LIMIT": "off", "TREMPLIN_FLOOD_UPDATES": "0"}
    capacity = room(
        workdir,
        people=args.capacity_people,
        delay=delay,
        think=(0.0, 0.0),
        name="capacity",
        **lifted,
    )
    a_room = room(workdir, people=args.room_people, delay=delay, think=think, name="room")
    a_flood = flood(workdir, messages=args.flood, delay=delay)
    # The same two with no delay: the bot's own share of the time.
    capacity_0 = room(
        workdir, people=args.capacity_people, delay=0.0, think=(0.0, 0.0), name="cap0", **lifted
    )
    flood_0 = flood(workdir, messages=args.flood, delay=0.0, name="flood0")
    return {
        "capacity": capacity,
        "room": a_room,
        "flood": a_flood,
        "capacity_0ms": capacity_0,
        "flood_0ms": flood_0,
        "bot_peak_rss_mb": max(r["peak_rss_mb"] for r in (capacity, a_room, a_flood)),
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("-n", "--candidates", type=int, default=2000)
    parser.add_argument(
        "--applications",
        type=int,
        default=100_000,
        help="applications seeded for the staff queries",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--delay-ms",
        type=float,
        default=50,
        help="milliseconds every Bot API call takes in the runs against `python -m bot run`",
    )
    parser.add_argument(
        "--room-people", type=int, default=50, help="people walking at once (0: skip those runs)"
    )
    parser.add_argument(
        "--capacity-people", type=int, default=100, help="people tapping as soon as answered"
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="seconds a person takes to read an answer and tap again",
    )
    parser.add_argument("--flood", type=int, default=400, help="messages sent by one person")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tremplin-bench-") as tmp:
        workdir = Path(tmp)
        # The bot and the button floor in turns, so that both meet the same load on a shared
        # machine (run one after the other, a busy minute fell on one of them only).
        timings, floor_timings, filed, elapsed = [], [], 0, 0.0
        cpu: list[float] = []
        floor_cpu: list[float] = []
        for turn in range(ROUNDS):
            share = args.candidates // ROUNDS + (turn < args.candidates % ROUNDS)
            bot = asyncio.run(bench_bot(share, workdir / f"turn-{turn}"))
            timings += bot["timings"]
            cpu += bot["cpu"]
            filed += bot["filed"]
            elapsed += bot["elapsed"]
            floor_timings += asyncio.run(
                bench_button_floor(min(len(bot["timings"]), 1500), floor_cpu)
            )
        bare = asyncio.run(bench_bare_echo(len(timings)))
        ours, floor = statistics.mean(timings), statistics.mean(bare)
        staff = time_staff_queries(seed_applications(workdir / "seeded.sqlite3", args.applications))
        startup = measure_startup(workdir)
        latency = measure_latency(workdir, args) if args.room_people else {}
    results = {
        "candidates": args.candidates,
        "applications_filed": filed,
        "updates": len(timings),
        "updates_per_second": round(len(timings) / sum(timings), 1),
        "wall_seconds": round(elapsed, 2),
        "p50_ms": round(percentile(timings, 0.50) * 1000, 3),
        "p99_ms": round(percentile(timings, 0.99) * 1000, 3),
        "bare_ptb_updates_per_second": round(len(bare) / sum(bare), 1),
        "bare_ptb_p99_ms": round(percentile(bare, 0.99) * 1000, 3),
        "ratio_to_bare_ptb": round(ours / floor, 2),
        "button_floor_updates_per_second": round(len(floor_timings) / sum(floor_timings), 1),
        "ratio_to_button_floor": round(ours / statistics.mean(floor_timings), 2),
        "ratio_to_button_floor_p50": round(
            statistics.median(timings) / statistics.median(floor_timings), 2
        ),
        # The same on the CPU time each update took (the thread's): what the step costs,
        # without the moments the machine gave to other processes (a shared machine's
        # preemptions fattened the wall-clock means by up to half) nor the disk's syncs.
        "ratio_to_button_floor_cpu": round(statistics.mean(cpu) / statistics.mean(floor_cpu), 2),
        "ratio_to_button_floor_cpu_p50": round(
            statistics.median(cpu) / statistics.median(floor_cpu), 2
        ),
        "seeded_applications": args.applications,
        "staff_queries": staff,
        "staff_query_ms_max": max(
            (v for k, v in staff.items() if not k.startswith("export")), default=0.0
        ),
        "startup_s": startup,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **latency,
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "python_telegram_bot": telegram.__version__,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    json.dump(results, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
