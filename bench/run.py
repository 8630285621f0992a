"""`make bench [N=2000]`: how fast the bot is, measured, not asserted.

1. N simulated candidates walk complete journeys (consent, eligibility, workshops, contact,
   slot, summary, filed) through the real Application and handlers, in one process on one
   core, with the in-process Bot API (no network), their updates interleaved as real traffic.
2. The same way, a bare python-telegram-bot Application that only echoes text: the floor any
   bot built on it pays.
3. A database seeded with 100,000 applications: the staff queries, timed.
4. The start-up of `python -m bot run` until it polls, against a local Bot API server.

Writes bench/results.json. Timings are per update: from the update's JSON to the end of its
processing (`Update.de_json` + `Application.process_update`), Bot API calls included.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
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

from bench.seed import seed_applications, time_staff_queries
from bench.startup import measure_startup
from bot.app import build_application
from bot.core.settings import load_settings
from localapi import LocalBotApi, LocalRequest

RESULTS = Path(__file__).with_name("results.json")
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


async def drive(app: Application, candidates: list[Candidate]) -> list[float]:  # type: ignore[type-arg]
    """Round-robin over the candidates (interleaved traffic); per-update seconds."""
    timings: list[float] = []
    active = list(candidates)
    while active:
        still = []
        for candidate in active:
            update = candidate.next_update()
            if update is None:
                continue
            started = time.perf_counter()
            await app.process_update(Update.de_json(update, app.bot))
            timings.append(time.perf_counter() - started)
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
    started = time.perf_counter()
    timings = await drive(app, candidates)
    elapsed = time.perf_counter() - started
    filed = store.db.execute(
        "SELECT count(*) FROM applications WHERE state = 'nouvelle'"
    ).fetchone()[0]
    await app.shutdown()
    store.close()
    return {"timings": timings, "elapsed": elapsed, "filed": filed}


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


async def bench_button_floor(updates: int) -> list[float]:
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
        started = time.perf_counter()
        await app.process_update(Update.de_json(update, app.bot))
        timings.append(time.perf_counter() - started)
    await app.shutdown()
    return timings


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
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tremplin-bench-") as tmp:
        workdir = Path(tmp)
        bot = asyncio.run(bench_bot(args.candidates, workdir))
        timings = bot["timings"]
        bare = asyncio.run(bench_bare_echo(len(timings)))
        floor_timings = asyncio.run(bench_button_floor(min(len(timings), 4000)))
        ours, floor = statistics.mean(timings), statistics.mean(bare)
        staff = time_staff_queries(seed_applications(workdir / "seeded.sqlite3", args.applications))
        startup = measure_startup(workdir)
    results = {
        "candidates": args.candidates,
        "applications_filed": bot["filed"],
        "updates": len(timings),
        "updates_per_second": round(len(timings) / sum(timings), 1),
        "wall_seconds": round(bot["elapsed"], 2),
        "p50_ms": round(percentile(timings, 0.50) * 1000, 3),
        "p99_ms": round(percentile(timings, 0.99) * 1000, 3),
        "bare_ptb_updates_per_second": round(len(bare) / sum(bare), 1),
        "bare_ptb_p99_ms": round(percentile(bare, 0.99) * 1000, 3),
        "ratio_to_bare_ptb": round(ours / floor, 2),
        "button_floor_updates_per_second": round(len(floor_timings) / sum(floor_timings), 1),
        "ratio_to_button_floor": round(ours / statistics.mean(floor_timings), 2),
        "seeded_applications": args.applications,
        "staff_queries": staff,
        "staff_query_ms_max": max(
            (v for k, v in staff.items() if not k.startswith("export")), default=0.0
        ),
        "startup_s": startup,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
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
