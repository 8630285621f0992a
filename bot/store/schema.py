"""The schema's migrations, in the order they run. Append only: never edit one that shipped.

Each feature keeps its tables next to its queries (`migrate` in its module); this list says
in which order they are applied (sqlite-utils' `Migrations` records each one once).
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

from bot.store import candidates, mentions, outbox, referrers, reliability, slots, staff

MIGRATION_SET = "tremplin"
migrations = Migrations(MIGRATION_SET)

migrations(name="0001_users_conversations_applications_events")(candidates.migrate)
migrations(name="0002_slots_bookings_reminders")(slots.migrate)
migrations(name="0003_referrers")(referrers.migrate)
migrations(name="0004_staff_review")(staff.migrate)
migrations(name="0005_reliability")(reliability.migrate)
migrations(name="0006_lookup_indexes")(candidates.migrate_lookups)
migrations(name="0007_processed_updates")(reliability.migrate_processed_updates)
migrations(name="0008_outbox")(outbox.migrate)
migrations(name="0009_staff_input_place")(candidates.migrate_staff_input_place)
migrations(name="0010_shown_messages")(mentions.migrate)
