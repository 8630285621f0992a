"""Command line of maintenance (issue #7): purge (RGPD retention) and backup."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.core.settings import Settings, load_settings
from bot.core.store import utcnow
from bot.maintenance.rules import cutoff
from bot.store import Store


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`purge [--dry-run]` and `backup FILE`."""
    purge = commands.add_parser(
        "purge",
        help="delete applications with no contact for TREMPLIN_RETENTION_MONTHS (24)",
        description="Delete the applications with no contact for TREMPLIN_RETENTION_MONTHS "
        "months (24 by default), their conversations and the users left with nothing. The "
        "audit keeps an anonymous trace. The bot does the same every day while it runs.",
    )
    purge.add_argument(
        "--dry-run", action="store_true", help="list what would be deleted, delete nothing"
    )
    purge.set_defaults(handler=_purge)
    backup = commands.add_parser(
        "backup",
        help="write a consistent copy of the database, even while the bot runs",
        description="Write a consistent copy of TREMPLIN_DATABASE to FILE with SQLite's online "
        "backup API (safe while the bot runs). Check it with `python -m bot check "
        "--database FILE`.",
    )
    backup.add_argument("file", type=Path, help="the copy to write (must not exist)")
    backup.set_defaults(handler=_backup)


def check(settings: Settings) -> list[str]:
    """Nothing to check in dialogs/ for maintenance."""
    return []


def _purge(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = Store.open(settings.database)
    try:
        before = cutoff(utcnow(), settings.retention_months)
        expired = store.expired_applications(before=before)
        for row in expired:
            # References and dates only: no names in a terminal either.
            print(f"{row['reference'] or '(brouillon)'}\t{row['state']}\t{row['last_contact_at']}")
        if args.dry_run:
            print(
                f"{len(expired)} application(s) would be deleted "
                f"(no contact since {before:%Y-%m-%d})."
            )
            return 0
        removed = store.purge(before=before)
        print(f"{removed} application(s) deleted (no contact since {before:%Y-%m-%d}).")
        return 0
    finally:
        store.close()


def _backup(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.file.exists():
        print(f"tremplin: {args.file} already exists; choose a new file name")
        return 2
    args.file.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(settings.database)
    try:
        store.backup_to(str(args.file))
    finally:
        store.close()
    print(f"Backup written to {args.file}.")
    return 0
