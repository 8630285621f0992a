"""The orientation in the bot: the needs step of the journey (kind "needs"), the same question
at a dead end, the services sent after a filing and after a dead end's answer, and what staff
see of the needs (card, export, /stats).

A venue (Telegram's map pin) may be refused by a Bot API-compatible server: it is tried, and
a refusal is logged, never shown; the text above it says everything already."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from telegram import Bot, CallbackQuery, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.core import callbacks
from bot.core import dialog_views as core_views
from bot.core.application_store import CandidateApplication, Conversation
from bot.core.dialog_types import Step
from bot.core.feature import ExportColumn, with_listen
from bot.core.i18n import _
from bot.core.outbox.store import Duty
from bot.core.services import Services, in_language_of, services
from bot.core.telegram_bot import send_or_edit, send_text
from bot.orientation import views
from bot.orientation.dialogs import ORIENTATION
from bot.orientation.rules import (
    POSTCODE,
    Need,
    choose,
    chosen_needs,
    decode,
    department_of,
    indexes,
    postcode_in,
    toggled,
)

log = logging.getLogger(__name__)
SKIPPED = "passer"  # the needs step's answer for "Je préfère passer" (its option id)


def needs_step(svc: Services) -> Step | None:
    """The journey's step of kind "needs" (None: the journey does not ask it)."""
    return next((s for s in svc.dialogs.steps if s.kind == "needs"), None)


# --- the journey's step --------------------------------------------------------------------


class NeedsStep:
    """The journey's "needs" step (bot/core/feature.py `StepKind`): taps tick needs, kept in
    the draft's answers as the workshops are; "Valider mes choix" or "Je préfère passer"
    answer it."""

    def view(
        self, svc: Services, step: Step, answers: Mapping[str, Any], *, can_go_back: bool
    ) -> tuple[str, core_views.Markup]:
        text, markup = views.step_view(svc, step, answers, can_go_back=can_go_back)
        return text, with_listen(svc, markup, step.id)

    async def on_button(
        self,
        query: CallbackQuery,
        svc: Services,
        conversation: Conversation,
        answers: dict[str, Any],
        step: Step,
        action: str,
    ) -> tuple[Any, str] | None:
        needs = views.texts(svc).needs
        chosen = [n.id for n in chosen_needs(answers.get(step.id), needs)]
        option = step.option(action)
        if option is not None:  # "Je préfère passer"
            await query.answer()
            return option.id, _(option.label)
        if action == callbacks.DONE:
            if not chosen:
                await query.answer(views.message(svc, "pick_one"))
                return None
            await query.answer()
            return chosen, views.needs_list(chosen_needs(chosen, needs))
        if action not in {n.id for n in needs}:
            await query.answer(core_views.unknown_button())
            return None
        chosen = [c for c in chosen if c != action] if action in chosen else [*chosen, action]
        answers[step.id] = [n.id for n in chosen_needs(chosen, needs)]
        svc.store.save_conversation(conversation, answers=answers)
        await query.answer()
        await send_or_edit(query, *self.view(svc, step, answers, can_go_back=True))
        return None

    def answer_label(self, step: Step, answer: Any) -> str | None:
        """The needs she named, in her words ("Je préfère passer" is the step's option)."""
        texts = ORIENTATION.running()
        if not isinstance(answer, list) or texts is None:
            return None
        return views.needs_list(chosen_needs(answer, texts.needs)) or "—"


# --- the services --------------------------------------------------------------------------


def postcode_of(svc: Services, answers: Mapping[str, Any]) -> tuple[str | None, bool]:
    """Her postcode when she gave one (True), else the structure's (False), else None."""
    for step in svc.dialogs.steps:
        if step.validate == "postcode":
            answer = answers.get(step.id)
            if isinstance(answer, str) and POSTCODE.match(answer):
                return answer, True
    return postcode_in(svc.dialogs.structure.address), False


async def send_services(
    bot: Bot, svc: Services, chat_id: int, needs: Sequence[Need], postcode: str | None, hers: bool
) -> None:
    """For each need, up to three services near the postcode (one message a need), each
    with its map pin when it has coordinates."""
    if not needs:
        return
    department = department_of(postcode) if postcode else None
    directory = svc.store.services_in(department) if department else []
    per_need = views.texts(svc).per_need
    if postcode:
        await send_text(bot, chat_id, views.heading(svc, postcode, hers=hers))
    for need in needs:
        found = choose(directory, need, postcode, limit=per_need) if postcode else []
        await send_text(bot, chat_id, views.need_text(svc, need, found))
        for service in found:
            if service.latitude is None or service.longitude is None:
                continue
            try:
                await bot.send_venue(
                    chat_id,
                    latitude=service.latitude,
                    longitude=service.longitude,
                    title=service.nom,
                    address=service.full_address or service.nom,
                )
            except TelegramError as error:
                log.warning("map pin refused: %s", type(error).__name__)


async def send_after_filing(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    duty: Duty,
    application: CandidateApplication,
    filed_query: CallbackQuery | None,
) -> None:
    """Owed after a filing (bot/core/outbox, after the slots' part): the services for the
    needs she named."""
    step = needs_step(svc)
    if step is None:
        return
    with in_language_of(svc, application.user_id):
        needs = chosen_needs(application.answers.get(step.id), views.texts(svc).needs)
        postcode, hers = postcode_of(svc, application.answers)
        await send_services(context.bot, svc, duty.chat_id, needs, postcode, hers)


# --- at a dead end -------------------------------------------------------------------------


async def at_ending(bot: Bot, svc: Services, chat_id: int, answers: Mapping[str, Any]) -> None:
    """Below a dead end (under 16, no right to work, "pas pour vous"): the needs question,
    short; its buttons carry her postcode and her choices."""
    postcode, hers = postcode_of(svc, answers)
    text, markup = views.ending_view(svc, postcode if hers else None, 0)
    try:
        await send_text(bot, chat_id, text, reply_markup=markup)
    except TelegramError as error:  # the dead end itself was said: it stands alone
        log.warning("needs question not sent: %s", type(error).__name__)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A dead end's needs buttons: tick, "Valider mes choix" (the services), or "Je préfère
    passer"."""
    query = update.callback_query
    if query is None:
        return
    svc = services(context)
    data = callbacks.parse(query.data)
    state = decode(data.subject) if data is not None else None
    if data is None or state is None:
        await query.answer(core_views.unknown_button())
        return
    postcode, chosen = state
    needs = views.texts(svc).needs
    if data.action == views.SKIP:  # the question goes away: the dead end above stays last
        await query.answer(views.message(svc, "skipped"))
        svc.store.count_needs_named([])
        await _take_away(query, svc)
        return
    if data.action == views.DONE:
        picked = [needs[i] for i in indexes(chosen, len(needs))]
        if not picked:
            await query.answer(views.message(svc, "pick_one"))
            return
        await query.answer()
        svc.store.count_needs_named([n.id for n in picked])
        await send_or_edit(query, _("✔️ {answer}").format(answer=views.needs_list(picked)), None)
        if isinstance(query.message, Message):
            structure_postcode, _hers = postcode_of(svc, {})
            await send_services(
                context.bot,
                svc,
                query.message.chat_id,
                picked,
                postcode or structure_postcode,
                postcode is not None,
            )
        return
    if not data.action.isdigit() or int(data.action) >= len(needs):
        await query.answer(core_views.unknown_button())
        return
    await query.answer()
    await send_or_edit(query, *views.ending_view(svc, postcode, toggled(chosen, int(data.action))))


async def _take_away(query: CallbackQuery, svc: Services) -> None:
    """Delete the question (best effort: else it says "D'accord." without buttons)."""
    try:
        if isinstance(query.message, Message):
            await query.message.delete()
            return
    except TelegramError:
        pass
    with contextlib.suppress(TelegramError):
        await send_or_edit(query, views.message(svc, "skipped"), None)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{callbacks.ORIENTATION}:"))


# --- what staff see (French) ---------------------------------------------------------------


def _needs_answer(svc: Services, application: CandidateApplication) -> Any:
    step = needs_step(svc)
    return application.answers.get(step.id) if step is not None else None


def card_lines(svc: Services, application: CandidateApplication) -> list[str]:
    """The card's line: the needs she named, or that she preferred not to say."""
    answer = _needs_answer(svc, application)
    if answer is None:
        return []
    needs = chosen_needs(answer, views.texts(svc).needs)
    if not needs:
        return [_("🧭 Besoin d'aide : préfère ne pas répondre")]
    return [_("🧭 Besoin d'aide : {needs}").format(needs=views.needs_list(needs))]


def export_columns(svc: Services) -> list[ExportColumn]:
    """One column per need: "oui" when she named it, "non" when she answered without it,
    empty when the question was not asked."""

    def column(need: Need) -> ExportColumn:
        def cell(application: CandidateApplication) -> str | None:
            answer = _needs_answer(svc, application)
            if answer is None:
                return None
            return _("oui") if isinstance(answer, list) and need.id in answer else _("non")

        return _("Besoin : {need}").format(need=_(need.label)), cell

    return [column(need) for need in views.texts(svc).needs]


def figure_lines(svc: Services) -> list[str]:
    """/stats: the needs named in filed applications, and at dead ends (counted without a
    name)."""
    needs = views.texts(svc).needs
    step = needs_step(svc)

    def line(title: str, counts: dict[str, int]) -> str:
        parts = [f"{_(n.label)} {counts[n.id]}" for n in needs if counts.get(n.id)]
        if counts.get(""):
            parts.append(_("préfère ne pas répondre {count}").format(count=counts[""]))
        return f"{title} : " + (" · ".join(parts) or "—")

    filed = svc.store.needs_of_filed(step.id) if step is not None else {}
    return [
        line(_("🧭 Besoins d'aide (candidatures envoyées)"), filed),
        line(_("🧭 Besoins d'aide (fins de parcours, sans nom)"), svc.store.needs_named_at_ends()),
    ]
