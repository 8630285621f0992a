"""Command line: `python -m bot run | demo | check` (each has --help).

`main()` only parses the command line; the bot itself is built by `bot.app.build_application`.
Exit codes: 0 fine, 1 `check` found problems, 2 a setting, a dialog file or the database is
not usable (one clear line on stderr, nothing half-written; also `run` without a token when
standard input is not a terminal: a service missing its env file must not look like a clean
stop), 3 another copy of the bot holds
the database (`run`, `restore`: bot/core/lock.py), 4 Telegram answered 409 Conflict to
getUpdates (another program polls with this token), 5 the database file disappeared or was
replaced while the bot ran (bot/maintenance/health.py), 141 the output was cut short
(`… | head -1`: the reader closed the pipe; the command itself went to its end).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.core.cli import Command, add_commands, arg
from bot.core.dialog_files import DialogError
from bot.core.settings import Settings, SettingsError, load_settings
from bot.features import FEATURES

EXIT_PROBLEMS = 1
EXIT_UNUSABLE = 2
EXIT_BUSY = 3
EXIT_CONFLICT = 4
EXIT_DATABASE_GONE = 5
EXIT_PIPE_CLOSED = 128 + 13  # what a shell reports for a command ended by SIGPIPE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Tremplin : le robot Telegram qui oriente vers un chantier d'insertion.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add_commands(
        commands,
        Command(
            "run",
            help="start the bot (Telegram with TELEGRAM_BOT_TOKEN, otherwise the terminal demo)",
            description="Start the bot. With TELEGRAM_BOT_TOKEN it talks to the Bot API at "
            "TELEGRAM_API_URL (long polling, or a webhook when TREMPLIN_WEBHOOK_URL is set); "
            "without a token it starts the terminal demo, but only on a terminal: otherwise it "
            "stops with exit code 2.",
            handler=_run,
        ),
        Command(
            "demo",
            help="chat with the bot in the terminal, through the in-process Bot API",
            description="The same bot as a chat in the terminal. Type text, or the number of a "
            "button to tap it. Ends at end of input (Ctrl-D).",
            handler=_demo,
            args=(
                arg(
                    "--keep",
                    action="store_true",
                    help="keep the demo database (demo.sqlite3 in the state folder) instead of "
                    "starting afresh",
                ),
            ),
        ),
        Command(
            "check",
            help="validate dialogs/, the catalogs and (optionally) a database file",
            description="Validate dialogs/*.toml (unknown keys and criteria, dangling skip "
            "targets), the gettext catalogs (missing translations) and, with --database, run "
            "SQLite's integrity_check on a database file (a backup, say). Exit 1 on problems.",
            handler=_check,
            args=(arg("--database", type=Path, help="a SQLite file to check"),),
        ),
        Command(
            "new-structure",
            help="write a starting folder of dialogs for another structure",
            description="Write DIR: a copy of the shipped dialogs where everything that names "
            "the structure (structure.toml: name, town, address, reference prefix, département, "
            "postcodes, partners) is empty, each field with a comment saying what to write. "
            "Then point TREMPLIN_DIALOGS at DIR, and `check` says what is left to fill.",
            handler=_new_structure,
            args=(arg("directory", type=Path, metavar="DIR", help="a new or empty folder"),),
        ),
        Command(
            "catalogs",
            help="write the catalogs of the texts a structure's dialogs add",
            description="For the folder TREMPLIN_DIALOGS points at: write "
            "locales/<language>/LC_MESSAGES/messages.po inside it, with every text of its "
            "dialogs that the shipped catalogs do not translate (its workshops, its partners, "
            "a question it changed), keeping the translations already written. Translate the "
            "empty msgstr lines; the bot reads these catalogs before the shipped ones.",
            handler=_catalogs,
        ),
        Command(
            "doctor",
            help="check a live setup (token, staff, staff group, structure, database, backups)",
            description="Check the running setup and say in plain words what is wrong: the "
            "token (getMe), the staff ids (set and reachable), the staff group (exists, the bot "
            "may post), the structure's phone and hours, the database's integrity and free "
            "disk, the last backup's age, the webhook if set. Exit 0 when all is well, 1 "
            "otherwise.",
            handler=_doctor,
        ),
    )
    for feature in FEATURES:
        if feature.add_parsers is not None:
            feature.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Every file the bot writes (database, journal, backups, exports) is its user's only.
    os.umask(0o077)
    # The terminal demo is a chat: only problems are logged there.
    quiet = args.command == "demo"
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from bot.core.updates import QuietWebhookLog

    logging.getLogger("telegram.ext._utils.webhookhandler").addFilter(QuietWebhookLog())
    try:
        return int(args.handler(args))
    except SettingsError as error:
        print(f"tremplin: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    except DialogError as error:
        for problem in error.problems:  # every problem of every file, one a line
            print(f"tremplin: dialogs/{problem}", file=sys.stderr)
        return EXIT_UNUSABLE
    except _store_error() as error:
        print(f"tremplin: {error}", file=sys.stderr)
        return EXIT_UNUSABLE


def _store_error() -> type[Exception]:
    from bot.core.store import StoreError

    return StoreError


def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.demo and not sys.stdin.isatty():
        print(_no_token_message(settings), file=sys.stderr)
        return EXIT_UNUSABLE
    if settings.demo:
        from bot.demo import run_demo

        logging.getLogger().setLevel(logging.WARNING)
        return run_demo(settings)
    from bot.core import logs
    from bot.core.lock import DatabaseBusy, DatabaseLock
    from bot.maintenance import health

    logs.configure(settings.log_level, settings.log_format)
    _say_where_settings_come_from(settings)
    try:
        lock = DatabaseLock(settings.database).acquire()
    except DatabaseBusy as error:
        print(f"tremplin: {error}", file=sys.stderr)
        return EXIT_BUSY
    except OSError as error:
        print(
            f"tremplin: cannot open the database {str(settings.database)!r}: {error}",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    try:
        unclean = health.arm_marker(settings.database)
        code = _serve(settings, unclean)
        # Only a stop that reaches here is clean: a crash leaves the marker for the next start.
        health.disarm_marker(settings.database)
        return code
    finally:
        lock.release()


def _serve(settings: Settings, unclean: bool) -> int:
    import signal

    from telegram import Update

    from bot.app import build_application
    from bot.maintenance import health

    application = build_application(settings, rate_limit=True)
    application.bot_data[health.UNCLEAN_START] = unclean
    # What the database watch calls to stop the bot (bot/maintenance/health.py).
    application.bot_data[health.STOPPER] = lambda: os.kill(os.getpid(), signal.SIGTERM)
    if settings.webhook_url:
        import secrets
        from urllib.parse import urlsplit

        # PTB answers 403 to a POST whose X-Telegram-Bot-Api-Secret-Token is not this one,
        # before anything is processed: without it anyone could post a forged update.
        secret = settings.webhook_secret or secrets.token_urlsafe(32)
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.strip("/"),
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
        return int(application.bot_data.get(health.EXIT_CODE, 0))
    import asyncio

    from telegram.error import Conflict, InvalidToken, NetworkError

    from bot.core import polling

    try:
        asyncio.run(polling.run(application))
    except InvalidToken:
        print(
            "tremplin: the Bot API refused TELEGRAM_BOT_TOKEN (check it with @BotFather, "
            "and TELEGRAM_API_URL)",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    except Conflict:
        logging.getLogger("bot").error(
            "another program polls with this token (409 Conflict from getUpdates): "
            "stop the other copy, or remove its webhook; this one stops"
        )
        return EXIT_CONFLICT
    except NetworkError as error:
        print(
            f"tremplin: cannot reach the Bot API at {settings.api_url} ({type(error).__name__})",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    return int(application.bot_data.get(health.EXIT_CODE, 0))


def _no_token_message(settings: Settings) -> str:
    """Without a token and without a terminal (a service, a cron job, `< /dev/null`): say so in
    French and English rather than start a demo that nobody reads and that ends at once."""
    if settings.env_file:
        where_fr = where_en = str(settings.env_file)
    else:
        where_fr = "le fichier nommé par TREMPLIN_ENV_FILE (aucun n'a été lu)"
        where_en = "the file named by TREMPLIN_ENV_FILE (none was read)"
    demo = "tremplin demo" if Path(sys.argv[0]).name == "tremplin" else "python -m bot demo"
    return (
        "tremplin: TELEGRAM_BOT_TOKEN manque et l'entrée n'est pas un terminal : le robot ne "
        f"démarre pas. Mettez le jeton dans {where_fr}, ou lancez la démo : {demo}.\n"
        "tremplin: TELEGRAM_BOT_TOKEN is missing and standard input is not a terminal: the bot "
        f"does not start. Put the token in {where_en}, or run the demo: {demo}."
    )


def _say_where_settings_come_from(settings: Settings) -> None:
    # An empty TREMPLIN_STAFF_IDS is logged with the structure's other gaps
    # (journey.feature.warn_before_going_live).
    if settings.env_file:
        logging.getLogger("bot").info("settings read from %s", settings.env_file)


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(load_settings(), keep=args.keep)


def _check(args: argparse.Namespace) -> int:
    from bot.checks import run_checks, warnings_of

    settings = load_settings()
    warnings = warnings_of(settings)
    if warnings:  # first of all: what to fill before real candidates come
        print("Before going live, fill in:")
    for warning in warnings:
        print(f"warning: {warning}")
    problems = run_checks(settings, database=args.database)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEMS
    print("OK: dialogs, catalogs" + (" and database" if args.database else "") + " are valid.")
    return 0


def _new_structure(args: argparse.Namespace) -> int:
    from bot.structure_folder import new_structure

    try:
        lines = new_structure(args.directory)
    except (FileExistsError, OSError) as error:
        print(f"tremplin: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    for line in lines:
        print(line)
    return 0


def _catalogs(args: argparse.Namespace) -> int:
    from bot.structure_folder import write_catalogs

    for line in write_catalogs(load_settings()):
        print(line)
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from bot.doctor import diagnose

    report = diagnose(load_settings())
    for line in report.lines():
        print(line)
    if report.problems:
        print(f"{len(report.problems)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEMS
    print("All is well.")
    return 0


class _PipeGuard:
    """stdout that goes quiet once its reader has gone (`… | head -1`), instead of raising
    BrokenPipeError in the middle of a command: the command goes to its end (a referrer added
    still gets its QR code), its remaining output goes to /dev/null."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._gone()

    def _gone(self) -> None:
        # Python's recipe: point the file descriptor at /dev/null, so that what is still in
        # the buffer (and the flush at exit) is written nowhere, silently.
        self.reader_gone = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def run_quietly(argv: Sequence[str] | None = None) -> int:
    """The entry point: `main()`, quiet on a closed pipe (exit 141, no traceback)."""
    original = sys.stdout
    guard = _PipeGuard(original)
    sys.stdout = guard
    try:
        try:
            code = main(argv)
        except BrokenPipeError:  # written to the stream some other way
            guard._gone()
            code = EXIT_PIPE_CLOSED
        guard.flush()
    finally:
        sys.stdout = original
    return EXIT_PIPE_CLOSED if guard.reader_gone else code


if __name__ == "__main__":
    sys.exit(run_quietly())
