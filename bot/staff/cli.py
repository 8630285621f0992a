"""Command line of the staff side (issue #4): `export` and `stats`; `check` of staff.toml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.core.catalogs import missing_translations
from bot.core.cli import Command, add_commands, arg
from bot.core.dialog_files import DialogError
from bot.core.dialogs import load_dialogs
from bot.core.feature import SubParsers
from bot.core.settings import Settings, load_settings


def add_parsers(commands: SubParsers) -> None:
    """`export --format xlsx|csv --out FILE` and `stats`."""
    add_commands(
        commands,
        Command(
            "export",
            help="write every filed application to an XLSX or CSV file (French Excel)",
            description="Write every filed application, one row each, to FILE: XLSX with French "
            "headers, dates as real dates and a 'Chiffres' sheet, or CSV separated by ';' in "
            "UTF-8 with a BOM (both open right in French Excel). The file holds personal data: "
            "keep it among staff.",
            handler=_export,
            args=(
                arg("--format", choices=("xlsx", "csv"), default="xlsx", help="xlsx or csv"),
                arg("--out", type=Path, required=True, help="the file to write"),
            ),
        ),
        Command(
            "stats",
            help="print the figures: by state, workshop, referrer, month; the journey funnel",
            description="Print the figures staff get with /stats: applications by state, "
            "workshop, referrer and month, the journey's funnel and where people stopped, and "
            "the no-show rate of slots once attendance is marked. With --chart FILE, also write "
            "the PNG chart.",
            handler=_stats,
            args=(arg("--chart", type=Path, help="also write the chart to this PNG file"),),
        ),
    )


def check(settings: Settings) -> list[str]:
    """Problems in dialogs/staff.toml, and its texts missing from a catalog."""
    from bot.staff.dialogs import check_staff_dialogs, load_staff_dialogs

    try:
        dialogs = load_dialogs(settings.dialogs_dir)
    except DialogError:
        dialogs = None  # reported by the journey's own check
    problems = check_staff_dialogs(settings.dialogs_dir, dialogs)
    if problems:
        return problems
    return missing_translations(
        settings, load_staff_dialogs(settings.dialogs_dir, dialogs).translatable_strings()
    )


def _services(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.core import i18n
    from bot.core.services import Services, open_store
    from bot.core.store import utcnow

    i18n.setup(
        settings.locales_dir, timezone=settings.timezone, extra=settings.structure_locales_dir
    )
    store = open_store(settings.database, backups=settings.backup_plan)
    return Services(
        settings=settings, store=store, dialogs=load_dialogs(settings.dialogs_dir), clock=utcnow
    )


def _export(args: argparse.Namespace) -> int:
    from bot.staff import export

    settings = load_settings()
    svc = _services(settings)
    try:
        data, count = export.build(svc, args.format)
    except Exception as error:
        # By type only: the message of an error about a cell would quote personal data.
        print(f"tremplin: the export failed ({type(error).__name__})", file=sys.stderr)
        return 1
    finally:
        svc.store.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        args.out.write_bytes(data)
    except OSError as error:
        print(f"tremplin: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"{count} application(s) written to {args.out} ({args.format}).")
    return 0


def _stats(args: argparse.Namespace) -> int:
    from bot.staff import stats

    settings = load_settings()
    svc = _services(settings)
    try:
        figures = stats.collect(svc)
    finally:
        svc.store.close()
    print(stats.figures_text(figures))
    if args.chart is not None:
        try:
            args.chart.parent.mkdir(parents=True, exist_ok=True)
            args.chart.write_bytes(stats.chart_png(figures))
        except OSError as error:
            print(f"tremplin: cannot write {args.chart}: {error.strerror}", file=sys.stderr)
            return 2
        print(f"Chart written to {args.chart}.")
    return 0
