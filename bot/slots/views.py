"""What people see about slots: texts and buttons from `dialogs/slots.toml`, and which open
slots to offer a person (a read of the store)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks
from bot.core.dialog_views import bring_bullets
from bot.core.i18n import N_, _, format_moment, local
from bot.core.rules import latin, standing
from bot.core.rules.contact import display_phone
from bot.core.services import Services
from bot.core.states import State
from bot.slots import rules as rules
from bot.slots.dialogs import SlotDialogs, load_slot_dialogs
from bot.slots.store import Booking, Slot

# Callback subjects of the `t` family: the candidate's, then the staff's.
BOOK, NONE, COME, CANT, RDV = "book", "none", "come", "cant", "rdv"
LIST, SHOW, ADD, KIND, PLACE, ASK_CANCEL, CANCEL, PRESENT, ABSENT = (
    "ls",
    "sl",
    "add",
    "kind",
    "place",
    "x",
    "xy",
    "pr",
    "ab",
)
STAFF_SUBJECTS = frozenset({LIST, SHOW, ADD, KIND, PLACE, ASK_CANCEL, CANCEL, PRESENT, ABSENT})
KIND_CODES = {"ic": "information_collective", "en": "entretien"}


def texts(svc: Services) -> SlotDialogs:
    return load_slot_dialogs(svc.settings.dialogs_dir)


def message(svc: Services, key: str) -> str:
    return _(texts(svc).messages[key])


def button(label: str, subject: str, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=callbacks.make(callbacks.SLOTS, subject, action)
    )


def kind_label(svc: Services, kind: str) -> str:
    info = texts(svc).kinds.get(kind)
    return _(info.label) if info else kind


def place_of(svc: Services, slot: Slot) -> str:
    return slot.place or svc.dialogs.structure.address


def at_structure(svc: Services, slot: Slot) -> bool:
    """The map pin is the structure's: only right when the slot is held there."""
    return slot.place is None or slot.place == svc.dialogs.structure.address


def hour_text(moment: datetime) -> str:
    moment = local(moment)
    if moment.minute == 0:
        return _("{hour} h").format(hour=moment.hour)
    return _("{hour} h {minute:02d}").format(hour=moment.hour, minute=moment.minute)


def when_text(svc: Services, start: datetime) -> str:
    """ "demain à 14 h", "aujourd'hui à 14 h" or "mardi 10 mars à 14 h"."""
    word = rules.day_word(start, svc.clock(), svc.settings.timezone)
    if word == "today":
        return _("aujourd'hui à {hour}").format(hour=hour_text(start))
    if word == "tomorrow":
        return _("demain à {hour}").format(hour=hour_text(start))
    return format_moment(start)


def _values(svc: Services, slot: Slot) -> dict[str, str]:
    return {
        "kind": kind_label(svc, slot.kind).lower(),
        "moment": format_moment(slot.start),
        "place": place_of(svc, slot),
        "when": when_text(svc, slot.start),
    }


def fill(svc: Services, key: str, slot: Slot) -> str:
    return message(svc, key).format(**_values(svc, slot))


def bring_block(svc: Services, bring: list[str]) -> list[str]:
    """ "À apporter :" and one line per thing (the person's own list: see offers.bring_for)."""
    return ["", message(svc, "bring_title"), *bring_bullets(bring)] if bring else []


def bring_when_called(svc: Services, bring: list[str]) -> list[str]:
    """The same list when no rendez-vous is booked: "À apporter quand l'équipe vous
    appellera :"."""
    return [message(svc, "bring_when_called"), *bring_bullets(bring)] if bring else []


def confirmation_text(svc: Services, slot: Slot, bring: list[str]) -> str:
    """The date in words, the address, what to bring."""
    lines = [fill(svc, "confirmed", slot), *bring_block(svc, bring)]
    if svc.dialogs.structure.phone:
        lines += ["", f"📞 {svc.dialogs.structure.phone}"]
    lines += ["", message(svc, "reminder_promise")]
    return "\n".join(lines)


def booking_text(svc: Services, slot: Slot) -> str:
    """/rdv: the booking, then what can be done."""
    return fill(svc, "confirmed", slot)


def calendar_description(svc: Services, slot: Slot, bring: list[str]) -> str:
    lines = [svc.dialogs.structure.name, place_of(svc, slot)]
    if svc.dialogs.structure.phone:
        lines.append(svc.dialogs.structure.phone)
    if bring:
        lines += ["", message(svc, "bring_title"), *(f"- {_(b)}" for b in bring)]
    return "\n".join(lines)


def slot_button_label(slot: Slot) -> str:
    return f"📅 {format_moment(slot.start)}"


def offer_markup(
    svc: Services, slots: Iterable[Slot], *, last: InlineKeyboardButton | None = None
) -> InlineKeyboardMarkup:
    """One button per open slot, then "Aucune de ces dates" (or `last`)."""
    rows = [[button(slot_button_label(slot), BOOK, str(slot.id))] for slot in slots]
    rows.append([last or button(message(svc, "none_fits"), NONE, "x")])
    return InlineKeyboardMarkup(rows)


def reminder_markup(svc: Services, booking_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(message(svc, "coming"), COME, str(booking_id))],
            [button(message(svc, "not_coming"), CANT, str(booking_id))],
        ]
    )


def rdv_markup(svc: Services) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(message(svc, "change"), RDV, "move")],
            [button(message(svc, "cancel"), RDV, "cancel")],
        ]
    )


def session_lines(freed: Sequence[Slot], kept: Slot | None, state: str) -> list[str]:
    """What the decision's message says of the rendez-vous she booked (see
    `standing.session_fate`): freed because she no longer needs it (invited to an interview,
    or accepted), cancelled with the application (refused), or kept (on the waiting list).
    An interview moved to another date is said by the decision's own message; with no
    rendez-vous booked, nothing is said of one."""
    lines = []
    for slot in freed:
        moment = format_moment(slot.start)
        fate = standing.session_fate(state, freed=True)
        information = slot.kind == "information_collective"
        if fate == standing.CANCELLED:
            lines.append(
                (
                    _("Votre réunion d'information du {moment} est annulée.")
                    if information
                    else _("Votre entretien du {moment} est annulé.")
                ).format(moment=moment)
            )
        elif information:
            lines.append(
                _(
                    "Votre place à la réunion d'information du {moment} est libérée : "
                    "vous n'en avez plus besoin."
                ).format(moment=moment)
            )
        elif state == State.ACCEPTED:
            lines.append(
                _("Votre entretien du {moment} est annulé : vous n'en avez plus besoin.").format(
                    moment=moment
                )
            )
    if kept is not None and state != State.INTERVIEW:  # an invitation says its own date
        moment = format_moment(kept.start)
        lines.append(
            (
                _("Votre réunion d'information du {moment} reste prévue.")
                if kept.kind == "information_collective"
                else _("Votre entretien du {moment} reste prévu.")
            ).format(moment=moment)
        )
    return lines


# --- staff ------------------------------------------------------------------------------


BOOKING_STATES = {
    "booked": N_("réservé"),
    "confirmed": N_("a dit « Je viens »"),
    "attended": N_("✅ présent"),
    "no_show": N_("❌ absent"),
    "cancelled": N_("annulé"),
}


def staff_slot_line(svc: Services, slot: Slot) -> str:
    """ "mardi 10 mars à 14 h · Réunion d'information · 3/12 places"."""
    parts = [
        format_moment(slot.start),
        kind_label(svc, slot.kind),
        _("{taken}/{seats} places").format(taken=slot.taken, seats=slot.seats),
    ]
    if slot.cancelled:
        parts.append(_("ANNULÉ"))
    return " · ".join(parts)


def staff_button_label(svc: Services, slot: Slot) -> str:
    moment = local(slot.start)
    label = _("{day} {hour} · {taken}/{seats}").format(
        day=f"{moment.day:02d}/{moment.month:02d}",
        hour=hour_text(slot.start),
        taken=slot.taken,
        seats=slot.seats,
    )
    return f"❌ {label}" if slot.cancelled else label


def staff_list(
    svc: Services, upcoming: list[Slot], recent: list[Slot]
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("📅 Créneaux à venir")]
    if upcoming:
        lines += [f"{n}. {staff_slot_line(svc, s)}" for n, s in enumerate(upcoming, 1)]
    else:
        lines.append(_("Aucun créneau à venir."))
    if recent:
        lines += ["", _("Passés (7 derniers jours) : noter présents et absents")]
        lines += [f"• {staff_slot_line(svc, s)}" for s in recent]
    rows = [[button(staff_button_label(svc, s), SHOW, str(s.id))] for s in (*upcoming, *recent)]
    rows.append([button(_("➕ Ajouter un créneau"), ADD, "start")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def person(booking: Booking) -> str:
    if booking.application_state == State.DRAFT:
        return _("(candidature pas encore envoyée)")
    name = " ".join(p for p in (booking.first_name, booking.last_name) if p)
    return latin.shown_beside(name, booking.latin_name) if name else (booking.reference or "?")


def short_person(booking: Booking) -> str:
    if booking.first_name:
        initial = f" {booking.last_name[0]}." if booking.last_name else ""
        return f"{booking.first_name}{initial}"
    return booking.reference or f"#{booking.id}"


def staff_detail(
    svc: Services, slot: Slot, bookings: list[Booking], now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        staff_slot_line(svc, slot),
        f"📍 {place_of(svc, slot)}",
        _("Durée : {minutes} min").format(minutes=slot.duration_minutes),
    ]
    if slot.workshop:
        workshop = svc.dialogs.workshop(slot.workshop)
        lines.append(
            _("Atelier : {name}").format(name=_(workshop.label) if workshop else slot.workshop)
        )
    lines.append("")
    if not bookings:
        lines.append(_("Personne n'est inscrit."))
    for booking in bookings:
        parts = [person(booking)]
        if booking.phone:
            parts.append(display_phone(booking.phone))
        if booking.reference:
            parts.append(booking.reference)
        parts.append(_(BOOKING_STATES.get(booking.state, booking.state)))
        lines.append("• " + " · ".join(parts))
    rows: list[list[InlineKeyboardButton]] = []
    started = rules.has_started(slot.start, now)
    if started and not slot.cancelled:
        for booking in bookings:
            who = short_person(booking)
            rows.append(
                [
                    button(_("✅ {who} présent").format(who=who), PRESENT, str(booking.id)),
                    button(_("❌ {who} absent").format(who=who), ABSENT, str(booking.id)),
                ]
            )
    if not started and not slot.cancelled:
        rows.append([button(_("🗑 Annuler ce créneau"), ASK_CANCEL, str(slot.id))])
    rows.append([button(_("◀️ Tous les créneaux"), LIST, "all")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)
