"""The registry: every feature of the bot, in the order their handlers are tried.

`bot.app` registers each one's handlers and runs its start-up work, `bot.__main__` adds its
commands, `bot.checks` runs its checks, and the staff's menu gathers its staff commands.
Adding a feature means one line here. The store assembled from every feature's mixin
(bot/store.py) is handed to the core here too.
"""

from __future__ import annotations

from bot.core.feature import Feature, install
from bot.core.outbox.feature import FEATURE as OUTBOX
from bot.core.services import assemble_store
from bot.journey.feature import FEATURE as JOURNEY
from bot.maintenance.feature import FEATURE as MAINTENANCE
from bot.orientation.feature import FEATURE as ORIENTATION
from bot.referrers.feature import FEATURE as REFERRERS
from bot.service.feature import FEATURE as SERVICE
from bot.slots.feature import FEATURE as SLOTS
from bot.staff.feature import DIGEST
from bot.staff.feature import FEATURE as STAFF
from bot.store import Store
from bot.voice.feature import FEATURE as VOICE
from bot.whoami.feature import FEATURE as WHOAMI

# Staff first (its typed inputs take a staff member's reply before anything else); the
# journey last, because its catch-alls take whatever no other feature wanted.
FEATURES: tuple[Feature, ...] = (
    STAFF,
    DIGEST,
    SLOTS,
    ORIENTATION,
    REFERRERS,
    VOICE,
    OUTBOX,
    MAINTENANCE,
    SERVICE,
    WHOAMI,
    JOURNEY,
)

# The store, assembled from every feature's mixin, handed to the core: a feature's command
# opens the database with `bot.core.services.open_store`, never by importing the app.
assemble_store(Store)
# The hooks' registry (bot/core/feature.py): the core reads each feature's part from it.
install(FEATURES)


def staff_commands() -> tuple[tuple[str, str], ...]:
    """The staff's command menu: each feature's staff commands, the first of a name wins."""
    seen: dict[str, str] = {}
    for feature in FEATURES:
        for name, description in feature.staff_commands:
            seen.setdefault(name, description)
    return tuple(seen.items())
