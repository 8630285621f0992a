"""What a person is offered and has to come: the open slots they may take, the kinds and
workshops that decide it, their rendez-vous. These read the store; `views` only turns what
they find into texts and buttons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from bot.core import dialog_views as views
from bot.core.i18n import format_moment
from bot.core.rules import proofs
from bot.core.services import Services
from bot.core.states import State
from bot.slots import rules as rules
from bot.slots.store import Slot
from bot.slots.views import booking_text, kind_label, message, texts, when_text


def interview_text(svc: Services, application_id: int) -> str | None:
    """An interview the team gave at a date of its own ("✍️ Autre date", no slot): the date,
    the place and who to tell; None when there is none to come."""
    application = svc.store.application(application_id)
    review = svc.store.review(application_id)
    if application.state != State.INTERVIEW or not review.interview_at or review.slot_id:
        return None
    start = datetime.fromisoformat(review.interview_at)
    if rules.has_started(start, svc.clock()):
        return None
    kind = review.interview_kind or "entretien"
    text = message(svc, "confirmed").format(
        kind=kind_label(svc, kind).lower(),
        moment=format_moment(start),
        when=when_text(svc, start),
        place=review.interview_place or svc.dialogs.structure.address,
    )
    return f"{text}\n{views.cannot_come_text(svc.dialogs.structure)}"


def rendez_vous_text(svc: Services, application_id: int) -> str | None:
    """/statut: the rendez-vous to come, from a booking or a date the team gave; or None."""
    booking = svc.store.active_booking_of(application_id)
    if booking is not None and not rules.has_started(booking.slot.start, svc.clock()):
        return f"{booking_text(svc, booking.slot)}\n{views.cannot_come_text(svc.dialogs.structure)}"
    return interview_text(svc, application_id)


def open_for(
    svc: Services,
    workshops: Iterable[str],
    *,
    kinds: Iterable[str] | None = None,
    exclude: Iterable[int] = (),
) -> list[Slot]:
    """The next open slots a person may take: of the given kinds (default: those candidates
    choose themselves), for one of their workshops or for all, soonest first."""
    wanted = tuple(kinds) if kinds is not None else texts(svc).offer_kinds
    skip = set(exclude)
    chosen = set(workshops)
    now = svc.clock()
    found = [
        slot
        for slot in svc.store.open_slots(now=now, limit=50)
        if slot.id not in skip and may_take(slot, now=now, kinds=wanted, workshops=chosen)
    ]
    return found[: texts(svc).offer_count]


def may_take(slot: Slot, *, now: datetime, kinds: Iterable[str], workshops: Iterable[str]) -> bool:
    return rules.offerable(
        kind=slot.kind,
        workshop=slot.workshop,
        start=slot.start,
        cancelled=slot.cancelled,
        now=now,
        kinds=set(kinds),
        workshops=set(workshops),
    )


def kinds_for(svc: Services, application_id: int) -> set[str]:
    """The kinds of slot a person may tap: those candidates choose themselves, and the kinds
    the team already gave them (an interview can be moved to another interview)."""
    return set(texts(svc).offer_kinds) | svc.store.booked_kinds(application_id)


def workshops_of(svc: Services, application_id: int) -> set[str]:
    """The workshops an application chose (a draft keeps them in its answers)."""
    application = svc.store.application(application_id)
    return set(application.workshops) | chosen_workshops(svc, application.answers)


def chosen_workshops(svc: Services, answers: Mapping[str, object]) -> set[str]:
    step = next((s for s in svc.dialogs.steps if s.kind == "multi"), None)
    chosen = answers.get(step.id) if step is not None else None
    return {w for w in chosen if isinstance(w, str)} if isinstance(chosen, list) else set()


def bring_for(svc: Services, application_id: int) -> list[str]:
    """What this person brings (French source texts): an identity document, then the proofs
    of the criteria they said "oui" or "je ne sais pas" to, five lines at most."""
    application = svc.store.application(application_id)
    return proofs.bring_lines(svc.dialogs, application.criteria, application.answers)
