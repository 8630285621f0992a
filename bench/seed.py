"""A database of many applications, and the staff queries timed on it (filled in below)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def seed_applications(path: Path, count: int) -> Any:
    return None


def time_staff_queries(store: Any) -> dict[str, float]:
    return {}
