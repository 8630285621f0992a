"""The SQLite store: the only package that speaks SQL (through sqlite-utils).

`Store` gathers each feature's queries (one module per feature, each with its tables in a
`migrate` function); `schema.py` orders the migrations. Handlers call `Store` methods and
never write SQL.
"""

from __future__ import annotations

from bot.store.base import ACTIVE_STATES, NotFoundError, StoreError, iso, utcnow
from bot.store.candidates import Application, CandidateStore, Conversation, vars_of
from bot.store.mentions import MentionStore, Redaction
from bot.store.outbox import Duty, OutboxStore
from bot.store.referrers import ReferrerStore
from bot.store.reliability import ReliabilityStore, integrity_of_file
from bot.store.schema import migrations
from bot.store.slots import SlotStore
from bot.store.staff import StaffStore


class Store(
    CandidateStore,
    StaffStore,
    SlotStore,
    ReferrerStore,
    ReliabilityStore,
    OutboxStore,
    MentionStore,
):
    """All reads and writes of the bot's data; each method is one transaction."""

    migrations = migrations  # the schema: every feature's tables, in order


__all__ = [
    "ACTIVE_STATES",
    "Application",
    "Conversation",
    "Duty",
    "NotFoundError",
    "Redaction",
    "Store",
    "StoreError",
    "integrity_of_file",
    "iso",
    "migrations",
    "utcnow",
    "vars_of",
]
