"""The orientation's part of the bot (declared for `bot/features.py`)."""

from bot.core.feature import Feature
from bot.core.outbox.handlers import AFTER_FILING
from bot.orientation import cli, handlers
from bot.orientation.dialogs import ORIENTATION

FEATURE = Feature(
    name="orientation",
    register=handlers.register,
    add_parsers=cli.add_parsers,
    check=cli.check,
    dialog_files=(ORIENTATION,),
    # After the slots' part of the same message (registry order): the services near her.
    owed={AFTER_FILING: handlers.send_after_filing},
    steps={"needs": handlers.NeedsStep()},
    at_ending=handlers.at_ending,
    card_lines=handlers.card_lines,
    export_columns=handlers.export_columns,
    figure_lines=handlers.figure_lines,
)
