"""The forms a staff card asks for: a note, the note of a refusal "autre", an interview date
typed outside the slots. Each is about one application, at the card's version."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import Message, Update, User
from telegram.ext import ContextTypes

from bot.core.application_store import CandidateApplication
from bot.core.i18n import _, format_moment
from bot.core.services import Services
from bot.core.store import NotFoundError, iso
from bot.core.typed_input import Field, Form, OnDone, Refused, Values, form
from bot.staff import notice as staff_notice
from bot.staff import rules as lifecycle
from bot.staff import views as staff_views
from bot.staff.decide import decide
from bot.staff.rules import MomentError, parse_moment


def _asked(text: str, values: Values) -> str:
    return text.format(reference=values.get("reference", "")) + "\n" + _("/annuler pour annuler.")


def note_text(svc: Services, text: str, values: Values) -> str | Refused:
    """A note: some words, at most MAX_NOTE characters."""
    text = text.strip()
    if not text:
        return Refused(_("Le message est vide. Écrivez quelques mots, ou /annuler."))
    if len(text) > staff_views.MAX_NOTE:
        return Refused(
            _(
                "C'est trop long ({length} caractères, {limit} au plus). Écrivez plus court, "
                "ou /annuler."
            ).format(length=len(text), limit=staff_views.MAX_NOTE)
        )
    return text


def moment_text(svc: Services, text: str, values: Values) -> dict[str, Any] | Refused:
    """ "12/03/2031 14:30[, lieu]": the start (ISO, UTC) and the place, if one is given."""
    try:
        moment = parse_moment(text.strip()[:300], now=svc.clock(), timezone=svc.settings.timezone)
    except MomentError as error:
        problems = {
            "format": _(
                "Je n'ai pas compris la date. Écrivez par exemple : 12/03/2031 14:30. Ou /annuler."
            ),
            "past": _("Cette date est passée. Écrivez une date à venir, ou /annuler."),
            "place": _("Le lieu est trop long (200 caractères au plus). Ou /annuler."),
        }
        return Refused(problems.get(str(error), problems["format"]))
    return {"at": iso(moment.start), "place": moment.place}


Context = ContextTypes.DEFAULT_TYPE


@dataclass(frozen=True, slots=True)
class _Filled:
    """A form filled about one application: where, by whom, about which, and the values."""

    message: Message
    user: User
    application: CandidateApplication
    values: Values


def _about_application(done: Callable[[Context, Services, _Filled], Awaitable[None]]) -> OnDone:
    """The `on_done` of a form about one application: `done` once the application is found
    (a word if it is gone), with the message and the staff member who filled the form."""

    async def on_done(context: Context, svc: Services, update: Update, values: Values) -> None:
        message, user = update.effective_message, update.effective_user
        try:
            application = svc.store.application(int(values["application_id"]))
        except (NotFoundError, KeyError, TypeError, ValueError):
            if message is not None:
                await message.reply_text(_("Cette candidature n'existe plus."))
            return
        if message is not None and user is not None:
            await done(context, svc, _Filled(message, user, application, values))

    return on_done


async def _decide(
    context: Context, svc: Services, filled: _Filled, action: str, **details: Any
) -> bool:
    """The decision of a form, at the version of the card it was asked from."""
    return await decide(
        context,
        svc,
        None,
        filled.message,
        filled.user,
        filled.application,
        int(filled.values.get("version", -1)),
        action,
        **details,
    )


async def _noted(context: Context, svc: Services, filled: _Filled) -> None:
    """The note a staff member typed: an audit entry, shown on the card."""
    application, user = filled.application, filled.user
    svc.store.add_note(
        application.id, staff_id=user.id, staff_name=user.first_name, text=filled.values["note"]
    )
    await filled.message.reply_text(
        _("📝 Note ajoutée à {reference}.").format(reference=application.reference)
    )
    await staff_notice.refresh_cards(context, svc, application.id)


async def _refused(context: Context, svc: Services, filled: _Filled) -> None:
    """The note of a refusal "autre": then the refusal is recorded."""
    values = filled.values
    reason = str(values.get("reason", "autre"))
    if await _decide(context, svc, filled, lifecycle.REFUSE, reason=reason, note=values["note"]):
        await filled.message.reply_text(
            _("❌ Refus enregistré pour {reference}.").format(
                reference=filled.application.reference
            )
        )


async def _convened(context: Context, svc: Services, filled: _Filled) -> None:
    """An interview at a typed date, outside the slots (at the structure, unless a place
    was given)."""
    at, place = filled.values["moment"]["at"], filled.values["moment"]["place"]
    if await _decide(
        context,
        svc,
        filled,
        lifecycle.CONVENE,
        interview_at=at,
        interview_place=place or staff_views.default_place(svc.dialogs),
        interview_kind="entretien",
    ):
        await filled.message.reply_text(
            _("📅 Rendez-vous enregistré pour {reference} : {moment}.").format(
                reference=filled.application.reference,
                moment=format_moment(datetime.fromisoformat(at)),
            )
        )


NOTE = form(
    Form(
        name="staff_note",
        fields=(
            Field(
                id="note",
                prompt=lambda svc, v: _asked(
                    _("📝 Écrivez la note pour {reference}, puis envoyez."), v
                ),
                parse=note_text,
            ),
        ),
        on_done=_about_application(_noted),
    )
)

REFUSAL = form(
    Form(
        name="staff_refusal",
        fields=(
            Field(
                id="note",
                prompt=lambda svc, v: _asked(
                    _("❌ Écrivez la note du refus pour {reference} (elle reste dans l'équipe)."),
                    v,
                ),
                parse=note_text,
            ),
        ),
        on_done=_about_application(_refused),
    )
)

INTERVIEW_DATE = form(
    Form(
        name="staff_date",
        fields=(
            Field(
                id="moment",
                prompt=lambda svc, v: _asked(
                    _(
                        "📅 Écrivez la date et l'heure du rendez-vous pour {reference}. Par "
                        "exemple : 12/03/2031 14:30. Vous pouvez ajouter le lieu après une "
                        "virgule : 12/03/2031 14:30, salle B (sinon : l'adresse de la structure)."
                    ),
                    v,
                ),
                parse=moment_text,
            ),
        ),
        on_done=_about_application(_convened),
    )
)
