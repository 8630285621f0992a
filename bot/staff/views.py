"""What staff see on a card: the application, its history, notes and buttons (the queue is in
`queue_views`, what the candidate is told in `decision_views`).

Pure functions of the data (no I/O). Card buttons carry the application id and the review's
version (`s:<id>.<version>:<action>`): a button from before a decision is recognised as old.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks
from bot.core.application_store import CandidateApplication
from bot.core.dialog_types import BLOCK, Dialogs
from bot.core.dialog_views import KIND_LABELS as KIND_LABELS
from bot.core.dialog_views import answer_label, workshop_list, workshops_step
from bot.core.i18n import FRENCH, N_, _, format_day, format_moment, french_name
from bot.core.rules import eligibility, latin, proofs
from bot.core.rules.contact import display_phone, visible
from bot.core.rules.steps import active_path
from bot.core.states import State, labels
from bot.staff import rules as lifecycle
from bot.staff.dialogs import StaffDialogs
from bot.staff.proofs_store import ProofSeen
from bot.staff.store import Note, Review

MAX_NOTE = 1000  # characters of a typed note
NOTE_SHOWN = 300  # characters of a note shown on the card

VERDICT_LABELS = {
    "probable": N_("éligible probable"),
    "a_confirmer": N_("à confirmer"),
    "pas_pour_vous": N_("sans doute pas éligible"),
}


def state_label(state: str) -> str:
    known = labels(state)
    return _(known.staff) if known else state


def verdict_label(verdict: str | None) -> str:
    return _(VERDICT_LABELS.get(verdict or "", verdict or "—"))


def moment_text(stamp: str | None) -> str:
    return format_moment(datetime.fromisoformat(stamp)) if stamp else "—"


def _who(name: str | None) -> str:
    return name or _("l'équipe")


def full_name(application: CandidateApplication) -> str:
    """The name as she wrote it, and beside it in Latin letters when it is in another
    script: "أمينة Benali (Mynh Benali)"."""
    name = " ".join(p for p in (application.first_name, application.last_name) if p)
    return latin.shown_beside(name, application.latin_name) if name else _("(sans nom)")


# --- the card --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardData:
    """Everything a card shows, gathered by the handler."""

    application: CandidateApplication
    review: Review
    notes: Sequence[Note]
    referrer: str | None  # the referrer's name (or code); None: came on their own
    # The seat she holds (an information session, …), in one line: the slots' part of the
    # card (their `Sessions.card_line`, bot/core/feature.py); None: none, or said above.
    rendez_vous: str | None = None
    language: str = FRENCH  # the language she reads the bot in (staff call her in it)
    proofs: Mapping[str, ProofSeen] = field(default_factory=dict)  # seen by staff, per criterion
    diagnosis: bool = False  # sent by an authorised referrer: their diagnosis can confirm
    # Lines other features add (their `Feature.card_lines`: the needs she named…).
    extra: Sequence[str] = ()


def status_line(application: CandidateApplication, review: Review, staff: StaffDialogs) -> str:
    """Where the application stands, who decided and when."""
    state = application.state
    who, when = _who(review.decided_by_name), moment_text(review.decided_at)
    if state == State.NEW:
        return _("🆕 Nouvelle candidature : personne ne l'a encore ouverte.")
    if state == State.REVIEWING:
        return _("👀 À l'étude par {name} depuis le {moment}.").format(
            name=_who(review.claimed_by_name), moment=moment_text(review.claimed_at)
        )
    if state == State.INTERVIEW:
        kind = _(KIND_LABELS.get(review.interview_kind or "entretien", KIND_LABELS["entretien"]))
        return _("📅 {kind} le {interview}, {place}. Décidé par {name} le {moment}.").format(
            kind=kind,
            interview=moment_text(review.interview_at),
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
            moment=moment_text(application.updated_at)
        )
    return state_label(state)


def flags_of(dialogs: Dialogs, application: CandidateApplication) -> list[str]:
    """The answers that blocked or lowered the verdict, or that staff must know first."""
    return [f for f in active_path(dialogs, application.answers).flags if f in dialogs.flags]


def blocking(dialogs: Dialogs, application: CandidateApplication) -> list[str]:
    """What staff read before accepting someone whose answers block hiring."""
    flags = eligibility.with_effect(dialogs, flags_of(dialogs, application), BLOCK)
    return [_(dialogs.flags[f].staff) for f in flags]


def workshops_line(dialogs: Dialogs, application: CandidateApplication) -> str:
    """The workshops chosen, or that the person does not know yet and the team should advise."""
    chosen = workshop_list(dialogs, application.workshops)
    step = workshops_step(dialogs)
    answer = application.answers.get(step.id)
    if not chosen and isinstance(answer, str) and step.option(answer) is not None:
        return _("Ateliers : 🧭 ne sait pas encore, l'équipe doit la conseiller")
    return _("Ateliers : {workshops}").format(workshops=chosen or "—")


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
        _("Reçue le {moment}").format(moment=moment_text(application.filed_at)),
    ]
    if data.rendez_vous:
        lines.append(data.rendez_vous)
    lines += [
        "",
        _("Résultat du questionnaire : {verdict}").format(
            verdict=verdict_label(application.verdict)
        ),
    ]
    for criterion_id, status in application.criteria.items():
        criterion = dialogs.criteria.get(criterion_id)
        label = _(criterion.label) if criterion else criterion_id
        seen = data.proofs.get(criterion_id)
        if seen is not None:
            lines.append(
                "  📄 "
                + _("{criterion} : justificatif vu par {name} le {day}").format(
                    criterion=label,
                    name=_who(seen.by),
                    day=format_day(datetime.fromisoformat(seen.at)),
                )
            )
        elif status == "rempli":
            lines.append("  ✅ " + _("{criterion} (déclaré)").format(criterion=label))
        else:
            lines.append("  ❓ " + _("{criterion} (à vérifier)").format(criterion=label))
    if data.proofs and proofs.verified(dialogs, data.proofs):
        last = max(datetime.fromisoformat(seen.at) for seen in data.proofs.values())
        lines.append(_("✔️ Éligibilité vérifiée le {day}").format(day=format_day(last)))
    if not application.criteria:
        lines.append("  " + _("aucun critère"))
    lines.append(workshops_line(dialogs, application))
    for line in staff.card:
        if not dialogs.has_step(line.step) or line.step not in application.answers:
            continue
        step = dialogs.step(line.step)
        lines.append(
            f"{_(line.label)} : {answer_label(dialogs, step, application.answers[step.id])}"
        )
    lines.extend(data.extra)
    lines.append(
        _("Orientée par : {referrer}").format(referrer=data.referrer)
        if data.referrer
        else _("Orientée par : sans orienteur")
    )
    if data.referrer and data.diagnosis:
        lines.append(dialogs.diagnosis_staff)
    if data.language != FRENCH:
        lines.append(_("Langue : {language}").format(language=french_name(data.language)))
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


def data_button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


ACTION_LABELS = {
    lifecycle.CONVENE: N_("📅 Convoquer à un entretien"),
    lifecycle.ACCEPT: N_("✅ Accepter"),
    lifecycle.REFUSE: N_("❌ Refuser"),
    lifecycle.WAIT: N_("⏸ Mettre en attente"),
    lifecycle.NOTE: N_("📝 Ajouter une note"),
}


def card_keyboard(
    application: CandidateApplication,
    review: Review,
    to_see: Sequence[tuple[str, str]] = (),
) -> InlineKeyboardMarkup:
    """The decisions allowed in the application's state, a note, and "📄 Justificatif vu"
    for each criterion (id, short name) whose proof is not seen yet."""
    allowed = lifecycle.actions_for(application.state)

    def button(action: str) -> InlineKeyboardButton:
        label = ACTION_LABELS[action]
        if action == lifecycle.CONVENE and application.state == State.INTERVIEW:
            label = N_("📅 Changer le rendez-vous")
        return data_button(_(label), card_data(application.id, review.version, action))

    rows: list[list[InlineKeyboardButton]] = []
    if lifecycle.CONVENE in allowed:
        rows.append([button(lifecycle.CONVENE)])
    pair = [button(a) for a in (lifecycle.ACCEPT, lifecycle.REFUSE) if a in allowed]
    if pair:
        rows.append(pair)
    rows += [[button(a)] for a in (lifecycle.WAIT, lifecycle.NOTE) if a in allowed]
    if lifecycle.is_open(application.state):
        rows += [
            [
                data_button(
                    _("📄 Justificatif vu : {criterion}").format(criterion=short),
                    card_data(application.id, review.version, f"{PROOF}{criterion}"),
                )
            ]
            for criterion, short in to_see
        ]
    return InlineKeyboardMarkup(rows)


PROOF = "p-"  # s:<id>.<version>:p-<criterion> (then .y: confirmed)


def proof_confirm_keyboard(
    application: CandidateApplication, review: Review, criterion: str, short: str
) -> InlineKeyboardMarkup:
    """The second tap: a proof is recorded for good, like a decision."""
    return InlineKeyboardMarkup(
        [
            [
                data_button(
                    _("📄 Oui, justificatif vu : {criterion}").format(criterion=short),
                    card_data(application.id, review.version, f"{PROOF}{criterion}.y"),
                )
            ],
            [back_button(application, review)],
        ]
    )


def back_button(application: CandidateApplication, review: Review) -> InlineKeyboardButton:
    return data_button(_("◀️ Retour"), card_data(application.id, review.version, "card"))


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
            [data_button(_(label), card_data(application.id, review.version, f"{action}.y"))],
            [back_button(application, review)],
        ]
    )


def reasons_keyboard(
    staff: StaffDialogs, application: CandidateApplication, review: Review
) -> InlineKeyboardMarkup:
    rows = [
        [
            data_button(
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
            data_button(
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
            data_button(
                _("✍️ Autre date"),
                card_data(application.id, review.version, f"{lifecycle.CONVENE}.date"),
            )
        ]
    )
    rows.append([back_button(application, review)])
    return InlineKeyboardMarkup(rows)


# --- the queue -------------------------------------------------------------------------------


# --- what the candidate is told ----------------------------------------------------------------


def structure_place(dialogs: Dialogs) -> str:
    return f"{dialogs.structure.name}, {dialogs.structure.address}"


def default_place(dialogs: Dialogs) -> str:
    return structure_place(dialogs)
