"""Staff review's part of the bot (declared for `bot/features.py`)."""

from bot.core.feature import Feature
from bot.staff import cli, digest, handlers
from bot.staff.dialogs import STAFF

FEATURE = Feature(
    name="staff",
    register=handlers.register,
    on_start=handlers.on_start,
    add_parsers=cli.add_parsers,
    check=cli.check,
    dialog_files=(STAFF,),
    staff_commands=handlers.STAFF_COMMANDS,
)

# The daily digest to staff (issue #16): its job at every start, its `[digest]` checked.
DIGEST = Feature(name="staff_digest", on_start=digest.start, check=digest.check)
