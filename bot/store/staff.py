"""Staff review: queue, decisions, notes, export and figures (issue #4)."""

from __future__ import annotations

from sqlite_utils import Database

from bot.store.base import StoreBase


def migrate(db: Database) -> None:
    """The tables of this feature (none yet)."""


class StaffStore(StoreBase):
    """Queries of this feature."""
