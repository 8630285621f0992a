"""Command line of maintenance: purge (RGPD retention), backup and restore."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.core.backup import BackupError, write_backup
from bot.core.cli import Command, add_commands, arg
from bot.core.feature import SubParsers
from bot.core.lock import DatabaseBusy, DatabaseLock
from bot.core.services import open_store
from bot.core.settings import Settings, load_settings
from bot.core.store import utcnow
from bot.maintenance import backups
from bot.maintenance.restore import restore
from bot.maintenance.rules import cutoff


def add_parsers(commands: SubParsers) -> None:
    """`purge [--dry-run]`, `backup [FILE]` and `restore FILE [--identity FILE]`."""
    add_commands(
        commands,
        Command(
            "purge",
            help="delete applications with no contact for TREMPLIN_RETENTION_MONTHS (24)",
            description="Delete the applications with no contact for TREMPLIN_RETENTION_MONTHS "
            "months (24 by default), their conversations and the users left with nothing. The "
            "audit keeps an anonymous trace. The bot does the same every day while it runs.",
            handler=_purge,
            args=(
                arg(
                    "--dry-run",
                    action="store_true",
                    help="list what would be deleted, delete nothing",
                ),
            ),
        ),
        Command(
            "backup",
            help="write a consistent copy of the database, even while the bot runs",
            description="Write a consistent copy of TREMPLIN_DATABASE with SQLite's online "
            "backup API (safe while the bot runs), check its integrity, make it readable by its "
            "owner only, and encrypt it when TREMPLIN_BACKUP_AGE_RECIPIENT is set. Without FILE "
            "it goes to TREMPLIN_BACKUP_DIR with the rotation, as the bot's daily backup does.",
            handler=_backup,
            args=(arg("file", type=Path, nargs="?", help="the copy to write (must not exist)"),),
        ),
        Command(
            "restore",
            help="put a backup back in place, then erase again whoever asked since",
            description="Replace TREMPLIN_DATABASE by FILE (the bot must be stopped): decrypt "
            "it (--identity) if it is encrypted, check its integrity, bring its schema up to "
            "date, then apply again every erasure and withdrawal recorded since the backup was "
            "taken (the erasure ledger beside the database), and the retention. The database "
            "replaced is first saved in TREMPLIN_BACKUP_DIR.",
            handler=_restore,
            args=(
                arg("file", type=Path, help="the backup to restore"),
                arg(
                    "--identity",
                    type=Path,
                    help="the age identity file (AGE-SECRET-KEY-1…) of an encrypted backup",
                ),
            ),
        ),
    )


EXIT_BUSY = 3  # the bot (or another command) holds the database: see bot/core/lock.py


def check(settings: Settings) -> list[str]:
    """Nothing to check in dialogs/ for maintenance."""
    return []


def _purge(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = open_store(settings.database, backups=settings.backup_plan)
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
    if args.file is not None and args.file.exists():
        print(f"tremplin: {args.file} already exists; choose a new file name")
        return 2
    store = open_store(settings.database, backups=settings.backup_plan)
    try:
        if args.file is None:
            path = backups.take(store, settings, utcnow())
        else:
            args.file.parent.mkdir(parents=True, exist_ok=True)
            path = write_backup(
                store.db.conn, settings.backup_plan, taken_at=utcnow(), target=args.file
            )
    except BackupError as error:
        print(f"tremplin: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(f"Backup written to {path}.")
    return 0


def _restore(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        with DatabaseLock(settings.database):
            report = restore(settings, args.file, identity=args.identity)
    except DatabaseBusy as error:
        print(f"tremplin: {error}", file=sys.stderr)
        return EXIT_BUSY
    except BackupError as error:
        print(f"tremplin: {error}", file=sys.stderr)
        return 2
    print(report)
    return 0
