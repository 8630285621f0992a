"""`python -m bot check`: the dialogs, the catalogs, and optionally a database file."""

from __future__ import annotations

from pathlib import Path

from bot.core.catalogs import code_texts, language_problems, missing_translations, read_catalog
from bot.core.dialog_checks import go_live_gaps
from bot.core.dialogs import load_dialogs
from bot.core.reliability import integrity_of_file
from bot.core.settings import Settings
from bot.features import FEATURES


def run_checks(settings: Settings, *, database: Path | None = None) -> list[str]:
    problems: list[str] = []
    for feature in FEATURES:
        problems += feature.check(settings)
    if not problems:
        problems += check_catalogs(settings)
    if database is not None:
        problems += check_database(database)
    return problems


def warnings_of(settings: Settings) -> list[str]:
    """What is valid but not ready for real use (the fields a structure must fill before
    going live): `check` says it first and still succeeds."""
    try:
        structure = load_dialogs(settings.dialogs_dir).structure
    except Exception:  # a broken file is already one of the problems of run_checks
        return []
    return go_live_gaps(structure, settings.staff_ids, settings.staff_chat_id)


# The modules whose texts candidates read (staff's stay French): every language must have them.
PACKAGE = Path(__file__).resolve().parent
CANDIDATE_CODE = (
    "core/access.py",
    "core/states.py",
    # The application and the dialogs, in the core since #24 (they were journey/*.py).
    "core/application_store.py",
    "core/application_migrations.py",
    "core/dialog_types.py",
    "core/dialog_fields.py",
    "core/dialog_checks.py",
    "core/dialogs.py",
    "core/dialog_views.py",
    "journey/*.py",
    "slots/views.py",
    "slots/rdv.py",
    "slots/standing.py",
    "slots/offers.py",
    "slots/journey_step.py",
    "slots/reminders.py",
    "slots/calendar_file.py",
    "core/outbox/handlers.py",
    "staff/decision_views.py",
    "referrers/referral.py",
    "orientation/views.py",
)


def check_catalogs(settings: Settings) -> list[str]:
    """Every text of the journey's dialogs is in each catalog."""
    catalogs = sorted(settings.locales_dir.glob("*/LC_MESSAGES/messages.po"))
    if not catalogs:
        return [f"locales: no catalog in {settings.locales_dir}"]
    problems = []
    own = settings.structure_locales_dir
    for po_path in [*catalogs, *(own.glob("*/LC_MESSAGES/messages.po") if own else ())]:
        try:
            read_catalog(po_path)
        except Exception as error:  # Babel raises several kinds on a broken file
            problems.append(f"{po_path}: cannot be read ({error})")
    dialogs = load_dialogs(settings.dialogs_dir)
    texts = dialogs.translatable_strings()
    problems += missing_translations(settings, texts)
    candidate_code = code_texts(
        path for pattern in CANDIDATE_CODE for path in sorted(PACKAGE.glob(pattern))
    )
    buttons = [o.label for s in dialogs.steps for o in (*s.options, *s.quick)]
    buttons += [w.label for w in dialogs.workshops]
    buttons += [s.short for s in dialogs.steps if s.short]  # "✏️ <short>" at the summary
    return problems + language_problems(settings, candidate_code, buttons)


def check_database(path: Path) -> list[str]:
    if not path.is_file():
        return [f"database: {path} does not exist"]
    result = integrity_of_file(path)
    return [] if result == "ok" else [f"database: {result}"]
