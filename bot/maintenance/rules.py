"""Retention's rule, pure: up to when an application with no contact is kept."""

from __future__ import annotations

from datetime import datetime, timedelta


def cutoff(now: datetime, months: int) -> datetime:
    """`months` calendar months before `now` (a month is taken as 30.44 days)."""
    return now - timedelta(days=round(months * 30.44))
