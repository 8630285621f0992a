"""What staff see: an application's card and its buttons, queue pages and their filters, and
the messages a candidate gets after a decision.

Pure functions of the data (no I/O). Card buttons carry the application id and the review's
version (`s:<id>.<version>:<action>`): a button from before a decision is recognised as old.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks
from bot.core.i18n import N_, _, format_day, format_moment
from bot.core.states import State, labels
from bot.journey.dialogs import BLOCK, Dialogs
from bot.journey.rules import eligibility
from bot.journey.rules.contact import display_phone, visible
from bot.journey.rules.steps import active_path
from bot.journey.store import CandidateApplication
from bot.journey.views import answer_label, cannot_come_text, contacts_text, workshop_list
from bot.slots.store import Booking, Slot
from bot.staff import rules as lifecycle
from bot.staff.dialogs import StaffDialogs
from bot.staff.store import Note, QueueFilter, Review

QUEUE = "q"  # the subject of queue buttons: s:q:<action>
PAGE_SIZE = 8
MAX_NOTE = 1000  # characters of a typed note
NOTE_SHOWN = 300  # characters of a note shown on the card

VERDICT_LABELS = {
    "probable": N_("éligible probable"),
    "a_confirmer": N_("à confirmer"),
    "pas_pour_vous": N_("sans doute pas éligible"),
}
KIND_LABELS = {
    "entretien": N_("Entretien"),
    "information_collective": N_("Réunion d'information"),
}


def state_label(state: str) -> str:
    known = labels(state)
    return _(known.staff) if known else state


def verdict_label(verdict: str | None) -> str:
    return _(VERDICT_LABELS.get(verdict or "", verdict or "—"))


def _moment(stamp: str | None) -> str:
    return format_moment(datetime.fromisoformat(stamp)) if stamp else "—"


def _who(name: str | None) -> str:
    return name or _("l'équipe")


def full_name(application: CandidateApplication) -> str:
    name = " ".join(p for p in (application.first_name, application.last_name) if p)
    return name or _("(sans nom)")


# --- the card --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardData:
    """Everything a card shows, gathered by the handler."""

    application: CandidateApplication
    review: Review
    notes: Sequence[Note]
    referrer: str | None  # the referrer's name (or code); None: came on their own
    booking: Booking | None = None  # the seat she holds (an information session, …)


BOOKING_NOTES = {
    "confirmed": N_("a dit « Je viens »"),
}


def booking_line(booking: Booking | None, review: Review) -> str | None:
    """ "📅 Réunion d'information : jeudi 5 mars à 14 h", unless the state line says it."""
    if booking is None:
        return None
    slot = booking.slot
    if (
        slot.kind == "entretien"
        and review.interview_at
        and datetime.fromisoformat(review.interview_at) == slot.start
    ):
        return None  # "📅 Entretien le …" above
    line = _("📅 {kind} : {moment}").format(
        kind=_(KIND_LABELS.get(slot.kind, slot.kind)), moment=format_moment(slot.start)
    )
    note = BOOKING_NOTES.get(booking.state)
    return f"{line} · {_(note)}" if note else line


def status_line(application: CandidateApplication, review: Review, staff: StaffDialogs) -> str:
    """Where the application stands, who decided and when."""
    state = application.state
    who, when = _who(review.decided_by_name), _moment(review.decided_at)
    if state == State.NEW:
        return _("🆕 Nouvelle candidature : personne ne l'a encore ouverte.")
    if state == State.REVIEWING:
        return _("👀 À l'étude par {name} depuis le {moment}.").format(
            name=_who(review.claimed_by_name), moment=_moment(review.claimed_at)
        )
    if state == State.INTERVIEW:
        kind = _(KIND_LABELS.get(review.interview_kind or "entretien", KIND_LABELS["entretien"]))
        return _("📅 {kind} le {interview}, {place}. Décidé par {name} le {moment}.").format(
            kind=kind,
            interview=_moment(review.interview_at),
            place=review.interview_place or "—",
            name=who,
            moment=when,
        )
    if state == State.WAITING:
        return _("⏸ En attente, décidé par {name} le {moment}.").format(name=who, moment=when)
    if state == State.ACCEPTED:
        return _("✅ Acceptée par {name} le {moment}.").format(name=who, moment=when)
    if state == State.REFUSED:
        reason = staff.reason(review.reason)
        line = _("❌ Refusée par {name} le {moment}. Motif : {reason}.").format(
            name=who, moment=when, reason=_(reason.label) if reason else (review.reason or "—")
        )
        if review.note:
            line += "\n" + _("Note du refus : {note}").format(note=review.note[:NOTE_SHOWN])
        return line
    if state == State.CANCELLED:
        return _("↩️ Retirée par la personne le {moment}.").format(
            moment=_moment(application.updated_at)
        )
    return state_label(state)


def flags_of(dialogs: Dialogs, application: CandidateApplication) -> list[str]:
    """The answers that blocked or lowered the verdict, or that staff must know first."""
    return [f for f in active_path(dialogs, application.answers).flags if f in dialogs.flags]


def blocking(dialogs: Dialogs, application: CandidateApplication) -> list[str]:
    """What staff read before accepting someone whose answers block hiring."""
    flags = eligibility.with_effect(dialogs, flags_of(dialogs, application), BLOCK)
    return [_(dialogs.flags[f].staff) for f in flags]


def card_text(dialogs: Dialogs, staff: StaffDialogs, data: CardData) -> str:
    """The card: reference, name, what blocked or lowered the verdict, state, verdict and
    criteria, workshops, answers, contact."""
    application = data.application
    lines = [
        _("📋 Candidature {reference} · {name}").format(
            reference=application.reference or "—", name=full_name(application)
        ),
        *(_(dialogs.flags[f].staff) for f in flags_of(dialogs, application)),
        status_line(application, data.review, staff),
        _("Reçue le {moment}").format(moment=_moment(application.filed_at)),
    ]
    rendez_vous = booking_line(data.booking, data.review)
    if rendez_vous:
        lines.append(rendez_vous)
    lines += [
        "",
        _("Résultat du questionnaire : {verdict}").format(
            verdict=verdict_label(application.verdict)
        ),
    ]
    for criterion_id, status in application.criteria.items():
        criterion = dialogs.criteria.get(criterion_id)
        label = _(criterion.label) if criterion else criterion_id
        if status == "rempli":
            lines.append(f"  ✅ {label}")
        else:
            lines.append("  ❓ " + _("{criterion} (à vérifier)").format(criterion=label))
    if not application.criteria:
        lines.append("  " + _("aucun critère"))
    lines.append(
        _("Ateliers : {workshops}").format(
            workshops=workshop_list(dialogs, application.workshops) or "—"
        )
    )
    for line in staff.card:
        if not dialogs.has_step(line.step) or line.step not in application.answers:
            continue
        step = dialogs.step(line.step)
        lines.append(
            f"{_(line.label)} : {answer_label(dialogs, step, application.answers[step.id])}"
        )
    lines.append(
        _("Orientée par : {referrer}").format(referrer=data.referrer)
        if data.referrer
        else _("Orientée par : sans orienteur")
    )
    if application.phone:
        lines.append(f"📞 {display_phone(application.phone)}")
    if application.email:
        lines.append(f"✉️ {application.email}")
    if data.notes:
        lines += ["", _("📝 Notes")]
        for note in data.notes:
            text = note.text if len(note.text) <= NOTE_SHOWN else note.text[:NOTE_SHOWN] + "…"
            lines.append(
                _("• {day}, {name} : {text}").format(
                    day=format_day(datetime.fromisoformat(note.at)),
                    name=_who(note.author),
                    text=text,
                )
            )
    # Stored before e-mails were checked strictly, or typed by staff: what a card shows must
    # read as it is (no bidi override, no invisible character).
    return visible("\n".join(lines))


def card_data(application_id: int, version: int, action: str) -> str:
    return callbacks.make(callbacks.STAFF, f"{application_id}.{version}", action)


def open_data(application_id: int) -> str:
    return callbacks.make(callbacks.STAFF, str(application_id), "open")


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


ACTION_LABELS = {
    lifecycle.CONVENE: N_("📅 Convoquer à un entretien"),
    lifecycle.ACCEPT: N_("✅ Accepter"),
    lifecycle.REFUSE: N_("❌ Refuser"),
    lifecycle.WAIT: N_("⏸ Mettre en attente"),
    lifecycle.NOTE: N_("📝 Ajouter une note"),
}


def card_keyboard(application: CandidateApplication, review: Review) -> InlineKeyboardMarkup:
    """The decisions allowed in the application's state, and a note."""
    allowed = lifecycle.actions_for(application.state)

    def button(action: str) -> InlineKeyboardButton:
        label = ACTION_LABELS[action]
        if action == lifecycle.CONVENE and application.state == lifecycle.INTERVIEW:
            label = N_("📅 Changer le rendez-vous")
        return _button(_(label), card_data(application.id, review.version, action))

    rows: list[list[InlineKeyboardButton]] = []
    if lifecycle.CONVENE in allowed:
        rows.append([button(lifecycle.CONVENE)])
    pair = [button(a) for a in (lifecycle.ACCEPT, lifecycle.REFUSE) if a in allowed]
    if pair:
        rows.append(pair)
    rows += [[button(a)] for a in (lifecycle.WAIT, lifecycle.NOTE) if a in allowed]
    return InlineKeyboardMarkup(rows)


def back_button(application: CandidateApplication, review: Review) -> InlineKeyboardButton:
    return _button(_("◀️ Retour"), card_data(application.id, review.version, "card"))


def confirm_keyboard(
    application: CandidateApplication, review: Review, action: str, *, despite: bool = False
) -> InlineKeyboardMarkup:
    """A second tap before a decision the candidate is told about; `despite`: the answers
    block hiring (said in an alert before this)."""
    label = {
        lifecycle.ACCEPT: N_("⚠️ Oui, accepter quand même") if despite else N_("✅ Oui, accepter"),
        lifecycle.WAIT: N_("⏸ Oui, mettre en attente"),
    }[action]
    return InlineKeyboardMarkup(
        [
            [_button(_(label), card_data(application.id, review.version, f"{action}.y"))],
            [back_button(application, review)],
        ]
    )


def reasons_keyboard(
    staff: StaffDialogs, application: CandidateApplication, review: Review
) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(
                _(reason.label),
                card_data(application.id, review.version, f"{lifecycle.REFUSE}.{reason.id}"),
            )
        ]
        for reason in staff.reasons
    ]
    rows.append([back_button(application, review)])
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True, slots=True)
class SlotChoice:
    id: int
    start: datetime
    kind: str
    left: int


def slots_keyboard(
    application: CandidateApplication, review: Review, slots: Sequence[SlotChoice]
) -> InlineKeyboardMarkup:
    """Open slots to pick, or a date to type."""
    rows = [
        [
            _button(
                _("{moment} · {kind} ({left} pl.)").format(
                    moment=format_moment(slot.start),
                    kind=_(KIND_LABELS.get(slot.kind, slot.kind)),
                    left=slot.left,
                ),
                card_data(application.id, review.version, f"{lifecycle.CONVENE}.{slot.id}"),
            )
        ]
        for slot in slots
    ]
    rows.append(
        [
            _button(
                _("✍️ Autre date"),
                card_data(application.id, review.version, f"{lifecycle.CONVENE}.date"),
            )
        ]
    )
    rows.append([back_button(application, review)])
    return InlineKeyboardMarkup(rows)


# --- the queue -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: Sequence[CandidateApplication]
    total: int
    page: int  # from 1
    filters: QueueFilter

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def filters_text(dialogs: Dialogs, filters: QueueFilter, referrer: str | None) -> str:
    parts = []
    if filters.states:
        parts.append(
            _("état : {states}").format(states=", ".join(state_label(s) for s in filters.states))
        )
    if filters.workshop:
        workshop = dialogs.workshop(filters.workshop)
        parts.append(
            _("atelier : {workshop}").format(
                workshop=_(workshop.label) if workshop else filters.workshop
            )
        )
    if filters.verdict:
        parts.append(_("résultat : {verdict}").format(verdict=verdict_label(filters.verdict)))
    if filters.source:
        parts.append(_("orientée par : {referrer}").format(referrer=referrer or filters.source))
    if not parts:
        return _("Filtres : aucun (les candidatures ouvertes)")
    if not filters.states:
        parts.append(_("candidatures ouvertes"))
    return _("Filtres : {filters}").format(filters=" · ".join(parts))


def item_line(application: CandidateApplication) -> str:
    return " · ".join(
        [
            application.reference or "—",
            full_name(application),
            state_label(application.state),
            _("reçue le {day}").format(
                day=format_day(datetime.fromisoformat(application.filed_at))
                if application.filed_at
                else "—"
            ),
        ]
    )


def item_button(application: CandidateApplication) -> InlineKeyboardButton:
    label = f"{application.reference or '—'} · {full_name(application)}"
    return _button(label[:60], open_data(application.id))


def queue_text(dialogs: Dialogs, page: QueuePage, referrer: str | None) -> str:
    lines = [
        _("📂 La file : {total} candidature(s), page {page} sur {pages}").format(
            total=page.total, page=page.page, pages=page.pages
        ),
        filters_text(dialogs, page.filters, referrer),
        "",
    ]
    if not page.items:
        lines.append(_("Aucune candidature ici."))
    first = (page.page - 1) * PAGE_SIZE + 1
    lines += [f"{n}. {item_line(a)}" for n, a in enumerate(page.items, first)]
    if page.items:
        lines += ["", _("Touchez une candidature pour ouvrir sa fiche.")]
    return "\n".join(lines)


def queue_data(action: str) -> str:
    return callbacks.make(callbacks.STAFF, QUEUE, action)


def queue_keyboard(page: QueuePage) -> InlineKeyboardMarkup:
    rows = [[item_button(a)] for a in page.items]
    nav = []
    if page.page > 1:
        nav.append(_button(_("◀️ Précédente"), queue_data(f"p{page.page - 1}")))
    if page.page < page.pages:
        nav.append(_button(_("Suivante ▶️"), queue_data(f"p{page.page + 1}")))
    if nav:
        rows.append(nav)
    rows.append(
        [
            _button(_("État"), queue_data("fs")),
            _button(_("Atelier"), queue_data("fw")),
            _button(_("Résultat"), queue_data("fv")),
            _button(_("Orienteur"), queue_data("fr")),
        ]
    )
    filters = page.filters
    if filters.states or filters.workshop or filters.verdict or filters.source:
        rows.append([_button(_("✖️ Sans filtre"), queue_data("clear"))])
    return InlineKeyboardMarkup(rows)


def filter_keyboard(kind: str, options: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Choices of one filter: (label, value) pairs, then "all" and back."""
    rows = [[_button(label[:60], queue_data(f"{kind}-{value}"))] for label, value in options]
    rows.append([_button(_("Tous"), queue_data(f"{kind}-*"))])
    rows.append([_button(_("◀️ Retour"), queue_data("back"))])
    return InlineKeyboardMarkup(rows)


# --- what the candidate is told ----------------------------------------------------------------


def _place_of_structure(dialogs: Dialogs) -> str:
    return f"{dialogs.structure.name}, {dialogs.structure.address}"


def default_place(dialogs: Dialogs) -> str:
    return _place_of_structure(dialogs)


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
        invite = _(messages[key]).format(moment=_moment(review.interview_at))
        place = _(messages["entretien_lieu"]).format(
            place=review.interview_place or default_place(dialogs)
        )
        things = "\n".join(f"• {_(thing)}" for thing in staff.bring)
        bring = _(messages["entretien_apporter"]).format(things=things) if things else ""
        after = cannot_come_text(dialogs.structure)
        return [f"{invite}\n{place}", "\n\n".join(p for p in (bring, after) if p)]
    if state == State.ACCEPTED:
        return [
            _(messages["acceptee"]),
            _(messages["acceptee_suite"]).format(place=_place_of_structure(dialogs)),
        ]
    if state == State.REFUSED:
        reason = staff.reason(review.reason)
        return [
            _(messages["refusee"])
            .format(reference=reference, reason=_(reason.text) if reason else "")
            .strip(),
            _(messages["refusee_suite"]) + "\n" + contacts_text(dialogs),
        ]
    if state == State.WAITING:
        return [
            _(messages["en_attente"]).format(reference=reference),
            _(messages["en_attente_suite"]),
        ]
    return []


def freed_messages(slots: Sequence[Slot], state: str) -> list[str]:
    """What the person is told of the seats a decision freed: an information session she no
    longer needs, or (accepted) an interview. An interview moved to another date is said by
    the decision's own message."""
    messages = []
    for slot in slots:
        moment = format_moment(slot.start)
        if slot.kind == "information_collective":
            messages.append(
                _(
                    "Votre place à la réunion d'information du {moment} est libérée : "
                    "vous n'en avez plus besoin."
                ).format(moment=moment)
            )
        elif state == State.ACCEPTED:
            messages.append(
                _("Votre entretien du {moment} est annulé : vous n'en avez plus besoin.").format(
                    moment=moment
                )
            )
    return messages
