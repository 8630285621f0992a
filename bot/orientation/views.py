"""What the candidate reads of the orientation: the needs question (a journey step, or a
message at a dead end), and the services near her for each need she named. Texts come from
dialogs/orientation.toml, in her language; the services' own names and addresses as
published."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from babel.dates import get_day_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks
from bot.core import dialog_views as views
from bot.core.dialog_types import Step
from bot.core.i18n import _, current_language, translated
from bot.core.services import Services
from bot.orientation.dialogs import OrientationDialogs, orientation_dialogs
from bot.orientation.rules import Need, Service, chosen_needs, encode, helps_of, indexes

DONE, SKIP = "ok", "no"  # a dead end's "Valider mes choix" and "Je préfère passer"
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def texts(svc: Services) -> OrientationDialogs:
    return orientation_dialogs(svc.settings.dialogs_dir)


def message(svc: Services, key: str) -> str:
    return translated(texts(svc).messages, key)


def needs_list(needs: Sequence[Need]) -> str:
    return ", ".join(_(n.label) for n in needs)


# --- the journey's step ------------------------------------------------------------------


def step_view(
    svc: Services, step: Step, answers: Mapping[str, Any], *, can_go_back: bool
) -> tuple[str, views.Markup]:
    """The needs question after the result: one button per need (ticked once chosen),
    "Je préfère passer", then "Valider mes choix" once one is chosen."""
    needs = texts(svc).needs
    chosen = chosen_needs(answers.get(step.id), needs)
    lines = [views.progress_line(svc.dialogs, step.id), "", _(step.text)]
    if step.hint:
        lines.append(_(step.hint))
    rows = [
        [views.button(("✅ " if n in chosen else "") + _(n.label), step.id, n.id)] for n in needs
    ]
    rows += [[views.button(_(o.label), step.id, o.id)] for o in step.options]
    if chosen:
        lines += ["", message(svc, "chosen").format(choices=needs_list(chosen))]
        rows.append([views.button(message(svc, "done"), step.id, callbacks.DONE)])
    if can_go_back:
        rows.append([views.button(views.back_label(), step.id, callbacks.BACK)])
    return "\n".join(lines), views.keyboard(rows)


# --- a dead end's question ---------------------------------------------------------------


def ending_view(svc: Services, postcode: str | None, chosen: int) -> tuple[str, Any]:
    """The same question at a dead end; its buttons carry what is chosen (nothing on disk)."""
    needs = texts(svc).needs
    picked = [needs[i] for i in indexes(chosen, len(needs))]
    subject = encode(postcode, chosen)

    def button(label: str, action: str) -> InlineKeyboardButton:
        data = callbacks.make(callbacks.ORIENTATION, subject, action)
        return InlineKeyboardButton(label, callback_data=data)

    rows = [
        [button(("✅ " if n in picked else "") + _(n.label), str(i))] for i, n in enumerate(needs)
    ]
    rows.append([button(message(svc, "skip"), SKIP)])
    lines = [message(svc, "question"), message(svc, "hint")]
    if picked:
        lines += ["", message(svc, "chosen").format(choices=needs_list(picked))]
        rows.append([button(message(svc, "done"), DONE)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


# --- the services --------------------------------------------------------------------------


def hours_text(svc: Services, hours: str) -> str:
    """OpenStreetMap's opening hours in the reader's words: "Mo-Fr 08:30-12:30; PH off" →
    "lundi-vendredi 08:30-12:30 · fermé les jours fériés"."""
    names = get_day_names("wide", locale=current_language())

    def day(found: re.Match[str]) -> str:
        return str(names[OSM_DAYS.index(found.group(0))])

    text = re.sub(r"\bPH off\b", message(svc, "closed_holidays"), hours)
    text = re.sub(r"\b(Mo|Tu|We|Th|Fr|Sa|Su)\b", day, text)
    return " · ".join(part.strip() for part in text.split(";") if part.strip())


def service_lines(svc: Services, service: Service, need: Need) -> list[str]:
    """Name, what it does in one line, address, phone, hours, free or not."""
    lines = [f"• {service.nom}"]
    helps = helps_of(service, need)
    if helps:
        lines.append(f"  {_(helps)}")
    if service.full_address:
        lines.append(f"  📍 {service.full_address}")
    if service.telephone:
        lines.append(f"  📞 {service.telephone}")
    if service.horaires_accueil:
        lines.append(f"  🕘 {hours_text(svc, service.horaires_accueil)}")
    if service.frais == "gratuit":
        lines.append(f"  💶 {message(svc, 'free')}")
    elif service.frais == "payant":
        lines.append(f"  💶 {message(svc, 'paying')}")
    return lines


def heading(svc: Services, postcode: str, *, hers: bool) -> str:
    """Near her postcode, or near the structure's when hers is not known (said so)."""
    return message(svc, "near" if hers else "near_us").format(code=postcode)


def need_text(svc: Services, need: Need, services: Sequence[Service]) -> str:
    lines = [f"{need.icon} {_(need.label)}".strip()]
    if not services:
        lines.append(message(svc, "none_found"))
    for service in services:
        lines += service_lines(svc, service, need)
    return "\n".join(lines)
