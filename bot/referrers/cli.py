"""Command line of referrers (issue #6): referrers add | list | show | delete, and `check`.

Links need the bot's username: `TREMPLIN_BOT_USERNAME`, or else getMe through the configured
Bot API (`TELEGRAM_BOT_TOKEN`, `TELEGRAM_API_URL`). Exit codes: 0 done; 1 no such referrer;
2 a setting, an argument or the database cannot be used.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.catalogs import missing_translations
from bot.core.cli import Command, add_group, arg
from bot.core.dialog_files import DialogError, Problems, read_toml
from bot.core.dialogs import load_dialogs
from bot.core.feature import SubParsers
from bot.core.services import open_store
from bot.core.settings import Settings, load_settings
from bot.referrers.rules import Catalog, clean_contact, clean_name, deep_link

if TYPE_CHECKING:
    from bot.core.services import Store

EXIT_NOT_FOUND = 1
EXIT_UNUSABLE = 2


class UsageError(RuntimeError):
    """An argument or setting this command cannot use; one line for stderr."""


def add_parsers(commands: SubParsers) -> None:
    """Add this feature's subcommands to `python -m bot`; each sets `handler=`."""
    add_group(
        commands,
        "referrers",
        help="referrers (France Travail, missions locales…): tracked links and QR codes",
        description="Referrers send people to the bot with a link or a QR code; an "
        "application made through it records where the person came from. The link is "
        "https://t.me/<bot>?start=<code>; the bot's username comes from TREMPLIN_BOT_USERNAME, "
        "or from getMe through the Bot API (TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL).",
        dest="action",
        actions=(
            Command(
                "add",
                help="add a referrer; print its link and write its QR code (PNG)",
                description="Add a referrer with a fresh, unguessable code. Prints the link on "
                "the first line, then writes the QR code of the link as a PNG file.",
                handler=_add,
                args=(
                    arg("name", help='the name people read: "Mission locale du centre-ville"'),
                    arg(
                        "--kind",
                        required=True,
                        help="france_travail, mission_locale, plie, cap_emploi, mdph, "
                        "departement, association or autre (the kinds of dialogs/referrers.toml)",
                    ),
                    arg("--contact", help="a person, a phone or an e-mail at the referrer"),
                    arg(
                        "--qr",
                        type=Path,
                        metavar="FILE.png",
                        help="where to write the QR code (default: qr-<code>.png in the current "
                        "folder)",
                    ),
                ),
            ),
            Command(
                "list",
                help="the referrers and how many candidates each sent",
                description="One line per referrer: code, kind, applications sent (filed), how "
                "many of them agreed to follow-up, whether a Telegram account is linked, name.",
                handler=_list,
                args=(arg("--all", action="store_true", help="include deleted referrers"),),
            ),
            Command(
                "show",
                help="print a referrer's link; write its QR code with --qr",
                description="Print the link of the referrer with this code; with --qr, write "
                "its QR code as a PNG file.",
                handler=_show,
                args=(
                    arg("code"),
                    arg("--qr", type=Path, metavar="FILE.png", help="write the QR code here"),
                ),
            ),
            Command(
                "delete",
                help="delete a referrer: its link stops counting",
                description="Delete the referrer with this code: its link and QR code then lead "
                "to the normal journey, its Telegram account is unlinked, and pending linking "
                "links die. Applications already made keep their source.",
                handler=_delete,
                args=(arg("code"),),
            ),
        ),
    )


def check(settings: Settings) -> list[str]:
    """Problems in this feature's data files, for `python -m bot check`."""
    from bot.referrers.referral import CATALOG

    problems = CATALOG.check(settings.dialogs_dir)
    if problems:
        return problems
    catalog = CATALOG.load(settings.dialogs_dir)
    return (
        _check_journey(settings)
        + _check_catalogs(settings, catalog)
        + _check_refusals(settings, catalog)
    )


def _check_refusals(settings: Settings, catalog: Catalog) -> list[str]:
    """Every refusal reason of staff.toml has the referrer's words, and no more (read as
    data: the staff feature's own check reports a broken file)."""
    data = read_toml(settings.dialogs_dir / "staff.toml", Problems())
    raw = data.get("reasons", []) if data else []
    reasons = {r["id"] for r in raw if isinstance(r, dict) and isinstance(r.get("id"), str)}
    if not reasons:
        return []
    worded = {refusal.reason for refusal in catalog.refusals}
    problems = [
        f"referrers.toml: [[refusals]]: no words for staff.toml's reason {reason!r} "
        "(a referrer would read no reason)"
        for reason in sorted(reasons - worded)
    ]
    problems += [
        f"referrers.toml: [[refusals]]: reason {reason!r} is not in staff.toml's [[reasons]]"
        for reason in sorted(worded - reasons)
    ]
    return problems


def _check_journey(settings: Settings) -> list[str]:
    """The follow-up question is asked only of people who came through a referrer's link."""
    try:
        dialogs = load_dialogs(settings.dialogs_dir)
    except DialogError:
        return []  # reported by the dialogs' own check
    problems = []
    followup = [s for s in dialogs.steps if any(o.consent == "referrer" for o in s.options)]
    if len(followup) > 1:
        problems.append("journey.toml: only one step may ask the referrer follow-up consent")
    for step in followup:
        if ("_referrer", ("oui",)) not in step.ask_if:
            problems.append(
                f"journey.toml step {step.id!r}: the follow-up consent needs "
                'ask_if = { _referrer = ["oui"] } (asked only after a referrer\'s link)'
            )
    return problems


def _check_catalogs(settings: Settings, catalog: Catalog) -> list[str]:
    return missing_translations(settings, [kind.label for kind in catalog.kinds])


# --- the commands -----------------------------------------------------------------------


def _fail(message: str, code: int = EXIT_UNUSABLE) -> int:
    print(f"tremplin: {message}", file=sys.stderr)
    return code


def bot_username(settings: Settings) -> str:
    """TREMPLIN_BOT_USERNAME, or getMe through the configured Bot API."""
    if settings.bot_username:
        return settings.bot_username
    if not settings.token:
        raise UsageError(
            "links need the bot's username: set TREMPLIN_BOT_USERNAME, or TELEGRAM_BOT_TOKEN "
            "to ask the Bot API (getMe)"
        )
    from telegram import Bot
    from telegram.error import TelegramError

    async def ask() -> str:
        async with Bot(settings.token or "", base_url=settings.api_url) as bot:
            return bot.username

    try:
        return asyncio.run(ask())
    except TelegramError as error:
        # The error's text is left out: it could carry the URL, and the URL the token.
        raise UsageError(
            f"getMe through TELEGRAM_API_URL failed ({type(error).__name__}): set "
            "TREMPLIN_BOT_USERNAME, or check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL"
        ) from None


def _writable(path: Path) -> Path:
    if path.is_dir() or not path.parent.is_dir():
        raise UsageError(f"cannot write the QR code to {str(path)!r}: no such folder")
    return path


def _write_qr(path: Path, link: str) -> None:
    from bot.referrers import qr

    try:
        path.write_bytes(qr.png(link))
    except OSError as error:
        raise UsageError(f"cannot write the QR code to {str(path)!r}: {error.strerror}") from None


def _open(settings: Settings) -> Store:
    return open_store(settings.database, backups=settings.backup_plan)


def _catalog(settings: Settings) -> Catalog:
    from bot.referrers.referral import load_catalog

    return load_catalog(settings.dialogs_dir)


def _add(args: argparse.Namespace) -> int:
    settings = load_settings()
    catalog = _catalog(settings)
    name = clean_name(args.name)
    if name is None:
        return _fail("the name must be 2 to 100 characters")
    if catalog.kind(args.kind) is None:
        known = ", ".join(k.id for k in catalog.kinds)
        return _fail(f"unknown kind {args.kind!r}: one of {known}")
    contact = None
    if args.contact is not None:
        contact = clean_contact(args.contact)
        if contact is None:
            return _fail("the contact must be 1 to 200 characters")
    try:
        qr_path = _writable(args.qr) if args.qr is not None else None
        username = bot_username(settings)
    except UsageError as error:
        return _fail(str(error))
    store = _open(settings)
    try:
        if store.referrer_by_name(name) is not None:
            return _fail(f"a referrer is already named {name!r}")
        referrer = store.add_referrer(name, args.kind, contact, actor="cli")
    finally:
        store.close()
    link = deep_link(username, referrer.code)
    print(link)
    print(f"code: {referrer.code}")
    print(f"name: {referrer.name} ({referrer.kind})")
    path = qr_path or Path(f"qr-{referrer.code}.png")
    try:
        _write_qr(path, link)
    except UsageError as error:
        return _fail(f"{error} (the referrer was added: `referrers show {referrer.code} --qr`)")
    print(f"QR code: {path}")
    return 0


def _list(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = _open(settings)
    try:
        referrers = store.referrers(include_deleted=args.all)
        counts = store.referrer_counts()
    finally:
        store.close()
    if not referrers:
        print("No referrer yet: python -m bot referrers add NAME --kind KIND")
        return 0
    print(f"{'code':<12}{'kind':<16}{'sent':>6}{'followed':>10}  {'linked':<8}name")
    for referrer in referrers:
        count = counts.get(referrer.code)
        name = referrer.name if referrer.active else f"{referrer.name} (deleted)"
        print(
            f"{referrer.code:<12}{referrer.kind:<16}{count.sent if count else 0:>6}"
            f"{count.followed if count else 0:>10}  "
            f"{'yes' if referrer.telegram_user_id else 'no':<8}{name}"
        )
    total = sum(c.sent for c in counts.values())
    print(f"{len(referrers)} referrer(s); {total} application(s) came through a referrer's link.")
    return 0


def _show(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = _open(settings)
    try:
        referrer = store.referrer_by_code(args.code)
    finally:
        store.close()
    if referrer is None:
        return _fail(f"no referrer with the code {args.code!r}", EXIT_NOT_FOUND)
    try:
        qr_path = _writable(args.qr) if args.qr is not None else None
        link = deep_link(bot_username(settings), referrer.code)
        print(link)
        print(f"name: {referrer.name} ({referrer.kind})")
        if qr_path is not None:
            _write_qr(qr_path, link)
            print(f"QR code: {qr_path}")
    except UsageError as error:
        return _fail(str(error))
    return 0


def _delete(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = _open(settings)
    try:
        referrer = store.referrer_by_code(args.code)
        if referrer is None or not store.delete_referrer(referrer.id, actor="cli"):
            return _fail(f"no referrer with the code {args.code!r}", EXIT_NOT_FOUND)
    finally:
        store.close()
    print(f"deleted: {referrer.name} ({referrer.code})")
    return 0
