"""Recruitment slots's part of the bot (declared for `bot/features.py`)."""

from bot.core.feature import Feature
from bot.slots import cli, handlers
from bot.slots.dialogs import SLOTS

FEATURE = Feature(
    name="slots",
    register=handlers.register,
    on_start=handlers.on_start,
    add_parsers=cli.add_parsers,
    check=cli.check,
    dialog_files=(SLOTS,),
    staff_commands=handlers.STAFF_COMMANDS,
)
