"""Command line of recruitment slots (issue #5): `slots add | list | cancel`; `check` of
dialogs/slots.toml.

The command line cannot message anyone (the bot may not be running): `slots cancel` records
the cancellation, and the running bot's sweep (every 5 minutes, and at start) tells each
booked candidate and offers another date.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.core import i18n
from bot.core.catalogs import missing_translations
from bot.core.cli import Command, add_group, arg
from bot.core.feature import SubParsers
from bot.core.services import open_store
from bot.core.settings import Settings, load_settings
from bot.core.store import NotFoundError, utcnow
from bot.slots.dialogs import KINDS, check_slot_dialogs, load_slot_dialogs
from bot.slots.rules import TimeError, parse_local
from bot.slots.store import Slot

if TYPE_CHECKING:
    from bot.core.services import Store

EXIT_UNUSABLE = 2
EXIT_NOT_FOUND = 1


def add_parsers(commands: SubParsers) -> None:
    """`slots add START --seats N …`, `slots list [--all]`, `slots cancel ID`."""
    add_group(
        commands,
        "slots",
        help="recruitment slots: add, list, cancel",
        description="Recruitment slots (information sessions and interviews). Times are local "
        "to TREMPLIN_TIMEZONE (Europe/Paris by default).",
        dest="slots_command",
        actions=(
            Command(
                "add",
                help="add a slot",
                description="Add a slot, e.g. `slots add 2031-03-10T14:00 --seats 12`. The time "
                "is local to TREMPLIN_TIMEZONE; a time skipped by a daylight saving change is "
                "refused.",
                handler=_add,
                args=(
                    arg("start", help="local date and time, e.g. 2031-03-10T14:00"),
                    arg("--seats", type=int, required=True, help="number of seats (1 to 200)"),
                    arg(
                        "--duration",
                        type=int,
                        default=None,
                        help="minutes (default: from dialogs/slots.toml)",
                    ),
                    arg(
                        "--kind",
                        choices=KINDS,
                        default="information_collective",
                        help="the kind of slot",
                    ),
                    arg(
                        "--place",
                        default=None,
                        help="where, when not the structure's address (structure.toml)",
                    ),
                    arg(
                        "--workshop",
                        default=None,
                        help="a workshop id: offered only to who chose it",
                    ),
                ),
            ),
            Command(
                "list",
                help="upcoming slots with seats taken and left",
                description="List upcoming slots (id, local time, kind, seats taken/left, "
                "place); cancelled ones are marked.",
                handler=_list,
                args=(arg("--all", action="store_true", help="past slots too"),),
            ),
            Command(
                "cancel",
                help="cancel a slot; the running bot tells each booked candidate",
                description="Cancel a slot: its seats are freed at once; the running bot tells "
                "each booked candidate (at its next sweep, within 5 minutes, or at start) and "
                "offers another date.",
                handler=_cancel,
                args=(arg("id", type=int, help="the slot's id (see `slots list`)"),),
            ),
        ),
    )


def check(settings: Settings) -> list[str]:
    """dialogs/slots.toml is valid, and each of its texts is in the catalogs."""
    problems = check_slot_dialogs(settings.dialogs_dir)
    if problems:
        return problems
    return missing_translations(
        settings, load_slot_dialogs(settings.dialogs_dir).translatable_strings()
    )


def _open(settings: Settings) -> Store:
    i18n.setup(
        settings.locales_dir, timezone=settings.timezone, extra=settings.structure_locales_dir
    )
    return open_store(settings.database, backups=settings.backup_plan)


def _line(slot: Slot, settings: Settings) -> str:
    local = slot.start.astimezone(settings.timezone)
    columns = [
        str(slot.id),
        f"{local:%Y-%m-%d %H:%M}",
        i18n.format_moment(slot.start, with_year=True),
        slot.kind,
        f"{slot.duration_minutes} min",
        f"{slot.taken}/{slot.seats} taken, {slot.left} left",
        slot.place or "(structure address)",
    ]
    if slot.workshop:
        columns.append(f"workshop {slot.workshop}")
    if slot.cancelled:
        columns.append("CANCELLED")
    return "\t".join(columns)


def _add(args: argparse.Namespace) -> int:
    settings = load_settings()
    texts = load_slot_dialogs(settings.dialogs_dir)
    try:
        start = parse_local(args.start, settings.timezone)
    except TimeError as error:
        print(f"tremplin: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    if not 1 <= args.seats <= 200:
        print("tremplin: --seats must be from 1 to 200", file=sys.stderr)
        return EXIT_UNUSABLE
    duration = args.duration if args.duration is not None else texts.kinds[args.kind].duration
    if not 5 <= duration <= 600:
        print("tremplin: --duration must be from 5 to 600 minutes", file=sys.stderr)
        return EXIT_UNUSABLE
    if start <= utcnow():
        print("tremplin: this time is in the past", file=sys.stderr)
        return EXIT_UNUSABLE
    place = " ".join(args.place.split()) if args.place else None
    store = _open(settings)
    try:
        if args.workshop is not None:
            from bot.core.dialogs import load_dialogs

            if load_dialogs(settings.dialogs_dir).workshop(args.workshop) is None:
                print(f"tremplin: unknown workshop {args.workshop!r}", file=sys.stderr)
                return EXIT_UNUSABLE
        slot = store.add_slot(
            start=start,
            seats=args.seats,
            duration_minutes=duration,
            kind=args.kind,
            place=place,
            workshop=args.workshop,
            actor="cli",
        )
        print(f"Slot added:\n{_line(slot, settings)}")
        return 0
    finally:
        store.close()


def _list(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = _open(settings)
    try:
        since = utcnow() if not args.all else utcnow().replace(year=1970)
        slots = store.slots_between(since=since)
        if not slots:
            print("No slot." if args.all else "No upcoming slot.")
            return 0
        print("id\tlocal time\tdate\tkind\tduration\tseats\tplace")
        for slot in slots:
            print(_line(slot, settings))
        return 0
    finally:
        store.close()


def _cancel(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = _open(settings)
    try:
        try:
            slot = store.slot(args.id)
        except NotFoundError:
            print(f"tremplin: no slot {args.id}", file=sys.stderr)
            return EXIT_NOT_FOUND
        if slot.cancelled:
            print(f"Slot {slot.id} was already cancelled.")
            return 0
        bookings = store.cancel_slot(slot.id, actor="cli")
        print(
            f"Slot {slot.id} cancelled ({i18n.format_moment(slot.start, with_year=True)}). "
            f"{len(bookings)} booked candidate(s) will be told by the running bot."
        )
        return 0
    finally:
        store.close()
