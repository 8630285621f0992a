"""Staff's "add a slot" form: its date, its seats, its kind (buttons), its place (typed, or
the usual address with a button)."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.core import callbacks
from bot.core.i18n import _, format_moment, local
from bot.core.services import Services
from bot.core.typed_input import Choice, Field, Form, Refused, Values, form, show
from bot.slots import rules
from bot.slots import views as slot_views
from bot.slots.views import KIND, KIND_CODES, LIST, PLACE, button

MAX_SEATS = 200
MAX_PLACE = 200


def start_text(svc: Services, text: str, values: Values) -> str | Refused:
    """A moment to come, in the structure's time zone (ISO)."""
    try:
        start = rules.parse_local(
            text[:100], svc.settings.timezone, today=local(svc.clock()).date()
        )
    except rules.TimeError:
        return Refused(
            _(
                "Je n'ai pas compris cette date. Par exemple : 10/03/2031 14:00. "
                "Pour arrêter : /annuler"
            )
        )
    if start <= svc.clock():
        return Refused(_("Cette date est passée. Donnez une date à venir."))
    return start.isoformat()


def seats_text(svc: Services, text: str, values: Values) -> int | Refused:
    text = text.strip()
    if not (text.isdigit() and len(text) <= 3) or not 1 <= int(text) <= MAX_SEATS:
        return Refused(_("Écrivez un nombre de places de 1 à {most}.").format(most=MAX_SEATS))
    return int(text)


def kind_text(svc: Services, text: str, values: Values) -> Refused:
    return Refused(_("Touchez un des boutons ci-dessus. Pour arrêter : /annuler"))


def place_text(svc: Services, text: str, values: Values) -> str | Refused:
    place = " ".join(text.split())
    if not place or len(place) > MAX_PLACE:
        return Refused(
            _("Écrivez une adresse de {most} caractères au plus.").format(most=MAX_PLACE)
        )
    return place


def _start_prompt(svc: Services, values: Values) -> str:
    return _(
        "Nouveau créneau. Date et heure ? Par exemple : 10/03/2031 14:00.\nPour arrêter : /annuler"
    )


def _seats_prompt(svc: Services, values: Values) -> str:
    return _("Le {moment}. Combien de places ? (un nombre, par exemple 12)").format(
        moment=format_moment(datetime.fromisoformat(values["start"]))
    )


def _kind_prompt(svc: Services, values: Values) -> str:
    return _("{seats} places. Quel type de rendez-vous ?").format(seats=values["seats"])


def _kinds(svc: Services, values: Values) -> list[Choice]:
    return [
        Choice(slot_views.kind_label(svc, kind), code, kind) for code, kind in KIND_CODES.items()
    ]


def _place_prompt(svc: Services, values: Values) -> str:
    return _(
        "Type : {kind}.\nOù ? Écrivez l'adresse, ou touchez « Adresse habituelle » ({address})."
    ).format(kind=slot_views.kind_label(svc, values["kind"]), address=svc.dialogs.structure.address)


def _usual_place(svc: Services, values: Values) -> list[Choice]:
    return [Choice(_("Adresse habituelle"), "default", None)]


async def _create(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, update: Update, values: Values
) -> None:
    user = update.effective_user
    if user is None:
        return
    kind = str(values["kind"])
    slot = svc.store.add_slot(
        start=datetime.fromisoformat(str(values["start"])),
        seats=int(values["seats"]),
        duration_minutes=slot_views.texts(svc).kinds[kind].duration,
        kind=kind,
        place=values["place"],
        actor=f"staff:{user.id}",
    )
    await show(
        update,
        _("✅ Créneau ajouté : {line}\n📍 {place}").format(
            line=slot_views.staff_slot_line(svc, slot), place=slot_views.place_of(svc, slot)
        ),
        InlineKeyboardMarkup([[button(_("◀️ Tous les créneaux"), LIST, "all")]]),
    )


NEW_SLOT = form(
    Form(
        name="slot_new",
        fields=(
            Field(id="start", prompt=_start_prompt, parse=start_text),
            Field(id="seats", prompt=_seats_prompt, parse=seats_text),
            Field(id="kind", prompt=_kind_prompt, parse=kind_text, subject=KIND, choices=_kinds),
            Field(
                id="place",
                prompt=_place_prompt,
                parse=place_text,
                subject=PLACE,
                choices=_usual_place,
            ),
        ),
        on_done=_create,
        prefix=callbacks.SLOTS,
    )
)
