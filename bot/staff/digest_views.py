"""What the staff's digest and the 60-day ask say (issue #16): texts and buttons, pure
functions of the data (no I/O). The digest's buttons open cards with the queue's own data."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.application_store import CandidateApplication
from bot.core.i18n import _, format_day, format_number, local
from bot.staff.digest_rules import LATE_DAYS, WAITING_DAYS, Digest
from bot.staff.queue_views import item_button
from bot.staff.store import Review
from bot.staff.views import card_data, data_button, full_name

KEEP = "keep"  # the card's "⏸ Garder en attente": s:<id>.<version>:keep
BUTTONS_SHOWN = 10


def _hour(moment: datetime) -> str:
    moment = local(moment)
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


def digest_text(digest: Digest) -> str:
    lines = [_("☀️ Le point du jour, {day}").format(day=format_day(digest.day))]
    if digest.new:
        lines.append(
            _("🆕 {count} nouvelle(s) candidature(s) depuis le dernier point.").format(
                count=digest.new
            )
        )
    if digest.waiting:
        lines.append(
            _(
                "⏳ {count} candidature(s) attendent une décision depuis plus de {days} jours."
            ).format(count=len(digest.waiting), days=WAITING_DAYS)
        )
    if digest.late:
        lines.append(_("⚠️ Sans décision depuis {days} jours ou plus :").format(days=LATE_DAYS))
        lines += [
            "• "
            + _("{reference} attend depuis {days} jours").format(
                reference=w.application.reference or "—", days=w.days
            )
            for w in digest.late
        ]
    if digest.interviews:
        lines.append(_("📅 Entretiens demain :"))
        lines += [
            f"• {_hour(i.at)} · {i.application.reference or '—'} · {full_name(i.application)}"
            for i in digest.interviews
        ]
    if digest.stopped_at_slot:
        lines.append(
            _(
                "🗓 {count} personne(s) se sont arrêtées au choix du rendez-vous "
                "depuis plus d'un jour."
            ).format(count=digest.stopped_at_slot)
        )
    if digest.waiting:
        lines += ["", _("Touchez une candidature pour ouvrir sa fiche.")]
        if len(digest.waiting) > BUTTONS_SHOWN:
            lines.append(
                _("Et {count} autre(s) : /file").format(count=len(digest.waiting) - BUTTONS_SHOWN)
            )
    return "\n".join(lines)


def digest_keyboard(digest: Digest) -> InlineKeyboardMarkup | None:
    """A button per application waiting (oldest first): the queue's, it opens the card."""
    if not digest.waiting:
        return None
    return InlineKeyboardMarkup(
        [[item_button(w.application)] for w in digest.waiting[:BUTTONS_SHOWN]]
    )


# --- the card's 60-day ask -------------------------------------------------------------------


def ask_line(days: int) -> str:
    return _("⏰ Sans décision depuis {days} jours : décidez, ou gardez-la en attente.").format(
        days=days
    )


def keep_button(application: CandidateApplication, review: Review) -> InlineKeyboardButton:
    return data_button(_("⏸ Garder en attente"), card_data(application.id, review.version, KEEP))


def with_ask(
    text: str,
    markup: InlineKeyboardMarkup,
    application: CandidateApplication,
    review: Review,
    days: int | None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The card with its 60-day ask (a line and a button), when there is one."""
    if days is None:
        return text, markup
    rows = [list(row) for row in markup.inline_keyboard]
    rows.append([keep_button(application, review)])
    return f"{text}\n\n{ask_line(days)}", InlineKeyboardMarkup(rows)


def days_text(value: float | None) -> str:
    """ "3,5 jours", or "—" without data."""
    if value is None:
        return "—"
    return _("{days} jour(s)").format(days=format_number(value))
