"""Recruitment slots, bookings and reminders (issue #5)."""

from __future__ import annotations

from sqlite_utils import Database

from bot.store.base import StoreBase


def migrate(db: Database) -> None:
    """The tables of this feature (none yet)."""


class SlotStore(StoreBase):
    """Queries of this feature."""
