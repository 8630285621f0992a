"""Referrers, their links and follow-up of the candidates they send (issue #6)."""

from __future__ import annotations

from sqlite_utils import Database

from bot.store.base import StoreBase


def migrate(db: Database) -> None:
    """The tables of this feature (none yet)."""


class ReferrerStore(StoreBase):
    """Queries of this feature."""
