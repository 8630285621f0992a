"""What a referrer reads of a followed application beyond its state: the day of the decision,
a refusal's reason in les emplois de l'inclusion's words for the prescriber (when the
candidate's consent covers it), what the referrer can do next, how to reach the team.

Referrers read French: these texts are not translated (unlike `referral.py`'s welcome note).
"""

from __future__ import annotations

from datetime import datetime

from bot.core.application_store import CandidateApplication
from bot.core.i18n import _, format_day
from bot.core.services import Services
from bot.core.states import NOTIFIED, State, labels
from bot.referrers.rules import Catalog
from bot.referrers.store import Followup


def state_words(state: str) -> str:
    """An application's state as a referrer reads it (short, plain, no reference)."""
    known = labels(state)
    return _(known.referrer) if known else state


def decided_words(application: CandidateApplication, followup: Followup | None) -> str:
    """ "candidature non retenue (décision du mardi 3 mars 2026)": the state, with the day of
    the decision that led to it (a decided state only)."""
    words = state_words(application.state)
    if followup is None or not followup.decided_at or application.state not in NOTIFIED:
        return words
    day = format_day(datetime.fromisoformat(followup.decided_at))
    return _("{state} (décision du {day})").format(state=words, day=day)


def refusal_lines(
    svc: Services, catalog: Catalog, application: CandidateApplication, followup: Followup | None
) -> list[str]:
    """After a refusal: the reason in les emplois de l'inclusion's words for the prescriber
    (when the candidate's consent covers it), what the referrer can do next, and how to
    reach the team. Nothing for another state."""
    if application.state != State.REFUSED:
        return []
    refusal = catalog.refusal(followup.reason if followup else None)
    if followup is None or not followup.shares_reason:
        lines = [
            _("La personne n'a pas donné son accord pour partager le motif."),
            _("Vous pouvez lui proposer une autre structure."),
        ]
    elif refusal is None:
        lines = [_("Vous pouvez lui proposer une autre structure.")]
    else:
        lines = [_("Motif : {reason}.").format(reason=refusal.wording), refusal.next]
    return [*lines, team_contact(svc)]


def team_contact(svc: Services) -> str:
    """How a referrer reaches the team: the structure's phone, else its address and hours."""
    structure = svc.dialogs.structure
    if structure.phone:
        return _("Pour en parler avec l'équipe : {phone}.").format(phone=structure.phone)
    return (
        _("Pour en parler avec l'équipe : {address}. {hours}")
        .format(address=structure.address, hours=structure.hours)
        .strip()
    )
