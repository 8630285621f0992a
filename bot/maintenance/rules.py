"""Retention's rules, pure: up to when an application with no contact is kept, and which
backups a rotation keeps."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta


def cutoff(now: datetime, months: int) -> datetime:
    """`months` calendar months before `now` (a month is taken as 30.44 days)."""
    return now - timedelta(days=round(months * 30.44))


def backups_to_keep(
    taken: Iterable[datetime], *, daily: int, weekly: int, monthly: int
) -> set[datetime]:
    """A rotation: the newest backup of each of the last `daily` days, `weekly` ISO weeks and
    `monthly` months that have one (the newest of all is always kept)."""
    newest_first = sorted(set(taken), reverse=True)
    keep: set[datetime] = set(newest_first[:1])
    buckets: tuple[tuple[int, Callable[[datetime], tuple[int, ...]]], ...] = (
        (daily, lambda t: (t.year, t.month, t.day)),
        (weekly, lambda t: tuple(t.isocalendar())[:2]),
        (monthly, lambda t: (t.year, t.month)),
    )
    for count, bucket in buckets:
        seen: set[tuple[int, ...]] = set()
        for moment in newest_first:
            key = bucket(moment)
            if key not in seen and len(seen) < count:
                seen.add(key)
                keep.add(moment)
    return keep
