"""What a candidate is told after a staff decision, and when a decision frees their date."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.application_store import CandidateApplication
from bot.core.dialog_types import Dialogs
from bot.core.dialog_views import bring_bullets, cannot_come_text, contacts_text
from bot.core.i18n import _, translated
from bot.core.rules import proofs
from bot.core.states import State
from bot.staff.dialogs import StaffDialogs
from bot.staff.store import Review
from bot.staff.views import default_place, moment_text, structure_place


def decision_messages(
    dialogs: Dialogs, staff: StaffDialogs, application: CandidateApplication, review: Review
) -> list[str]:
    """The messages (one Telegram message each) telling the candidate a decision."""
    messages = staff.messages
    state = application.state
    reference = application.reference or ""
    if state == State.INTERVIEW:
        key = (
            "information_collective"
            if review.interview_kind == "information_collective"
            else "entretien"
        )
        invite = _(messages[key]).format(moment=moment_text(review.interview_at))
        place = translated(messages, "entretien_lieu").format(
            place=review.interview_place or default_place(dialogs)
        )
        things = "\n".join(
            bring_bullets(proofs.bring_lines(dialogs, application.criteria, application.answers))
        )
        bring = translated(messages, "entretien_apporter").format(things=things) if things else ""
        after = cannot_come_text(dialogs.structure)
        return [f"{invite}\n{place}", "\n\n".join(p for p in (bring, after) if p)]
    if state == State.ACCEPTED:
        return [
            translated(messages, "acceptee"),
            translated(messages, "acceptee_suite").format(place=structure_place(dialogs)),
        ]
    if state == State.REFUSED:
        reason = staff.reason(review.reason)
        return [
            translated(messages, "refusee")
            .format(reference=reference, reason=_(reason.text) if reason else "")
            .strip(),
            translated(messages, "refusee_suite") + "\n" + contacts_text(dialogs),
        ]
    if state == State.WAITING:
        return [
            translated(messages, "en_attente").format(reference=reference),
            translated(messages, "en_attente_suite"),
        ]
    return []


def with_session(texts: list[str], lines: Sequence[str]) -> list[str]:
    """The decision's first message, then what becomes of her rendez-vous, in one message."""
    if not texts or not lines:
        return texts
    return ["\n".join([texts[0], *lines]), *texts[1:]]
