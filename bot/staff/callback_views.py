"""What staff see of a call-back request ("L'équipe peut m'appeler"): its card, its line in
the queue, its one button. Not an application: no verdict, no workshop, no decision.

Pure functions of the data (no I/O). The button is `s:<id>.<version>:called`.
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.application_store import CandidateApplication
from bot.core.dialog_types import Dialogs
from bot.core.dialog_views import answer_label
from bot.core.i18n import FRENCH, _, format_day, french_name
from bot.core.rules import ids as journey_ids
from bot.core.rules.contact import display_phone, visible
from bot.core.states import CALLBACK, CALLBACK_STATES
from bot.staff.store import Review
from bot.staff.views import card_data, data_button, flags_of, full_name, moment_text, open_data

CALLED = "called"  # the card's button: the team called her
TITLE = "📞 Demande de rappel"


def is_callback(application: CandidateApplication) -> bool:
    return application.state in CALLBACK_STATES


def why(dialogs: Dialogs, application: CandidateApplication) -> str:
    """Why the work is probably not for her: the answers that block or lower it."""
    flags = [_(dialogs.flags[f].staff) for f in flags_of(dialogs, application)]
    return " ; ".join(flags) or _("aucun critère d'après ses réponses")


def callback_card_text(
    dialogs: Dialogs, application: CandidateApplication, review: Review, language: str
) -> str:
    moment = application.answers.get(journey_ids.CALLBACK_TIME)
    when = (
        answer_label(dialogs, dialogs.step(journey_ids.CALLBACK_TIME), moment)
        if moment is not None and dialogs.has_step(journey_ids.CALLBACK_TIME)
        else "—"
    )
    if application.state == CALLBACK:
        status = _("☎️ À appeler. Demandée le {moment}.").format(
            moment=moment_text(application.created_at)
        )
    else:
        status = _("✅ Appelée par {name} le {moment}.").format(
            name=review.decided_by_name or _("l'équipe"), moment=moment_text(review.decided_at)
        )
    lines = [
        _("{title} · {name}").format(title=_(TITLE), name=full_name(application)),
        _("Pourquoi : {why}").format(why=why(dialogs, application)),
        status,
        "",
        f"📞 {display_phone(application.phone)}" if application.phone else "📞 —",
        _("Meilleur moment : {moment}").format(moment=when),
    ]
    if language != FRENCH:
        lines.append(_("Langue : {language}").format(language=french_name(language)))
    lines += ["", _("Ce n'est pas une candidature : ni atelier, ni rendez-vous.")]
    return visible("\n".join(lines))


def callback_keyboard(
    application: CandidateApplication, review: Review
) -> InlineKeyboardMarkup | None:
    if application.state != CALLBACK:
        return None
    done = data_button(_("✅ Appel fait"), card_data(application.id, review.version, CALLED))
    return InlineKeyboardMarkup([[done]])


def queue_line(application: CandidateApplication) -> str:
    return " · ".join(
        [
            _(TITLE),
            full_name(application),
            _("demandée le {day}").format(
                day=format_day(datetime.fromisoformat(application.created_at))
            ),
        ]
    )


def queue_button(application: CandidateApplication) -> InlineKeyboardButton:
    label = f"📞 {full_name(application)}"
    return data_button(label[:60], open_data(application.id))
