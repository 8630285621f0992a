"""Watching the bot's own ground: the database file, the free disk, a start after a crash.

- Every `TREMPLIN_DB_WATCH_SECONDS` (30) the database's path is compared with the file the
  bot opened (device and inode): deleted, moved or replaced, the bot would go on writing to a
  file nobody will ever read again. It alerts the operators and stops (exit code 5).
- The same job alerts when the disk holding the database has less than
  `TREMPLIN_DISK_MIN_FREE_MB` free.
- `python -m bot run` leaves a marker (`<database>.running`) while it runs and removes it at a
  clean stop; finding it at start means the last run ended in a crash: the operators are told.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from telegram.ext import Application, ContextTypes

from bot.core.jobs import run_repeating
from bot.core.services import services
from bot.maintenance.alerts import alert

log = logging.getLogger(__name__)

WATCH_JOB = "database-watch"
EXIT_DATABASE_GONE = 5
# Set by `python -m bot run` (bot/__main__.py): how to stop, the exit code asked, a crash seen.
STOPPER = "tremplin.stop"
EXIT_CODE = "tremplin.exit"
UNCLEAN_START = "tremplin.unclean-start"


def marker_path(database: Path) -> Path:
    return database.with_name(database.name + ".running")


def arm_marker(database: Path) -> bool:
    """Create the marker; True if it was already there (the last run did not stop cleanly)."""
    path = marker_path(database)
    existed = path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, f"{os.getpid()}\n".encode())
    os.close(fd)
    return existed


def disarm_marker(database: Path) -> None:
    marker_path(database).unlink(missing_ok=True)


def request_stop(application: Application, code: int) -> None:  # type: ignore[type-arg]
    """Ask the running bot to stop and exit with `code`."""
    application.bot_data[EXIT_CODE] = code
    stopper: Callable[[], None] | None = application.bot_data.get(STOPPER)
    if stopper is not None:
        stopper()


async def on_start(application: Application) -> None:  # type: ignore[type-arg]
    seconds = services(application).settings.db_watch_seconds
    run_repeating(
        application, watch_job, every=timedelta(seconds=seconds), first=seconds, name=WATCH_JOB
    )
    if application.bot_data.get(UNCLEAN_START):
        await alert(
            application,
            "crash",
            "le robot redémarre après un arrêt brutal (panne, coupure ou plantage). "
            "Regardez le journal : journalctl -u tremplin.",
        )


def _changed(path: Path, identity: tuple[int, int] | None) -> str | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return "a disparu"
    except OSError as error:
        return f"est illisible ({type(error).__name__})"
    if identity is not None and (stat.st_dev, stat.st_ino) != identity:
        return "a été remplacé par un autre fichier"
    return None


async def watch_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    path = svc.store.path
    if path is None or str(path) == ":memory:":
        return
    change = _changed(path, svc.store.file_identity)
    if change is not None:
        log.critical("the database file %s %s: stopping so that nothing is lost", path, change)
        await alert(
            context,
            "database-gone",
            f"le fichier de la base {path} {change}. Le robot s'arrête pour ne rien perdre. "
            "Remettez le fichier (ou restaurez une sauvegarde), puis redémarrez.",
        )
        request_stop(context.application, EXIT_DATABASE_GONE)
        return
    try:
        free_mb = shutil.disk_usage(path.parent).free // (1024 * 1024)
    except OSError:
        return
    if free_mb < svc.settings.disk_min_free_mb:
        await alert(
            context,
            "disk",
            f"il reste {free_mb} Mo libres sur le disque de la base "
            f"(seuil : {svc.settings.disk_min_free_mb} Mo).",
        )
