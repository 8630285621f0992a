"""Command line of the orientation (issue 25): `services import FILE | list`, and `check`.

`services import` reads data·inclusion's published services (JSON or CSV), checks each row
against the schema's rules, refuses a malformed row with its line (CSV) or index (JSON) and
the reason, and imports the others. Exit codes: 0 every row imported; 1 some rows refused
(the others imported); 2 the file or the database cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.core.catalogs import missing_translations
from bot.core.cli import Command, add_group, arg
from bot.core.dialogs import load_dialogs
from bot.core.feature import SubParsers
from bot.core.services import open_store
from bot.core.settings import Settings, load_settings
from bot.orientation.dialogs import ORIENTATION
from bot.orientation.rules import FileError, RowError, Service, rows_of, validate
from bot.orientation.schema import SCHEMA_VERSION

EXIT_REFUSED = 1
EXIT_UNUSABLE = 2


def add_parsers(commands: SubParsers) -> None:
    add_group(
        commands,
        "services",
        help="the directory of local help services (data·inclusion): import, list",
        description="The services shown to candidates for the needs they name (childcare, "
        "transport, housing, health, papers, learning French), near their postcode. They come "
        "from data·inclusion's published services (see README, 'Orientation').",
        dest="action",
        actions=(
            Command(
                "import",
                help="import data·inclusion's services from a JSON or CSV file",
                description="Read a file of data·inclusion's services (schema v"
                f"{SCHEMA_VERSION}; .json: a list, or an object with 'items'; .csv: a header "
                "line, lists as JSON or separated by commas). Each row is checked against the "
                "schema's rules: a malformed row is refused with its line and reason, the "
                "others are imported (a service already there is replaced).",
                handler=_import,
                args=(arg("file", type=Path, help="the .json or .csv file"),),
            ),
            Command(
                "list",
                help="the structure's own contacts, then the services loaded",
                description="List the structure's [[contacts]] (dialogs/structure.toml), always "
                "shown first, then the services loaded, by department and postcode.",
                handler=_list,
            ),
        ),
    )


def check(settings: Settings) -> list[str]:
    """dialogs/orientation.toml is valid, and each of its texts is in the catalogs."""
    problems = ORIENTATION.check(settings.dialogs_dir)
    if problems:
        return problems
    return missing_translations(
        settings, ORIENTATION.load(settings.dialogs_dir).translatable_strings()
    )


def _import(args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        text = path.read_text(encoding="utf-8-sig")
        rows = list(rows_of(path.name, text))
    except (OSError, UnicodeDecodeError) as error:
        print(f"tremplin: {path}: cannot be read ({error})", file=sys.stderr)
        return EXIT_UNUSABLE
    except FileError as error:
        print(f"tremplin: {path}: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    today = datetime.now(UTC).date()
    good: list[Service] = []
    refused = 0
    for row in rows:
        try:
            if row.error is not None:
                raise RowError(row.error)
            good.append(validate(row.raw, today=today))
        except RowError as error:
            refused += 1
            print(f"{path.name}: {row.where}: refused: {error}", file=sys.stderr)
    settings = load_settings()
    store = open_store(settings.database, backups=settings.backup_plan)
    try:
        imported = store.import_services(good)
    finally:
        store.close()
    print(f"{imported} service(s) imported, {refused} refused, from {path.name}.")
    return EXIT_REFUSED if refused else 0


def _list(args: argparse.Namespace) -> int:
    settings = load_settings()
    structure = load_dialogs(settings.dialogs_dir).structure
    print("# The structure's contacts (dialogs/structure.toml), shown first")
    for contact in structure.contacts:
        reach = " · ".join(p for p in (contact.address, contact.phone, contact.hours) if p)
        print(f"- {contact.name}: {contact.helps}" + (f" ({reach})" if reach else ""))
    store = open_store(settings.database, backups=settings.backup_plan)
    try:
        services = store.services()
    finally:
        store.close()
    print(f"# Services loaded: {len(services)}")
    if services:
        print("department\tpostcode\tname\tthematiques\tphone\tfees\tmap\tid")
    for s in services:
        print(
            "\t".join(
                [
                    s.department or "—",
                    s.code_postal or "—",
                    s.nom,
                    ",".join(s.thematiques) or "—",
                    s.telephone or "—",
                    s.frais or "—",
                    "yes" if s.has_place else "no",
                    s.id,
                ]
            )
        )
    return 0
