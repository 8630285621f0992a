"""Referrers's part of the bot (declared for `bot/features.py`)."""

from bot.core.feature import Feature
from bot.referrers import cli, handlers, referral
from bot.referrers.referral import CATALOG

FEATURE = Feature(
    name="referrers",
    register=handlers.register,
    on_start=handlers.on_start,
    add_parsers=cli.add_parsers,
    check=cli.check,
    dialog_files=(CATALOG,),
    staff_commands=handlers.STAFF_COMMANDS,
    referrals=referral,
)
