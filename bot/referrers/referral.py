"""Where a candidate comes from: the referrer code of a `/start <code>` link (issue #6).

`candidate.py` calls these hooks; the staff side calls `notify_decision` and `referrer_name`.
A payload is a source only when it is the code of a known referrer that was not deleted;
anything else (unknown, malformed, too long) gives the normal journey, with no error shown.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core import i18n, mentions
from bot.core.application_store import CandidateApplication
from bot.core.dialog_files import DialogSource, Loaded, Problems, failed, read_toml, result
from bot.core.dialog_types import Option, Step
from bot.core.i18n import _, in_french
from bot.core.services import Services
from bot.core.states import NOTIFIED
from bot.referrers import followup_views
from bot.referrers.rules import LINK_PREFIX, PAYLOAD, Catalog, of_name, parse_catalog, short_name

log = logging.getLogger(__name__)

CATALOG_FILE = "referrers.toml"
# The fact the journey's `ask_if` can test: the candidate came through a referrer's link.
REFERRER_FACT = "_referrer"
# The option flag that records the candidate's consent to follow-up by their referrer.
FOLLOWUP_CONSENT = "referrer"


def _parse(directory: Path) -> Loaded[Catalog]:
    problems = Problems()
    data = read_toml(directory / CATALOG_FILE, problems)
    if data is None:
        return failed(problems)
    catalog, found = parse_catalog(data)
    problems.extend(found)
    return failed(problems) if catalog is None else result(catalog, problems)


# Read again when the file changes (the last good version is kept while it is broken).
CATALOG: DialogSource[Catalog] = DialogSource(name="referrers", files=(CATALOG_FILE,), parse=_parse)


def load_catalog(dialogs_dir: Path) -> Catalog:
    """The running `dialogs/referrers.toml` (read again when the file changed; a broken
    edit keeps the last good version)."""
    return CATALOG.live(dialogs_dir)


def catalog(svc: Services) -> Catalog:
    return load_catalog(svc.settings.dialogs_dir)


def source_for(svc: Services, payload: str | None) -> str | None:
    """The source to record for a start payload, or None (unknown or malformed: ignored)."""
    if not payload or not PAYLOAD.match(payload) or payload.startswith(LINK_PREFIX):
        return None
    referrer = svc.store.referrer_by_code(payload)
    return referrer.code if referrer is not None else None


def welcome_note(svc: Services, source: str | None) -> str | None:
    """ "Vous venez de la part de …" when the source is a known referrer."""
    referrer = svc.store.referrer_by_code(source) if source else None
    if referrer is None:
        return None
    # French needs the article ("de la Mission locale"); other catalogs take the bare name.
    if i18n.current_language() == i18n.FRENCH:
        named = of_name(referrer.name, catalog(svc).articles)
    else:
        named = referrer.name
    return _("Vous venez de la part {of_name}.").format(of_name=named)


def is_referrer_diagnosis(svc: Services, source: str | None) -> bool:
    """True when an authorised referrer's link stands for their eligibility diagnosis."""
    if not source:
        return False
    # A referrer deleted after the person came keeps counting: the link was valid then.
    referrer = svc.store.referrer_by_code(source, include_deleted=True)
    if referrer is None:
        return False
    kind = catalog(svc).kind(referrer.kind)
    return kind is not None and kind.diagnosis


def referrer_name(svc: Services, source: str | None) -> str | None:
    """The name of the referrer behind a source code (for staff cards, export, stats).
    One indexed query; deleted referrers keep their name (history stays readable)."""
    if not source:
        return None
    referrer = svc.store.referrer_by_code(source, include_deleted=True)
    return referrer.name if referrer is not None else None


def referrer_names(svc: Services) -> dict[str, str]:
    """Every referrer code → name in one query, for an export of many applications."""
    return svc.store.referrer_names()


def journey_facts(svc: Services, source: str | None) -> dict[str, Any]:
    """Facts put in a new draft's answers for the journey's `ask_if` (`_referrer`)."""
    if source and svc.store.referrer_by_code(source) is not None:
        return {REFERRER_FACT: "oui"}
    return {}


def record_answer(svc: Services, application_id: int | None, step: Step, option: Option) -> None:
    """The answer to the follow-up question (an option with `consent = "referrer"`) is the
    candidate's consent, given or taken back."""
    if application_id is None or not any(o.consent == FOLLOWUP_CONSENT for o in step.options):
        return
    svc.store.set_followup(application_id, option.consent == FOLLOWUP_CONSENT)


@in_french
async def notify_decision(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application: CandidateApplication
) -> None:
    """Tell the referrer of a consenting candidate that a decision was made (issue #6).
    Called by the staff side after every decision; says each decision once, never fails."""
    if application.state not in NOTIFIED or not application.source:
        return
    referrer = svc.store.referrer_by_code(application.source)
    if referrer is None or referrer.telegram_user_id is None:
        return
    followup = svc.store.followup(application.id)
    if followup is None:
        return
    if not svc.store.claim_followup_notice(application.id, application.state):
        return
    text = "\n".join(
        [
            _("📬 Suivi de vos candidats"),
            _("{person} : {state}.").format(
                person=short_name(application.first_name, application.last_name),
                state=followup_views.decided_words(application, followup),
            ),
            *followup_views.refusal_lines(svc, catalog(svc), application, followup),
            _("Tapez /mescandidats pour voir la liste."),
        ]
    )
    try:
        sent = await context.bot.send_message(referrer.telegram_user_id, text)
    except TelegramError as error:
        log.warning("could not tell a referrer about a decision: %s", type(error).__name__)
        return
    svc.store.shown(sent.chat_id, sent.message_id, [application.id], mentions.LIST)
