"""Reliability and privacy: processed updates, blocked users, retention, backups (issue #7)."""

from __future__ import annotations

from sqlite_utils import Database

from bot.store.base import StoreBase


def migrate(db: Database) -> None:
    """The tables of this feature (none yet)."""


class ReliabilityStore(StoreBase):
    """Queries of this feature."""
