"""The store: every feature's queries in one object, and the schema's migrations in order.

Each feature keeps its SQL in its own `store.py` (a mixin, with its tables in `migrate`
functions); this module only gathers them. Handlers call `Store` methods and never write SQL.
Migrations are append only: never edit one that shipped.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.core import application_migrations as journey_tables
from bot.core import application_store as journey
from bot.core import mentions, reliability
from bot.core.outbox import migrations as outbox_tables
from bot.core.outbox import store as outbox
from bot.journey.callback_store import CallbackStore
from bot.journey.rights_store import RightsStore
from bot.orientation import migrations as orientation_tables
from bot.orientation.store import OrientationStore
from bot.referrers import migrations as referrers_tables
from bot.referrers import store as referrers
from bot.slots import migrations as slots_tables
from bot.slots import store as slots
from bot.slots.followup_store import SlotFollowupStore
from bot.staff import migrations as staff_tables
from bot.staff import store as staff
from bot.staff.callback_store import CallbackDoneStore
from bot.staff.digest_store import DigestStore
from bot.staff.inputs_store import StaffInputStore
from bot.staff.proofs_store import ProofStore
from bot.staff.queue_store import StaffQueueStore
from bot.voice import migrations as voice_tables
from bot.voice.store import VoiceStore

MIGRATION_SET = "tremplin"
migrations = Migrations(MIGRATION_SET)


# The order they run in; sqlite-utils' `Migrations` records each one once.
@migrations(name="0001_users_conversations_applications_events")
def _first(db: Database) -> None:
    """The candidates' tables (the core's), then the staff's inputs (staff's own)."""
    journey_tables.migrate(db)
    staff_tables.migrate_inputs(db)


migrations(name="0002_slots_bookings_reminders")(slots_tables.migrate)
migrations(name="0003_referrers")(referrers_tables.migrate)
migrations(name="0004_staff_review")(staff_tables.migrate)
migrations(name="0005_reliability")(reliability.migrate)
migrations(name="0006_lookup_indexes")(journey_tables.migrate_lookups)
migrations(name="0007_processed_updates")(reliability.migrate_processed_updates)
migrations(name="0008_outbox")(outbox_tables.migrate)
migrations(name="0009_staff_input_place")(staff_tables.migrate_staff_input_place)
migrations(name="0010_shown_messages")(mentions.migrate)
migrations(name="0011_user_language")(journey_tables.migrate_user_language)
migrations(name="0012_voice_notes")(voice_tables.migrate)
migrations(name="0013_proofs_seen")(staff_tables.migrate_proofs_seen)
migrations(name="0014_state_changes_index")(staff_tables.migrate_state_changes_index)
migrations(name="0015_followup_reason")(referrers_tables.migrate_followup_reason)
migrations(name="0016_latin_names")(journey_tables.migrate_latin_names)
migrations(name="0017_outbox_claims")(outbox_tables.migrate_claims)
migrations(name="0018_update_inbox")(reliability.migrate_inbox)
migrations(name="0019_orientation_services")(orientation_tables.migrate)


class Store(
    RightsStore,  # builds on journey.CandidateStore
    CallbackStore,  # too
    journey.CandidateStore,
    staff.StaffStore,
    StaffInputStore,
    CallbackDoneStore,
    StaffQueueStore,
    ProofStore,
    DigestStore,
    slots.SlotStore,
    SlotFollowupStore,
    referrers.ReferrerStore,
    reliability.ReliabilityStore,
    outbox.OutboxStore,
    mentions.MentionStore,
    VoiceStore,
    OrientationStore,
):
    """All reads and writes of the bot's data; each method is one transaction."""

    migrations = migrations  # the schema: every feature's tables, in order
