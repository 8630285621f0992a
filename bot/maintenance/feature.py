"""Maintenance's part of the bot: retention, backups, the watch on the database and disk,
alerts to the operators; `purge`, `backup` and `restore`."""

from telegram.ext import ContextTypes

from bot.core.feature import Feature, TelegramApp
from bot.core.services import Services
from bot.maintenance import alerts, backups, cli, health, redactions, retention


def register(application: TelegramApp) -> None:
    # Beside the journey's error handler (which tells the person): the operators are told.
    application.add_error_handler(alerts.on_error)


async def on_start(application: TelegramApp) -> None:
    retention.schedule(application)
    backups.schedule(application)
    await health.on_start(application)


async def sweep(context: ContextTypes.DEFAULT_TYPE, svc: Services) -> None:
    """Owed by committed changes too: the edits an erasure or a purge (maybe the command-line
    one, while the bot was stopped) left to do; run by the outbox's sweep."""
    await redactions.redact_owed(context, svc)


FEATURE = Feature(
    name="maintenance",
    register=register,
    on_start=on_start,
    add_parsers=cli.add_parsers,
    check=cli.check,
    sweep=sweep,
)
