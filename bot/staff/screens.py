"""Staff screens: the queue (filters, pages), one card by reference, search by name, the
export and the figures."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    ContextTypes,
)

from bot.core import mentions, states
from bot.core.access import neutral_button_answer
from bot.core.feature import referrals
from bot.core.i18n import _
from bot.core.services import Services, services
from bot.staff import export, queue_views, stats
from bot.staff import rules as lifecycle
from bot.staff import views as staff_views
from bot.staff.cards import edit_markup, show_card
from bot.staff.store import QueueFilter

log = logging.getLogger(__name__)

QUERY_LIMIT = 100  # characters of a search or filter typed by staff


# --- the queue ---------------------------------------------------------------------------------


def parse_queue_args(svc: Services, args: list[str]) -> QueueFilter:
    """`/file nouvelle bois probable CODE`: states, a workshop, a verdict, a referrer code."""
    chosen: list[str] = []
    workshop = verdict = source = None
    for token in args[:6]:
        word = token.strip()[:64]
        lowered = word.lower()
        if lowered in states.FILED:
            chosen.append(lowered)
        elif svc.dialogs.workshop(lowered) is not None:
            workshop = lowered
        elif lowered in lifecycle.VERDICTS:
            verdict = lowered
        elif word:
            source = word
    return QueueFilter(
        states=tuple(dict.fromkeys(chosen)), workshop=workshop, verdict=verdict, source=source
    )


def _page(svc: Services, filters: QueueFilter, number: int) -> queue_views.QueuePage:
    items, total = svc.store.staff_queue(
        filters, offset=(number - 1) * queue_views.PAGE_SIZE, limit=queue_views.PAGE_SIZE
    )
    pages = max(1, -(-total // queue_views.PAGE_SIZE))
    if number > pages:
        return _page(svc, filters, pages)
    unfiltered = not (filters.states or filters.workshop or filters.verdict or filters.source)
    return queue_views.QueuePage(
        items=items,
        total=total,
        page=number,
        filters=filters,
        callbacks=svc.store.callbacks_to_make() if unfiltered else 0,
    )


def _referrer_name(svc: Services, source: str | None) -> str | None:
    if not source:
        return None
    return referrals().referrer_name(svc, source) or source


async def queue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/file [filters]: the queue, oldest first, with pages and filters."""
    svc = services(context)
    message = update.effective_message
    if message is None:
        return
    filters_ = parse_queue_args(svc, list(context.args or []))
    page = _page(svc, filters_, 1)
    sent = await message.reply_text(
        queue_views.queue_text(svc.dialogs, page, _referrer_name(svc, filters_.source)),
        reply_markup=queue_views.queue_keyboard(page),
    )
    svc.store.save_queue(sent.chat_id, sent.message_id, replace(filters_, extra={"page": 1}))
    _remember_page(svc, sent, page)


def _remember_page(svc: Services, message: Message, page: queue_views.QueuePage) -> None:
    """The page shows names: an erasure of one of them redacts it."""
    svc.store.shown(message.chat_id, message.message_id, [a.id for a in page.items], mentions.LIST)


async def on_queue_button(
    query: CallbackQuery, svc: Services, message: Message, action: str
) -> None:
    stored = svc.store.saved_queue(message.chat_id, message.message_id) or QueueFilter()
    extra = dict(stored.extra)
    number = int(extra.get("page", 1)) if str(extra.get("page", 1)).isdigit() else 1
    filters_ = stored
    choices: dict[str, tuple[str, list[tuple[str, str]]]] = {
        "fs": ("s", [(staff_views.state_label(s), s) for s in states.FILED]),
        "fw": ("w", [(_(w.label), w.id) for w in svc.dialogs.workshops]),
        "fv": ("v", [(staff_views.verdict_label(v), v) for v in lifecycle.VERDICTS]),
    }
    if action in choices:
        kind, options = choices[action]
        await query.answer()
        await edit_markup(message, queue_views.filter_keyboard(kind, options))
        return
    if action == "fr":
        sources = svc.store.queue_sources()
        extra["sources"] = [code for code, _n in sources]
        svc.store.save_queue(message.chat_id, message.message_id, replace(stored, extra=extra))
        options = [
            (f"{_referrer_name(svc, code)} ({n})", str(index))
            for index, (code, n) in enumerate(sources)
        ]
        await query.answer()
        await edit_markup(message, queue_views.filter_keyboard("r", options))
        return
    kind, dash, value = action.partition("-")
    if action.startswith("p") and action[1:].isdigit():
        number = max(1, int(action[1:]))
    elif action == "clear":
        filters_, number = QueueFilter(), 1
    elif action == "back":
        pass
    elif dash and kind in ("s", "w", "v", "r"):
        changed = _set_filter(svc, stored, extra, kind, value)
        if changed is None:
            await query.answer(neutral_button_answer())
            return
        filters_, number = changed, 1
    else:
        await query.answer(neutral_button_answer())
        return
    await query.answer()
    page = _page(svc, filters_, number)
    text = queue_views.queue_text(svc.dialogs, page, _referrer_name(svc, filters_.source))
    markup = queue_views.queue_keyboard(page)
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramError as error:
        log.info("queue page not edited: %s", type(error).__name__)
    else:
        _remember_page(svc, message, page)
    kept = {k: v for k, v in extra.items() if k == "sources"}
    svc.store.save_queue(
        message.chat_id, message.message_id, replace(filters_, extra={**kept, "page": page.page})
    )


def _set_filter(
    svc: Services, stored: QueueFilter, extra: dict[str, Any], kind: str, value: str
) -> QueueFilter | None:
    """The filters after one choice, or None when the choice is not a valid one."""
    everything = value == "*"
    if kind == "s" and (everything or value in states.FILED):
        return replace(stored, states=() if everything else (value,))
    if kind == "w" and (everything or svc.dialogs.workshop(value) is not None):
        return replace(stored, workshop=None if everything else value)
    if kind == "v" and (everything or value in lifecycle.VERDICTS):
        return replace(stored, verdict=None if everything else value)
    if kind == "r":
        if everything:
            return replace(stored, source=None)
        sources = extra.get("sources") or []
        if value.isdigit() and int(value) < len(sources):
            return replace(stored, source=sources[int(value)])
    return None


# --- one card, a search ---------------------------------------------------------------------------


async def open_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dossier IS-2026-0001: the card of one application (it becomes "à l'étude")."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    if not context.args:
        await message.reply_text(
            _("Écrivez le numéro après /dossier. Par exemple : /dossier {prefix}-2026-0001")
        )
        return
    reference = context.args[0].strip()[:40]
    application = svc.store.application_by_reference(reference)
    if application is None:
        await message.reply_text(
            _(
                "Je ne trouve pas la candidature {reference}. "
                "Vous pouvez chercher par nom : /cherche NOM"
            ).format(reference=reference.upper())
        )
        return
    await show_card(context, svc, message.chat_id, application, user)


async def _privately(message: Message, user_id: int, send: Callable[[int], Awaitable[Any]]) -> Any:
    """What shows every candidate goes to the staff member's own private chat: in the staff
    group, everyone would see it, staff or not. The group gets a short note, never data.
    Returns what `send` returned, or None when it could not be sent privately."""
    if message.chat.type == "private":  # the guard let only the staff's own private chat in
        return await send(message.chat_id)
    try:
        sent = await send(user_id)
    except (Forbidden, BadRequest) as error:
        if isinstance(error, BadRequest) and "chat not found" not in str(error).lower():
            raise
        await message.reply_text(
            _(
                "Je ne peux pas vous l'envoyer en privé. Ouvrez d'abord une conversation "
                "privée avec moi et touchez « Démarrer », puis recommencez ici."
            )
        )
        return None
    await message.reply_text(_("Je vous l'envoie en privé."))
    return sent


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cherche NOM: applications whose name contains the words typed (sent privately)."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    text = " ".join(context.args or [])[:QUERY_LIMIT].strip()
    if not text:
        await message.reply_text(_("Écrivez un nom après /cherche. Par exemple : /cherche Diallo"))
        return
    found = svc.store.search_applications(text, limit=10)
    if not found:
        answer = _("Aucune candidature ne correspond à « {text} ».").format(text=text)
        await _privately(
            message, user.id, lambda chat_id: context.bot.send_message(chat_id, answer)
        )
        return
    lines = [_("🔎 {count} résultat(s) pour « {text} » :").format(count=len(found), text=text)]
    lines += [f"• {queue_views.item_line(a)}" for a in found]
    markup = InlineKeyboardMarkup([[queue_views.item_button(a)] for a in found])
    sent = await _privately(
        message,
        user.id,
        lambda chat_id: context.bot.send_message(chat_id, "\n".join(lines), reply_markup=markup),
    )
    if isinstance(sent, Message):
        svc.store.shown(sent.chat_id, sent.message_id, [a.id for a in found], mentions.LIST)


# --- export and figures -------------------------------------------------------------------------


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export [csv]: every application in a file that opens in French Excel (sent privately)."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    fmt = "csv" if context.args and context.args[0].lower().strip() == "csv" else "xlsx"
    # Seconds at tens of thousands of rows: read and rendered in a thread, on a read-only
    # connection of its own, so that candidates are not kept waiting meanwhile.
    data, count = await asyncio.to_thread(_export_file, svc, fmt)
    filename = export.filename(svc.clock(), fmt)
    try:
        await _privately(
            message,
            user.id,
            lambda chat_id: context.bot.send_document(
                chat_id,
                InputFile(io.BytesIO(data), filename=filename),
                caption=_("{count} candidature(s).").format(count=count),
            ),
        )
    except TelegramError as error:
        log.warning("export not sent: %s", type(error).__name__)
        await message.reply_text(
            _(
                "Le fichier n'a pas pu être envoyé ici. Sur le serveur, la commande "
                "python -m bot export --format {fmt} --out {filename} le crée."
            ).format(fmt=fmt, filename=filename)
        )


def _export_file(svc: Services, fmt: str) -> tuple[bytes, int]:
    reader = svc.store.reader()
    try:
        table = export.table(replace(svc, store=reader))
    finally:
        if reader is not svc.store:
            reader.close()
    return export.render(table, fmt), len(table.rows)


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats: the figures as text, then a chart (best effort)."""
    svc = services(context)
    message = update.effective_message
    if message is None:
        return
    figures = stats.collect(svc)
    await message.reply_text(stats.figures_text(figures))
    try:
        png = await asyncio.to_thread(stats.chart_png, figures)
        await message.reply_photo(
            InputFile(io.BytesIO(png), filename="tremplin-chiffres.png"),
            caption=_("Les candidatures par état et le parcours."),
        )
    except TelegramError as error:
        # A server that refuses photos: the figures were sent as text already.
        log.warning("chart not sent: %s", type(error).__name__)
