"""What the candidate sees for each step: text and buttons, built from the dialogs.

Pure functions of the dialogs and the answers (no I/O), so that the handlers stay thin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.core import callbacks, i18n
from bot.core.dialog_types import SHORT_CHARACTERS, Dialogs, Step, Structure
from bot.core.feature import step_kind
from bot.core.i18n import N_, _
from bot.core.rules import eligibility, latin
from bot.core.rules import ids as journey_ids
from bot.core.rules.contact import display_phone
from bot.core.rules.steps import active_path, part_answers, progress

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None
EDITABLE_SECTIONS = journey_ids.EDITABLE_SECTIONS

# The kinds of rendez-vous (a session's, an interview's), as staff read them.
KIND_LABELS = {
    "entretien": N_("Entretien"),
    "information_collective": N_("Réunion d'information"),
}


def unknown_button() -> str:
    return _("Ce bouton ne marche pas. Touchez un des boutons, s'il vous plaît.")


def back_label() -> str:
    return _("◀️ Retour")


def share_phone_label() -> str:
    return _("📱 Envoyer mon numéro")


def latin_prompt() -> str:
    """Asked when the person writes her name in Latin letters herself."""
    return _(
        "Écrivez votre prénom et votre nom avec les lettres de A à Z, par exemple : "
        "Amina Benali. Ou touchez « Passer »."
    )


def progress_line(dialogs: Dialogs, step_id: str) -> str:
    number, total, title = progress(dialogs, step_id)
    return _("Étape {number} sur {total} · {title}").format(
        number=number, total=total, title=_(title)
    )


def _question(dialogs: Dialogs, step: Step) -> str:
    lines = [progress_line(dialogs, step.id), "", _(step.text)]
    if step.hint:
        lines.append(_(step.hint))
    return "\n".join(lines)


class Keyboard(InlineKeyboardMarkup):
    """An inline keyboard written out once. A journey's keyboards repeat (the same question
    for everyone), and python-telegram-bot's `to_dict`, called for every message sent or
    edited, costs about 75 µs for seven buttons."""

    __slots__ = ("_as_dict",)
    _as_dict: dict[str, Any]

    def __init__(self, inline_keyboard: Sequence[Sequence[InlineKeyboardButton]]) -> None:
        super().__init__(inline_keyboard)
        object.__setattr__(self, "_as_dict", super().to_dict())  # the object is frozen

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        # Read only: python-telegram-bot turns it into JSON, nothing changes it.
        return self._as_dict


@lru_cache(maxsize=4096)
def _keyboard(rows: tuple[tuple[InlineKeyboardButton, ...], ...]) -> Keyboard:
    return Keyboard(rows)


def keyboard(rows: Sequence[Sequence[InlineKeyboardButton]]) -> Keyboard:
    """The keyboard of these rows, built once (buttons compare by text and data)."""
    return _keyboard(tuple(tuple(row) for row in rows))


@lru_cache(maxsize=4096)
def button(label: str, step_id: str, action: str) -> InlineKeyboardButton:
    """A journey button. Buttons are immutable and the same for everyone, so each is built
    once: python-telegram-bot objects cost microseconds each, and a step shows several."""
    return InlineKeyboardButton(label, callback_data=callbacks.journey(step_id, action))


def step_view(
    dialogs: Dialogs,
    step: Step,
    answers: Mapping[str, Any],
    *,
    can_go_back: bool,
    verdict: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[str, Markup]:
    """The message for one step: its text and its keyboard."""
    text = _question(dialogs, step)
    if step.id == journey_ids.LATIN_NAME:  # the Latin form proposed for confirmation
        text = text.replace("{latin}", latin.proposed(answers))
    rows: list[list[InlineKeyboardButton]] = []
    current = answers.get(step.id)
    if step.kind == "choice" or step.kind == "slot":
        for option in step.options:
            mark = "✓ " if option.id == current else ""
            rows.append([button(mark + _(option.label), step.id, option.id)])
    elif step.kind == "text":
        rows.extend([button(_(o.label), step.id, o.id)] for o in step.quick)
        if step.optional:
            rows.append([button(_("Passer"), step.id, callbacks.SKIP)])
        if isinstance(current, str) and current and step.option(current) is None:
            text += "\n" + _("Votre réponse : {answer}").format(answer=current)
    elif step.kind == "multi":
        text, workshop_rows = _workshops(dialogs, step, current)
        text = _question(dialogs, step) + "\n\n" + text
        rows.extend(workshop_rows)
    elif step.kind == "verdict":
        text = _verdict_text(dialogs, step, verdict or eligibility.PAS_POUR_VOUS, answers)
        shown = (
            (journey_ids.CONTINUE,)
            if verdict != eligibility.PAS_POUR_VOUS
            else (journey_ids.CALL_ME, journey_ids.STOP)
        )
        rows.extend([button(_(o.label), step.id, o.id)] for o in step.options if o.id in shown)
    elif step.kind == "summary":
        text += "\n\n" + summary_text(dialogs, answers, labels=labels)
        for section in EDITABLE_SECTIONS:
            title = _(dialogs.section(section).title)
            rows.append(
                [
                    button(
                        _("Modifier : {part}").format(part=title), step.id, callbacks.EDIT + section
                    )
                ]
            )
        rows.append([button(_("✅ Envoyer ma candidature"), step.id, callbacks.SEND)])
    elif step.kind == "contact":
        keys = [[KeyboardButton(share_phone_label(), request_contact=True)]]
        if can_go_back:
            keys.append([KeyboardButton(back_label())])
        if isinstance(current, str):
            text += "\n" + _("Votre numéro : {phone}").format(phone=display_phone(current))
        markup = ReplyKeyboardMarkup(
            keys, resize_keyboard=True, one_time_keyboard=True, is_persistent=False
        )
        return text, markup
    if can_go_back and step.kind != "summary":
        rows.append([button(back_label(), step.id, callbacks.BACK)])
    return text, keyboard(rows) if rows else None


def chosen_workshops(answer: Any) -> list[str]:
    """The workshops chosen, from the answer of the workshops step: a list of workshop ids,
    or the id of one of its options ("Je ne sais pas": none chosen)."""
    return [w for w in answer if isinstance(w, str)] if isinstance(answer, list) else []


def workshops_step(dialogs: Dialogs) -> Step:
    """The step where the workshops are chosen (the one step of kind multi)."""
    return next(s for s in dialogs.steps if s.kind == "multi")


def _workshops(
    dialogs: Dialogs, step: Step, current: Any
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    chosen = chosen_workshops(current)
    lines = [f"• {_(w.label)} : {_(w.work)}" for w in dialogs.workshops]
    rows = []
    for workshop in dialogs.workshops:
        label = _(workshop.label)
        if workshop.id in chosen:
            label = f"✅ {chosen.index(workshop.id) + 1}. {label}"
        rows.append([button(label, step.id, workshop.id)])
    # An answer instead of a choice ("Je ne sais pas": the team will advise).
    for option in step.options:
        mark = "✓ " if option.id == current else ""
        rows.append([button(mark + _(option.label), step.id, option.id)])
    if chosen:
        lines += ["", _("Vos choix : {choices}").format(choices=workshop_list(dialogs, chosen))]
        rows.append([button(_("Valider mes choix"), step.id, callbacks.DONE)])
    return "\n".join(lines), rows


def workshop_list(dialogs: Dialogs, chosen: list[str]) -> str:
    labels = [_(w.label) for w in (dialogs.workshop(i) for i in chosen) if w is not None]
    return ", ".join(f"{n}. {label}" for n, label in enumerate(labels, 1))


def _verdict_text(dialogs: Dialogs, step: Step, verdict: str, answers: Mapping[str, Any]) -> str:
    key = f"verdict_{verdict}"
    if verdict == eligibility.A_CONFIRMER and eligibility.has_counsellor(dialogs, answers):
        key = "verdict_a_confirmer_conseiller"
    lines = [progress_line(dialogs, step.id), "", _(dialogs.messages[key])]
    # Why, in plain words: the answer that blocked or lowered the verdict.
    for flag_id in active_path(dialogs, answers).flags:
        flag = dialogs.flags.get(flag_id)
        if flag is not None and flag.candidate:
            lines += ["", _(flag.candidate)]
    if verdict == eligibility.PAS_POUR_VOUS:
        lines += ["", contacts_text(dialogs)]
    return "\n".join(lines)


def contacts_text(dialogs: Dialogs) -> str:
    """Who can help, with how to reach them: the structure itself, then the partners of
    structure.toml's [[contacts]]. Every ending says it (under 16, no right to work, "pas
    pour vous", a refusal, a call-back request): one rendering for all."""
    structure = dialogs.structure
    lines = [_("Qui peut vous aider :"), f"📍 {structure.name} : {structure.address}"]
    if structure.phone:
        lines.append(f"📞 {structure.phone}")
    if structure.hours:
        lines.append(f"🕘 {_(structure.hours)}")
    for contact in structure.contacts:
        lines.append(f"• {_(contact.name)} : {_(contact.helps)}")
        reach = [f"📍 {contact.address}" if contact.address else ""]
        reach.append(f"📞 {contact.phone}" if contact.phone else "")
        reach.append(f"🕘 {_(contact.hours)}" if contact.hours else "")
        if any(reach):
            lines.append("  " + " · ".join(part for part in reach if part))
    return "\n".join(lines)


def callback_confirmation(dialogs: Dialogs, phone: str, answers: Mapping[str, Any]) -> str:
    """A call-back request is on disk: the team will call, at this number, at this moment;
    it is not an application; who else can help."""
    moment = answers.get(journey_ids.CALLBACK_TIME)
    when = answer_label(dialogs, dialogs.step(journey_ids.CALLBACK_TIME), moment)
    return "\n".join(
        [
            i18n.translated(dialogs.messages, "callback_filed"),
            f"📞 {display_phone(phone)} · {when}",
            i18n.translated(dialogs.messages, "callback_next"),
            "",
            contacts_text(dialogs),
        ]
    )


def cannot_come_text(structure: Structure) -> str:
    """Who to tell when one cannot come: the structure's phone, or its front desk."""
    if structure.phone:
        return _("Vous ne pouvez pas venir ? Appelez l'équipe : {phone}.").format(
            phone=structure.phone
        )
    lines = [
        _("Vous ne pouvez pas venir ? Prévenez l'accueil : {address}.").format(
            address=structure.address
        )
    ]
    if structure.hours:
        lines.append(_(structure.hours))
    return " ".join(lines)


def answer_label(dialogs: Dialogs, step: Step, answer: Any) -> str:
    """An answer as the candidate would say it."""
    kind = step_kind(step.kind)  # a kind a feature shows words its own answers
    said = kind.answer_label(step, answer) if kind is not None else None
    if said is not None:
        return said
    if step.kind == "multi" and isinstance(answer, list):
        return workshop_list(dialogs, answer)
    if step.kind == "contact" and isinstance(answer, str):
        return display_phone(answer)
    if isinstance(answer, str):
        option = step.option(answer)
        if option is not None:
            return _(option.label)
        if step.optional and answer == "":
            return _("(pas de réponse)")
        return answer
    return "—"


def part_view(
    dialogs: Dialogs,
    summary: Step,
    answers: Mapping[str, Any],
    section: str,
    *,
    labels: Mapping[str, str] | None = None,
) -> tuple[str, Markup]:
    """ "Modifier : <part>": the part's answers, one button per question; one tap opens it."""
    lines = [
        _("Que voulez-vous changer ? Touchez la question."),
        "",
        f"— {_(dialogs.section(section).title)} —",
    ]
    rows: list[list[InlineKeyboardButton]] = []
    for step in part_answers(dialogs, answers, section):
        question = _(step.summary or step.text)
        shown = (labels or {}).get(step.id) or answer_label(dialogs, step, answers[step.id])
        lines.append(f"• {question} {shown}")
        rows.append([button(f"✏️ {short_label(step)}", summary.id, callbacks.CHANGE + step.id)])
    rows.append([button(_("◀️ Retour au résumé"), summary.id, callbacks.SUMMARY)])
    return "\n".join(lines), keyboard(rows)


def short_label(step: Step) -> str:
    """A question on a button ("✏️ Droit de travailler en France"): its `short` label in
    journey.toml; without one, its summary or its text when short enough, or else cut on a
    word (Telegram cuts long buttons on a phone)."""
    if step.short:
        return _(step.short)
    question = _(step.summary or step.text).rstrip(" :")
    if len(question) <= SHORT_CHARACTERS:
        return question
    cut = question[: SHORT_CHARACTERS - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut  # on a word boundary
    return cut.rstrip(" :,") + "…"


def summary_text(
    dialogs: Dialogs, answers: Mapping[str, Any], *, labels: Mapping[str, str] | None = None
) -> str:
    """Every answer by part; `labels` words answers the dialogs cannot (a booked date)."""
    path = active_path(dialogs, answers)
    blocks: list[str] = []
    for section in EDITABLE_SECTIONS:
        lines = [f"— {_(dialogs.section(section).title)} —"]
        for step in path.steps:
            if step.section == section and step.id in answers and step.kind != "verdict":
                question = _(step.summary or step.text)
                shown = (labels or {}).get(step.id) or answer_label(dialogs, step, answers[step.id])
                lines.append(f"• {question} {shown}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


LANGUAGES_AT_WELCOME = "w"  # l:w:<code>: tapped under the first question


def language_rows(where: str) -> list[list[InlineKeyboardButton]]:
    """Each language in its own name ("Français", "English", "العربية"…), three to a row,
    the one in use ticked; nothing when French is the only one."""
    codes = i18n.languages()
    if len(codes) < 2:
        return []
    buttons = [
        InlineKeyboardButton(
            ("✅ " if code == i18n.current_language() else "") + i18n.native_name(code),
            callback_data=callbacks.make(callbacks.LANGUAGE, where, code),
        )
        for code in codes
    ]
    return [buttons[i : i + 3] for i in range(0, len(buttons), 3)]


def bring_bullets(things: Sequence[str]) -> list[str]:
    """What to bring, one "• " line each, in the reader's language (see rules/proofs)."""
    return [f"• {_(thing)}" for thing in things]
