"""What /statut, /rdv and /start say, from one reading of the person's situation: the facts
are read here, `bot.core.rules.standing.standing` decides, and the functions below only
put that decision into words (so the three commands always agree)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.core import dialog_views as views
from bot.core import states
from bot.core.application_store import CandidateApplication
from bot.core.i18n import _, translated
from bot.core.rules import standing as rules
from bot.core.services import Services
from bot.slots import offers as slot_offers
from bot.slots import views as slot_views
from bot.slots.rules import has_started
from bot.slots.store import Booking, Slot


def no_application() -> str:
    return _("Vous n'avez pas de candidature. Touchez /start pour commencer.")


@dataclass(frozen=True, slots=True)
class Situation:
    """The person's latest application, what the rule decided, and what it rests on."""

    application: CandidateApplication | None
    standing: rules.Standing
    booking: Booking | None = None  # the seat to come (SESSION)
    interview: str | None = None  # the typed interview, in words (INTERVIEW)
    offers: tuple[Slot, ...] = ()  # open dates (OFFER_DATES)


def latest_application(svc: Services, user_id: int) -> CandidateApplication | None:
    """The living application (a draft included), otherwise the last one she had."""
    application = svc.store.active_application(user_id)
    if application is not None:
        return application
    every = svc.store.applications_of(user_id)
    return every[-1] if every else None


def situation(svc: Services, user_id: int) -> Situation:
    application = latest_application(svc, user_id)
    if application is None:
        return Situation(None, rules.standing(rules.Facts(state=None)))
    booking = interview = None
    offers: tuple[Slot, ...] = ()
    if application.state in states.FILED_ALIVE:
        booking = svc.store.active_booking_of(application.id)
        if booking is not None and has_started(booking.slot.start, svc.clock()):
            booking = None
        interview = slot_offers.interview_text(svc, application.id)
        if booking is None and interview is None and application.state in states.OPEN:
            offers = tuple(slot_offers.open_for(svc, slot_offers.workshops_of(svc, application.id)))
    facts = rules.Facts(
        state=application.state,
        session=booking is not None,
        typed_interview=interview is not None,
        open_dates=bool(offers),
    )
    return Situation(application, rules.standing(facts), booking, interview, offers)


def state_sentence(svc: Services, application: CandidateApplication) -> str:
    return translated(svc.dialogs.states, application.state).format(
        reference=application.reference or ""
    )


def _rendez_vous_lines(svc: Services, found: Situation) -> list[str]:
    said = found.standing
    if said.rendez_vous == rules.SESSION and found.booking is not None:
        return [
            slot_views.booking_text(svc, found.booking.slot),
            views.cannot_come_text(svc.dialogs.structure),
        ]
    if said.rendez_vous == rules.INTERVIEW and found.interview is not None:
        return [found.interview]
    if said.rendez_vous == rules.NO_RENDEZ_VOUS:
        return [slot_views.message(svc, "no_booking")]
    return []


def _then_line(svc: Services, then: str) -> str | None:
    if then == rules.OFFER_DATES:
        return _("Pour choisir une date, touchez /rdv.")
    if then == rules.TEAM_WILL_CALL:
        return slot_views.message(svc, "team_will_call")
    if then == rules.APPLY_AGAIN:
        return _("Pour faire une nouvelle candidature, touchez /start.")
    return None


def _bring_lines(svc: Services, found: Situation) -> list[str]:
    if found.application is None or not found.standing.bring:
        return []
    bring = slot_offers.bring_for(svc, found.application.id)
    if found.standing.bring == rules.AT_RENDEZ_VOUS:
        return slot_views.bring_block(svc, bring)
    return ["", *slot_views.bring_when_called(svc, bring)] if bring else []


def status_text(svc: Services, user_id: int, found: Situation | None = None) -> str:
    """/statut: where the application stands, and its rendez-vous (or why there is none)."""
    found = found or situation(svc, user_id)
    if found.application is None:
        return no_application()
    head = state_sentence(svc, found.application)
    rest = _rendez_vous_lines(svc, found)
    then = _then_line(svc, found.standing.then)
    if then:
        rest.append(then)
    return "\n\n".join([head, "\n".join(rest)]) if rest else head


def rdv_reply(svc: Services, user_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """/rdv: the rendez-vous to move or cancel, or why there is none and what comes next."""
    found = situation(svc, user_id)
    said = found.standing
    if found.application is None:
        return no_application(), None
    if said.rendez_vous == rules.SESSION and found.booking is not None:
        text = "\n".join(
            [slot_views.booking_text(svc, found.booking.slot), *_bring_lines(svc, found)]
        )
        return text, slot_views.rdv_markup(svc)
    if said.rendez_vous == rules.INTERVIEW and found.interview is not None:
        # A date the team typed: no seat to move or cancel here.
        return "\n".join([found.interview, *_bring_lines(svc, found)]), None
    if not said.rendez_vous:  # a draft: nothing sent yet
        return state_sentence(svc, found.application), None
    lines = [state_sentence(svc, found.application), "", slot_views.message(svc, "no_booking")]
    if said.then == rules.OFFER_DATES:
        lines.append(slot_views.message(svc, "other_date"))
        return "\n".join(lines), slot_views.offer_markup(svc, found.offers)
    then = _then_line(svc, said.then)
    if then:
        lines.append(then)
    return "\n".join([*lines, *_bring_lines(svc, found)]), None


def start_text(svc: Services, user_id: int) -> tuple[rules.Standing, str | None]:
    """/start: what to do (the rule's `start`) and what to say first: an application
    already sent says where it stands, as /statut does; a closed one too, before the
    welcome of a new one."""
    found = situation(svc, user_id)
    said = found.standing
    if found.application is None or said.start in (rules.BEGIN, rules.RESUME):
        return said, None
    if said.closed:
        return said, "\n".join(
            [
                state_sentence(svc, found.application),
                _("Vous pouvez faire une nouvelle candidature."),
            ]
        )
    return said, "\n\n".join(
        [
            _("Vous avez déjà une candidature."),
            status_text(svc, user_id, found),
            _("Tapez /aide pour voir ce que vous pouvez faire."),
        ]
    )
