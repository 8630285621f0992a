"""The benchmark still runs (on a few candidates): `make bench` is not part of the tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.core.settings import PROJECT_ROOT


def test_benchmark_runs_on_a_few_candidates(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--candidates",
            "4",
            "--applications",
            "300",
            "--out",
            str(out),
            # The runs against `python -m bot run`, as small as they go.
            "--room-people",
            "2",
            "--capacity-people",
            "2",
            "--think",
            "0.05",
            "0.1",
            "--flood",
            "30",
            "--delay-ms",
            "5",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    results = json.loads(out.read_text())
    assert results["candidates"] == 4
    assert results["applications_filed"] == 4
    assert results["updates"] >= 4 * 20
    for key in (
        "updates_per_second",
        "p50_ms",
        "p99_ms",
        "bare_ptb_updates_per_second",
        "ratio_to_bare_ptb",
        "staff_query_ms_max",
        "startup_s",
        "peak_rss_mb",
    ):
        assert results[key] > 0, key
    assert set(results["staff_queries"]) >= {"queue_open", "card", "search_name", "stats"}
    for run in ("capacity", "room", "capacity_0ms"):
        assert results[run]["updates"] >= 2 * 20, run
        assert results[run]["p95_ms"] > 0, run
    assert results["capacity"]["filed_exactly_once"]
    assert results["flood"]["newcomer_start_ms"] > 0
    assert results["bot_peak_rss_mb"] > 0
