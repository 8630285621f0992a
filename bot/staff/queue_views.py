"""The queue as staff see it: a page of applications, its filters and its buttons.

Pure functions of the data (no I/O). Queue buttons are `s:q:<action>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks
from bot.core.application_store import CandidateApplication
from bot.core.dialog_types import Dialogs
from bot.core.i18n import _, format_day
from bot.staff import callback_views
from bot.staff.store import QueueFilter
from bot.staff.views import data_button, full_name, open_data, state_label, verdict_label

QUEUE = "q"  # the subject of queue buttons: s:q:<action>


PAGE_SIZE = 8


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: Sequence[CandidateApplication]
    total: int
    page: int  # from 1
    filters: QueueFilter
    callbacks: int = 0  # of `total`: call-back requests still to make (unfiltered queue only)

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
    if callback_views.is_callback(application):
        return callback_views.queue_line(application)
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
    if callback_views.is_callback(application):
        return callback_views.queue_button(application)
    label = f"{application.reference or '—'} · {full_name(application)}"
    return data_button(label[:60], open_data(application.id))


def queue_text(dialogs: Dialogs, page: QueuePage, referrer: str | None) -> str:
    if page.callbacks:
        heading = _(
            "📂 La file : {total} candidature(s) et {callbacks} demande(s) de rappel, "
            "page {page} sur {pages}"
        ).format(
            total=page.total - page.callbacks,
            callbacks=page.callbacks,
            page=page.page,
            pages=page.pages,
        )
    else:
        heading = _("📂 La file : {total} candidature(s), page {page} sur {pages}").format(
            total=page.total, page=page.page, pages=page.pages
        )
    lines = [
        heading,
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
        nav.append(data_button(_("◀️ Précédente"), queue_data(f"p{page.page - 1}")))
    if page.page < page.pages:
        nav.append(data_button(_("Suivante ▶️"), queue_data(f"p{page.page + 1}")))
    if nav:
        rows.append(nav)
    rows.append(
        [
            data_button(_("État"), queue_data("fs")),
            data_button(_("Atelier"), queue_data("fw")),
            data_button(_("Résultat"), queue_data("fv")),
            data_button(_("Orienteur"), queue_data("fr")),
        ]
    )
    filters = page.filters
    if filters.states or filters.workshop or filters.verdict or filters.source:
        rows.append([data_button(_("✖️ Sans filtre"), queue_data("clear"))])
    return InlineKeyboardMarkup(rows)


def filter_keyboard(kind: str, options: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Choices of one filter: (label, value) pairs, then "all" and back."""
    rows = [[data_button(label[:60], queue_data(f"{kind}-{value}"))] for label, value in options]
    rows.append([data_button(_("Tous"), queue_data(f"{kind}-*"))])
    rows.append([data_button(_("◀️ Retour"), queue_data("back"))])
    return InlineKeyboardMarkup(rows)
