"""/mesdonnees as the person reads it: French keys, the questions and the answers as they were
shown, dates in words. Pure: it words what the store gives, it reads nothing itself."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from babel import Locale

from bot.core.dialog_types import Dialogs
from bot.core.dialog_views import answer_label, workshop_list
from bot.core.i18n import FRENCH, N_, _, current_language, format_moment
from bot.core.rules import eligibility, latin
from bot.core.rules.contact import NAME_OFFER, display_phone
from bot.core.states import labels

VERDICT_NAMES = {
    eligibility.PROBABLE: N_("vous pouvez sans doute avoir ce travail"),
    eligibility.A_CONFIRMER: N_("à confirmer"),
    eligibility.PAS_POUR_VOUS: N_("sans doute pas pour vous"),
}
CRITERION_STATUSES = {
    eligibility.MET: N_("oui, d'après vos réponses"),
    eligibility.UNSURE: N_("à vérifier"),
}
BOOKING_STATES = {
    "booked": N_("réservé"),
    "confirmed": N_("confirmé"),
    "cancelled": N_("annulé"),
    "attended": N_("vous êtes venu ou venue"),
    "no_show": N_("absence notée"),
    "given": N_("donné par l'équipe"),
}
SLOT_KINDS = {
    "information_collective": N_("Réunion d'information"),
    "entretien": N_("Entretien"),
}
EVENTS = {
    "consent": N_("Vous avez donné votre accord"),
    "filed": N_("Vous avez envoyé la candidature"),
    "callback": N_("Vous avez demandé un appel"),
    "note": N_("L'équipe a écrit une note"),
    "slot_cancelled_by_candidate": N_("Vous avez annulé un rendez-vous"),
    "slot_booked": N_("Vous avez choisi une date de rendez-vous"),
    "slot_moved": N_("Vous avez changé la date du rendez-vous"),
}


def when(stamp: str | None) -> str | None:
    """A stored ISO moment in words, in the structure's time zone."""
    return format_moment(datetime.fromisoformat(stamp), with_year=True) if stamp else None


def _event(event: Mapping[str, Any]) -> str:
    if event["action"] == "state" and event["to_state"]:
        return _("État : {state}").format(state=_state(event["to_state"]))
    return _(EVENTS.get(event["action"], N_("Changement")))


def _state(state: str) -> str:
    """A state as the person would say it (the candidate-facing sentences are too long here)."""
    known = labels(state)
    return _(known.name if known else N_("autre"))


def _answers(dialogs: Dialogs, answers: Mapping[str, Any]) -> list[dict[str, str]]:
    """Each question asked and its answer, in the journey's order. Internal keys (a name
    being proposed, a booking's id) are worded, never shown as they are stored."""
    offers = answers.get(NAME_OFFER)
    offered = offers if isinstance(offers, dict) else {}
    shown: list[dict[str, str]] = []
    for step in dialogs.steps:
        answer = answers.get(step.id)
        if step.kind in ("verdict", "summary"):
            continue
        if answer is None and step.id in offered:
            said = _("{name} (pas encore confirmé)").format(name=offered[step.id])
        elif answer is None:
            continue
        elif step.kind == "slot" and step.option(str(answer)) is None:
            said = _("une date, voir « Rendez-vous »")  # a booked slot's id
        else:
            said = answer_label(dialogs, step, answer)
        shown.append(
            {_("Question"): _(step.summary or step.text).rstrip(" :"), _("Votre réponse"): said}
        )
    return shown


def _criteria(dialogs: Dialogs, criteria: Mapping[str, str]) -> dict[str, str]:
    return {
        _(dialogs.criteria[c].label) if c in dialogs.criteria else c: _(
            CRITERION_STATUSES.get(status, N_("à vérifier"))
        )
        for c, status in criteria.items()
    }


def _booking(booking: Mapping[str, Any]) -> dict[str, str | None]:
    return {
        _("Type"): _(SLOT_KINDS.get(booking["kind"], N_("Rendez-vous"))),
        _("Date"): when(booking["start"]),
        _("Lieu"): booking["place"],
        _("État"): _(BOOKING_STATES.get(booking["state"], N_("autre"))),
    }


def _application(
    dialogs: Dialogs,
    application: Mapping[str, Any],
    referrers: Mapping[str, str],
) -> dict[str, Any]:
    source = application.get("source")
    document: dict[str, Any] = {
        _("Référence"): application.get("reference") or _("pas encore donnée"),
        _("État"): _state(application["state"]),
        _("Prénom"): application.get("first_name"),
        _("Nom"): application.get("last_name"),
        _("Nom en lettres latines"): application.get("latin_name"),
        _("Téléphone"): application.get("phone"),
        _("E-mail"): application.get("email"),
        _("Ateliers choisis"): workshop_list(dialogs, application.get("workshops") or []),
        _("Envoyée par"): (referrers.get(source) or source) if source else _("vous-même"),
        _("Vos réponses"): _answers(dialogs, application.get("answers") or {}),
        _("Critères"): _criteria(dialogs, application.get("criteria") or {}),
        _("Résultat des questions"): _(VERDICT_NAMES[application["verdict"]])
        if application.get("verdict") in VERDICT_NAMES
        else None,
        _("Accord donné le"): when(application.get("consent_at")),
        _("Accord pour les questions personnelles le"): when(
            application.get("sensitive_consent_at")
        ),
        _("Commencée le"): when(application.get("created_at")),
        _("Envoyée le"): when(application.get("filed_at")),
        _("Rendez-vous"): [_booking(b) for b in application.get("rendez_vous", [])],
        _("Historique"): [
            {_("Date"): when(e["at"]), _("Ce qui s'est passé"): _event(e)}
            for e in application.get("historique", [])
        ],
    }
    # Nothing to say is left out: an empty line is noise for the person.
    return {k: v for k, v in document.items() if v not in (None, "", [], {})}


def document(
    dialogs: Dialogs, kept: Mapping[str, Any], referrers: Mapping[str, str]
) -> dict[str, Any]:
    """Everything kept about the person (the store's `export_user`), in their words."""
    user = kept.get("utilisateur") or {}
    conversation = kept.get("conversation")
    about_you: dict[str, Any] = {
        _("Votre numéro Telegram"): user.get("id"),
        _("Première visite le"): when(user.get("created_at")),
    }
    if conversation:
        step_id = conversation["etape"]
        step = dialogs.step(step_id) if dialogs.has_step(step_id) else None
        about_you[_("Question en cours")] = (
            _(step.summary or step.text).rstrip(" :") if step else _("les questions sont finies")
        )
        about_you[_("Dernier message le")] = when(conversation.get("mis_a_jour"))
    return {
        _("Vous"): {k: v for k, v in about_you.items() if v not in (None, "")},
        _("Candidatures"): [
            _application(dialogs, a, referrers) for a in kept.get("candidatures", [])
        ],
    }


# --- the same, as messages a phone shows (#21.6) ---------------------------------------------

MESSAGE_LIMIT = 4000  # under Telegram's 4096 characters


def language_name(code: str | None) -> str:
    """A language's name in the reader's own language ("anglais", "English", "الإنجليزية")."""
    try:
        name = Locale.parse(code or FRENCH).get_display_name(current_language())
    except (ValueError, TypeError):
        return code or FRENCH
    return name or code or FRENCH


def _lines(title: str, items: list[str]) -> list[str]:
    return [title, *(f"• {item}" for item in items)] if items else []


def _latin_beside(application: Mapping[str, Any]) -> str | None:
    """The Latin form kept for staff, worth saying only for a name in another script."""
    name = " ".join(p for p in (application.get("first_name"), application.get("last_name")) if p)
    return None if latin.is_latin(name) else application.get("latin_name")


def _about_you(kept: Mapping[str, Any], referrers: Mapping[str, str], language: str | None) -> str:
    applications = kept.get("candidatures", [])
    named = next((a for a in reversed(applications) if a.get("first_name")), None)
    latest = applications[-1] if applications else {}
    source = latest.get("source")
    user = kept.get("utilisateur") or {}
    rows: list[tuple[str, Any]] = [
        (_("Prénom"), named and named.get("first_name")),
        (_("Nom"), named and named.get("last_name")),
        (_("Nom en lettres latines"), named and _latin_beside(named)),
        (_("Téléphone"), named and named.get("phone") and display_phone(named["phone"])),
        (_("E-mail"), named and named.get("email")),
        (_("Langue"), language_name(language)),
        (
            _("Envoyée par"),
            ((referrers.get(source) or source) if source else _("vous-même"))
            if applications
            else None,
        ),
        (_("Votre numéro Telegram"), user.get("id")),
        (_("Première visite le"), when(user.get("created_at"))),
    ]
    lines = [_("👤 Ce que nous savons de vous :")]
    lines += [f"{label} : {value}" for label, value in rows if value not in (None, "")]
    return "\n".join(lines)


def _said(question: str, answer: str) -> str:
    return f"{question} {answer}" if question.endswith("?") else f"{question} : {answer}"


def _application_text(dialogs: Dialogs, application: Mapping[str, Any]) -> str:
    reference = application.get("reference")
    lines = [
        _("📝 Votre candidature {reference} : {state}").format(
            reference=reference, state=_state(application["state"])
        )
        if reference
        else _("📝 Votre candidature (pas encore envoyée)")
    ]
    answers = _answers(dialogs, application.get("answers") or {})
    question, said = _("Question"), _("Votre réponse")
    lines += _lines(_("Vos réponses :"), [_said(a[question], a[said]) for a in answers])
    verdict = application.get("verdict")
    if verdict in VERDICT_NAMES:
        lines.append(
            _("Résultat des questions : {result}").format(result=_(VERDICT_NAMES[verdict]))
        )
    bookings = []
    for booking in application.get("rendez_vous", []):
        shown = _booking(booking)
        parts = [shown[_("Type")], shown[_("Date")], shown[_("Lieu")]]
        bookings.append(" · ".join(p for p in parts if p) + f" : {shown[_('État')]}")
    lines += _lines(_("📅 Rendez-vous :"), bookings)
    happened = [
        (when(application.get("created_at")), _("Vous avez commencé la candidature")),
        *((when(e["at"]), _event(e)) for e in application.get("historique", [])),
    ]
    lines += _lines(
        _("🕓 Ce qui s'est passé :"), [f"{day} : {what}" for day, what in happened if day]
    )
    return "\n".join(lines)


def messages(
    dialogs: Dialogs,
    kept: Mapping[str, Any],
    referrers: Mapping[str, str],
    language: str | None,
) -> list[str]:
    """Everything kept about the person as messages to read on a phone, in their language:
    who they are for us, then each application (answers, rendez-vous, what happened). Each
    message stays under Telegram's limit; a block too long for one is cut between lines."""
    blocks = [_("Voici tout ce que nous gardons sur vous."), _about_you(kept, referrers, language)]
    blocks += [_application_text(dialogs, a) for a in kept.get("candidatures", [])]
    return split(blocks)


def split(blocks: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks packed into as few messages as fit in `limit` characters each (a blank line
    between blocks); a block longer than that is cut between lines, a line only as a last
    resort."""
    pieces: list[str] = []
    for block in blocks:
        for line in block.split("\n"):
            while len(line) > limit:
                pieces.append(line[:limit])
                line = line[limit:]
            pieces.append(line)
        pieces.append("")  # the end of a block
    sent: list[str] = []
    current = ""
    for piece in pieces[:-1]:
        candidate = f"{current}\n{piece}" if current else piece
        if len(candidate) > limit:
            sent.append(current.rstrip("\n"))
            current = piece
        else:
            current = candidate
    if current.strip():
        sent.append(current.rstrip("\n"))
    return [m for m in sent if m.strip()]
