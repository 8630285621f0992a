"""Staff review in Telegram (issue #4): cards and decisions, the queue, search, export, figures.

Every decision is a compare-and-set in the store (state and review version): two staff
members tapping at once record one decision, the other is told who decided and when, and
the candidate gets one message. Anyone who is not staff, or a staff command used outside a
private chat or the staff group, gets the same neutral answer as an unknown command.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
    User,
)
from telegram.error import TelegramError
from telegram.ext import (
    Application as TelegramApp,
)
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot import callbacks, export, referral, staff_views, stats
from bot.context import Services, services
from bot.domain import applications as states
from bot.domain.applications import MomentError, parse_moment
from bot.domain.contact import display_phone
from bot.handlers import staff_notice
from bot.handlers.access import is_staff, neutral_button_answer, neutral_command_answer
from bot.handlers.staff_input import done, expect, on_input
from bot.i18n import N_, _, format_moment
from bot.store import Application, NotFoundError, iso
from bot.store.staff import QueueFilter, SlotTaken

log = logging.getLogger(__name__)

STAFF_COMMANDS = (
    ("file", N_("La file des candidatures, filtres et pages")),
    ("dossier", N_("Ouvrir une candidature : /dossier IS-2026-0001")),
    ("cherche", N_("Chercher une candidature par nom")),
    ("export", N_("Le tableau des candidatures (Excel, ou /export csv)")),
    ("stats", N_("Les chiffres et le graphique")),
    ("aide", N_("Les commandes de l'équipe")),
)
QUERY_LIMIT = 100  # characters of a search or filter typed by staff
SLOTS_SHOWN = 8

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]


# --- who may do what, where ----------------------------------------------------------------


def _staff_place(update: Update, svc: Services) -> bool:
    """Staff work in a private chat with the bot or in the staff group, nowhere else."""
    chat = update.effective_chat
    if chat is None:
        return False
    return chat.type == "private" or chat.id == svc.settings.staff_chat_id


def staff_command(handler: Handler) -> Handler:
    """A staff command: anyone else gets what an unknown command gets (in a group: nothing)."""

    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        svc = services(context)
        if is_staff(update, context) and _staff_place(update, svc):
            return await handler(update, context)
        chat = update.effective_chat
        if update.effective_message is not None and chat is not None and chat.type == "private":
            await update.effective_message.reply_text(neutral_command_answer())
        return None

    guarded.__doc__ = handler.__doc__
    return guarded


async def staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any `s:` button: checked here (the presser must be staff, not the chat), then run."""
    query = update.callback_query
    if query is None:
        return
    svc = services(context)
    if not (is_staff(update, context) and _staff_place(update, svc)):
        await query.answer(neutral_button_answer())
        return
    data = callbacks.parse(query.data)
    user = update.effective_user
    if data is None or user is None or not isinstance(query.message, Message):
        await query.answer(neutral_button_answer())
        return
    if data.subject == staff_views.QUEUE:
        await on_queue_button(query, svc, query.message, data.action)
        return
    subject, _dot, version = data.subject.partition(".")
    if not subject.isdigit() or (version and not version.isdigit()):
        await query.answer(neutral_button_answer())
        return
    try:
        application = svc.store.application(int(subject))
    except NotFoundError:
        await query.answer(_("Cette candidature n'existe plus."))
        return
    if application.state == "brouillon":
        await query.answer(neutral_button_answer())
        return
    if data.action == "open" and not version:
        await query.answer()
        await show_card(context, svc, query.message.chat_id, application, user)
        return
    if not version:
        await query.answer(neutral_button_answer())
        return
    await on_card_button(
        context, svc, query, query.message, user, application, int(version), data.action
    )


# --- the card and its decisions ---------------------------------------------------------------


async def show_card(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    chat_id: int,
    application: Application,
    user: User,
) -> None:
    """Open a card in this chat; a new application becomes "à l'étude par <name>"."""
    claimed = states.claimable(application.state) and svc.store.claim(
        application.id, staff_id=user.id, staff_name=user.first_name
    )
    if claimed:
        application = svc.store.application(application.id)
    await staff_notice.send_card(context, svc, chat_id, application)
    if claimed:
        await staff_notice.refresh_cards(context, svc, application.id)


def stale_text(application: Application, svc: Services) -> str:
    """Why a button no longer applies: who decided, and when."""
    review = svc.store.review(application.id)
    if application.state == states.CANCELLED:
        return _("La personne a retiré sa candidature.")
    if review.decided_at:
        return _("Déjà décidé par {name} le {moment} : {state}.").format(
            name=review.decided_by_name or _("l'équipe"),
            moment=format_moment_iso(review.decided_at),
            state=staff_views.state_label(application.state),
        )
    return _("Cette fiche a changé. La voici à jour.")


def format_moment_iso(stamp: str) -> str:
    return format_moment(datetime.fromisoformat(stamp))


async def _answer_stale(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery | None,
    message: Message,
    application_id: int,
) -> None:
    application = svc.store.application(application_id)
    text = stale_text(application, svc)
    if query is not None:
        await query.answer(text[:200], show_alert=True)
    else:
        await message.reply_text(text)
    await staff_notice.refresh_cards(context, svc, application_id)


async def _edit_markup(message: Message, markup: Any) -> None:
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except TelegramError as error:
        log.info("card keyboard not changed: %s", type(error).__name__)


async def on_card_button(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery,
    message: Message,
    user: User,
    application: Application,
    version: int,
    action: str,
) -> None:
    base, _dot, detail = action.partition(".")
    if base not in (*states.TARGET, states.NOTE, "card"):
        await query.answer(neutral_button_answer())
        return
    svc.store.remember_card(application.id, message.chat_id, message.message_id)
    review = svc.store.review(application.id)
    if base == "card" and version == review.version:
        await query.answer()
        await staff_notice.refresh_cards(context, svc, application.id)
        await _edit_markup(message, staff_views.card_keyboard(application, review))
        return
    if version != review.version or not states.allowed(application.state, base):
        await _answer_stale(context, svc, query, message, application.id)
        return
    # Touching a new application's card opens it: "à l'étude par <name>".
    if states.claimable(application.state) and svc.store.claim(
        application.id, staff_id=user.id, staff_name=user.first_name
    ):
        application = svc.store.application(application.id)
        await staff_notice.refresh_cards(context, svc, application.id)
    staff = staff_notice.staff_texts(svc)
    if base == states.NOTE:
        await query.answer()
        await _ask(context, svc, message, user, "staff_note", application, version)
        return
    if base == states.ACCEPT or base == states.WAIT:
        if detail != "y":
            await query.answer()
            await _edit_markup(message, staff_views.confirm_keyboard(application, review, base))
            return
        await _decide(context, svc, query, message, user, application, version, base)
        return
    if base == states.REFUSE:
        if not detail:
            await query.answer()
            await _edit_markup(message, staff_views.reasons_keyboard(staff, application, review))
            return
        reason = staff.reason(detail)
        if reason is None:
            await query.answer(neutral_button_answer())
            return
        if reason.note:
            await query.answer()
            await _ask(
                context, svc, message, user, "staff_refusal", application, version, reason=reason.id
            )
            return
        await _decide(
            context, svc, query, message, user, application, version, base, reason=reason.id
        )
        return
    if base == states.CONVENE:
        await _convene(context, svc, query, message, user, application, version, detail)
        return
    await query.answer(neutral_button_answer())


async def _convene(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery,
    message: Message,
    user: User,
    application: Application,
    version: int,
    detail: str,
) -> None:
    review = svc.store.review(application.id)
    if not detail:
        await query.answer()
        await _edit_markup(
            message, staff_views.slots_keyboard(application, review, open_slots(svc))
        )
        return
    if detail == "date":
        await query.answer()
        await _ask(context, svc, message, user, "staff_date", application, version)
        return
    if not detail.isdigit() or not hasattr(svc.store, "slot"):
        await query.answer(neutral_button_answer())
        return
    try:
        slot = svc.store.slot(int(detail))
    except NotFoundError:
        await query.answer(_("Ce créneau n'existe plus."), show_alert=True)
        return
    try:
        decided = svc.store.convene_in_slot(
            application.id,
            expected=application.state,
            version=version,
            slot_id=slot.id,
            staff_id=user.id,
            staff_name=user.first_name,
            interview_at=iso(slot.start),
            interview_place=slot.place or staff_views.default_place(svc.dialogs),
            interview_kind=slot.kind,
        )
    except SlotTaken:
        await query.answer(
            _("Ce créneau n'est plus possible (complet, annulé ou passé). Choisissez-en un autre."),
            show_alert=True,
        )
        await _edit_markup(
            message, staff_views.slots_keyboard(application, review, open_slots(svc))
        )
        return
    if not decided:
        await _answer_stale(context, svc, query, message, application.id)
        return
    await query.answer(_("C'est noté."))
    await after_decision(context, svc, message.chat_id, application.id)


def open_slots(svc: Services) -> list[staff_views.SlotChoice]:
    """Open interview and information slots, soonest first (none without the slots feature)."""
    finder = getattr(svc.store, "open_slots", None)
    if finder is None:
        return []
    now = svc.clock()
    found = [
        slot
        for kind in ("entretien", "information_collective")
        for slot in finder(now=now, kind=kind, limit=SLOTS_SHOWN)
    ]
    found.sort(key=lambda slot: (slot.start, slot.id))
    return [
        staff_views.SlotChoice(id=slot.id, start=slot.start, kind=slot.kind, left=slot.left)
        for slot in found[:SLOTS_SHOWN]
    ]


async def _decide(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery | None,
    message: Message,
    user: User,
    application: Application,
    version: int,
    action: str,
    **fields: Any,
) -> bool:
    """Record one decision (compare-and-set); tell the loser who decided."""
    new = states.target(action)
    decided = (
        new is not None
        and states.allowed(application.state, action)
        and svc.store.decide(
            application.id,
            expected=application.state,
            version=version,
            new=new,
            staff_id=user.id,
            staff_name=user.first_name,
            **fields,
        )
    )
    if not decided:
        await _answer_stale(context, svc, query, message, application.id)
        return False
    if query is not None:
        await query.answer(_("C'est noté."))
    await after_decision(context, svc, message.chat_id, application.id)
    return True


async def after_decision(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, chat_id: int, application_id: int
) -> None:
    """Cards updated, the candidate told (once), the referrer's hook called."""
    application = svc.store.application(application_id)
    review = svc.store.review(application_id)
    await staff_notice.refresh_cards(context, svc, application_id)
    texts = staff_views.decision_messages(
        svc.dialogs, staff_notice.staff_texts(svc), application, review
    )
    delivered = True
    for text in texts:
        try:
            await context.bot.send_message(application.user_id, text)
        except TelegramError as error:
            # Forbidden: the person blocked the bot. The decision stays recorded.
            log.info("decision not delivered to the candidate: %s", type(error).__name__)
            delivered = False
            break
    if not delivered:
        try:
            await context.bot.send_message(
                chat_id,
                _(
                    "⚠️ {reference} : la personne n'a pas reçu le message (elle a peut-être "
                    "bloqué le robot). La décision est enregistrée. Prévenez-la par "
                    "téléphone : {phone}."
                ).format(
                    reference=application.reference,
                    phone=display_phone(application.phone) if application.phone else "—",
                ),
            )
        except TelegramError as error:
            log.warning("staff not told of an undelivered decision: %s", type(error).__name__)
    try:
        await referral.notify_decision(context, svc, application)
    except TelegramError as error:
        log.warning("referrer not told: %s", type(error).__name__)


# --- typed input: a note, a refusal note, an interview date --------------------------------


async def _ask(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    message: Message,
    user: User,
    kind: str,
    application: Application,
    version: int,
    **extra: Any,
) -> None:
    prompts = {
        "staff_note": _("📝 Écrivez la note pour {reference}, puis envoyez."),
        "staff_refusal": _(
            "❌ Écrivez la note du refus pour {reference} (elle reste dans l'équipe)."
        ),
        "staff_date": _(
            "📅 Écrivez la date et l'heure du rendez-vous pour {reference}. Par exemple : "
            "12/03/2031 14:30. Vous pouvez ajouter le lieu après une virgule : "
            "12/03/2031 14:30, salle B (sinon : l'adresse de la structure)."
        ),
    }
    expect(
        context,
        user.id,
        kind,
        {"application_id": application.id, "version": version, **extra},
    )
    text = (
        prompts[kind].format(reference=application.reference) + "\n" + _("/annuler pour annuler.")
    )
    if message.chat.type == "private":
        await message.reply_text(text)
    else:
        # In a group, the bot reads only replies to it: ask for one, from this person only.
        mention = user.first_name
        await message.reply_text(
            f"{mention}, {text}",
            reply_markup=ForceReply(selective=True, input_field_placeholder=_("Votre réponse")),
        )


def _typed(update: Update) -> tuple[Message, User, str] | None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return None
    return message, user, message.text.strip()


async def _too_long(message: Message, text: str) -> bool:
    if not text:
        await message.reply_text(_("Le message est vide. Écrivez quelques mots, ou /annuler."))
        return True
    if len(text) > staff_views.MAX_NOTE:
        await message.reply_text(
            _(
                "C'est trop long ({length} caractères, {limit} au plus). Écrivez plus court, "
                "ou /annuler."
            ).format(length=len(text), limit=staff_views.MAX_NOTE)
        )
        return True
    return False


def _pending_application(svc: Services, payload: dict[str, Any]) -> Application | None:
    try:
        return svc.store.application(int(payload["application_id"]))
    except (NotFoundError, KeyError, TypeError, ValueError):
        return None


@on_input("staff_note")
async def typed_note(
    update: Update, context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any]
) -> None:
    """The note a staff member typed: an audit entry, shown on the card."""
    svc = services(context)
    typed = _typed(update)
    if typed is None:
        return
    message, user, text = typed
    if await _too_long(message, text):
        return
    done(context, user.id)
    application = _pending_application(svc, payload)
    if application is None:
        await message.reply_text(_("Cette candidature n'existe plus."))
        return
    svc.store.add_note(application.id, staff_id=user.id, staff_name=user.first_name, text=text)
    await message.reply_text(
        _("📝 Note ajoutée à {reference}.").format(reference=application.reference)
    )
    await staff_notice.refresh_cards(context, svc, application.id)


@on_input("staff_refusal")
async def typed_refusal(
    update: Update, context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any]
) -> None:
    """The note of a refusal "autre": then the refusal is recorded."""
    svc = services(context)
    typed = _typed(update)
    if typed is None:
        return
    message, user, text = typed
    if await _too_long(message, text):
        return
    done(context, user.id)
    application = _pending_application(svc, payload)
    if application is None:
        await message.reply_text(_("Cette candidature n'existe plus."))
        return
    if await _decide(
        context,
        svc,
        None,
        message,
        user,
        application,
        int(payload.get("version", -1)),
        states.REFUSE,
        reason=str(payload.get("reason", "autre")),
        note=text,
    ):
        await message.reply_text(
            _("❌ Refus enregistré pour {reference}.").format(reference=application.reference)
        )


@on_input("staff_date")
async def typed_date(
    update: Update, context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any]
) -> None:
    """A date typed for an interview outside the slots: "12/03/2031 14:30[, lieu]"."""
    svc = services(context)
    typed = _typed(update)
    if typed is None:
        return
    message, user, text = typed
    try:
        moment = parse_moment(text[:300], now=svc.clock(), timezone=svc.settings.timezone)
    except MomentError as error:
        problems = {
            "format": _(
                "Je n'ai pas compris la date. Écrivez par exemple : 12/03/2031 14:30. Ou /annuler."
            ),
            "past": _("Cette date est passée. Écrivez une date à venir, ou /annuler."),
            "place": _("Le lieu est trop long (200 caractères au plus). Ou /annuler."),
        }
        await message.reply_text(problems.get(str(error), problems["format"]))
        return
    done(context, user.id)
    application = _pending_application(svc, payload)
    if application is None:
        await message.reply_text(_("Cette candidature n'existe plus."))
        return
    if await _decide(
        context,
        svc,
        None,
        message,
        user,
        application,
        int(payload.get("version", -1)),
        states.CONVENE,
        interview_at=iso(moment.start),
        interview_place=moment.place or staff_views.default_place(svc.dialogs),
        interview_kind="entretien",
    ):
        await message.reply_text(
            _("📅 Rendez-vous enregistré pour {reference} : {moment}.").format(
                reference=application.reference, moment=format_moment(moment.start)
            )
        )


# --- the queue ---------------------------------------------------------------------------------


def parse_queue_args(svc: Services, args: list[str]) -> QueueFilter:
    """`/file nouvelle bois probable CODE`: states, a workshop, a verdict, a referrer code."""
    chosen: list[str] = []
    workshop = verdict = source = None
    for token in args[:6]:
        word = token.strip()[:64]
        lowered = word.lower()
        if lowered in states.FILED_STATES:
            chosen.append(lowered)
        elif svc.dialogs.workshop(lowered) is not None:
            workshop = lowered
        elif lowered in states.VERDICTS:
            verdict = lowered
        elif word:
            source = word
    return QueueFilter(
        states=tuple(dict.fromkeys(chosen)), workshop=workshop, verdict=verdict, source=source
    )


def _page(svc: Services, filters: QueueFilter, number: int) -> staff_views.QueuePage:
    items, total = svc.store.staff_queue(
        filters, offset=(number - 1) * staff_views.PAGE_SIZE, limit=staff_views.PAGE_SIZE
    )
    pages = max(1, -(-total // staff_views.PAGE_SIZE))
    if number > pages:
        return _page(svc, filters, pages)
    return staff_views.QueuePage(items=items, total=total, page=number, filters=filters)


def _referrer_name(svc: Services, source: str | None) -> str | None:
    if not source:
        return None
    return referral.referrer_name(svc, source) or source


async def queue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/file [filters]: the queue, oldest first, with pages and filters."""
    svc = services(context)
    message = update.effective_message
    if message is None:
        return
    filters_ = parse_queue_args(svc, list(context.args or []))
    page = _page(svc, filters_, 1)
    sent = await message.reply_text(
        staff_views.queue_text(svc.dialogs, page, _referrer_name(svc, filters_.source)),
        reply_markup=staff_views.queue_keyboard(page),
    )
    svc.store.save_queue(sent.chat_id, sent.message_id, replace(filters_, extra={"page": 1}))


async def on_queue_button(
    query: CallbackQuery, svc: Services, message: Message, action: str
) -> None:
    stored = svc.store.saved_queue(message.chat_id, message.message_id) or QueueFilter()
    extra = dict(stored.extra)
    number = int(extra.get("page", 1)) if str(extra.get("page", 1)).isdigit() else 1
    filters_ = stored
    choices = {
        "fs": ("s", [(staff_views.state_label(s), s) for s in states.FILED_STATES]),
        "fw": ("w", [(_(w.label), w.id) for w in svc.dialogs.workshops]),
        "fv": ("v", [(staff_views.verdict_label(v), v) for v in states.VERDICTS]),
    }
    if action in choices:
        kind, options = choices[action]
        await query.answer()
        await _edit_markup(message, staff_views.filter_keyboard(kind, options))
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
        await _edit_markup(message, staff_views.filter_keyboard("r", options))
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
    text = staff_views.queue_text(svc.dialogs, page, _referrer_name(svc, filters_.source))
    markup = staff_views.queue_keyboard(page)
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramError as error:
        log.info("queue page not edited: %s", type(error).__name__)
    kept = {k: v for k, v in extra.items() if k == "sources"}
    svc.store.save_queue(
        message.chat_id, message.message_id, replace(filters_, extra={**kept, "page": page.page})
    )


def _set_filter(
    svc: Services, stored: QueueFilter, extra: dict[str, Any], kind: str, value: str
) -> QueueFilter | None:
    """The filters after one choice, or None when the choice is not a valid one."""
    everything = value == "*"
    if kind == "s" and (everything or value in states.FILED_STATES):
        return replace(stored, states=() if everything else (value,))
    if kind == "w" and (everything or svc.dialogs.workshop(value) is not None):
        return replace(stored, workshop=None if everything else value)
    if kind == "v" and (everything or value in states.VERDICTS):
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
            _("Écrivez le numéro après /dossier. Par exemple : /dossier IS-2026-0001")
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


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cherche NOM: applications whose name contains the words typed."""
    svc = services(context)
    message = update.effective_message
    if message is None:
        return
    text = " ".join(context.args or [])[:QUERY_LIMIT].strip()
    if not text:
        await message.reply_text(_("Écrivez un nom après /cherche. Par exemple : /cherche Diallo"))
        return
    found = svc.store.search_applications(text, limit=10)
    if not found:
        await message.reply_text(
            _("Aucune candidature ne correspond à « {text} ».").format(text=text)
        )
        return
    lines = [_("🔎 {count} résultat(s) pour « {text} » :").format(count=len(found), text=text)]
    lines += [f"• {staff_views.item_line(a)}" for a in found]
    await message.reply_text(
        "\n".join(lines),
        reply_markup=InlineKeyboardMarkup([[staff_views.item_button(a)] for a in found]),
    )


# --- export and figures -------------------------------------------------------------------------


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export [csv]: every application in a file that opens in French Excel."""
    svc = services(context)
    message = update.effective_message
    if message is None:
        return
    fmt = "csv" if context.args and context.args[0].lower().strip() == "csv" else "xlsx"
    # Seconds at tens of thousands of rows: read and rendered in a thread, on a read-only
    # connection of its own, so that candidates are not kept waiting meanwhile.
    data, count = await asyncio.to_thread(_export_file, svc, fmt)
    filename = export.filename(svc.clock(), fmt)
    try:
        await message.reply_document(
            InputFile(io.BytesIO(data), filename=filename),
            caption=_("{count} candidature(s).").format(count=count),
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


# --- help, registration, command menus ---------------------------------------------------------


def staff_help_text() -> str:
    lines = [_("Les commandes de l'équipe :")]
    lines += [f"/{command.command} : {command.description}" for command in staff_menu()]
    lines.append(_("/annuler : annuler une note ou une date en cours"))
    return "\n".join(lines)


async def staff_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/aide for staff: their commands."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(staff_help_text())


def register(application: TelegramApp) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers (called by bot.app before the candidate's catch-alls)."""
    svc = services(application)
    staff_notice.staff_texts(svc)  # a broken staff.toml stops the start with a clear line
    new = filters.UpdateType.MESSAGE
    for name, callback in (
        ("file", queue),
        ("dossier", open_file),
        ("cherche", search),
        ("export", export_command),
        ("stats", stats_command),
    ):
        application.add_handler(CommandHandler(name, staff_command(callback), filters=new))
    if svc.settings.staff_ids:
        where = filters.ChatType.PRIVATE
        if svc.settings.staff_chat_id is not None:
            where = where | filters.Chat(chat_id=svc.settings.staff_chat_id)
        application.add_handler(
            CommandHandler(
                ["aide", "help"],
                staff_help,
                filters=new & where & filters.User(user_id=sorted(svc.settings.staff_ids)),
            )
        )
    application.add_handler(CallbackQueryHandler(staff_button, pattern=rf"^{callbacks.STAFF}:"))


def staff_menu() -> list[BotCommand]:
    """The staff's command menu: ours, then other features' `STAFF_COMMANDS`."""
    from bot.handlers import referrers, slots

    entries = list(STAFF_COMMANDS)
    for module in (slots, referrers):
        entries += list(getattr(module, "STAFF_COMMANDS", ()))
    seen: dict[str, str] = {}
    for name, description in entries:
        seen.setdefault(name, description)
    return [BotCommand(name, _(description)) for name, description in seen.items()]


async def on_start(application: TelegramApp) -> None:  # type: ignore[type-arg]
    """At every start: the staff command menu, for each staff member's chat and the staff
    group only (per-chat scopes); best effort, a chat never seen is skipped."""
    svc = services(application)
    commands = staff_menu()
    chats = sorted(svc.settings.staff_ids)
    if svc.settings.staff_chat_id is not None:
        chats.append(svc.settings.staff_chat_id)
    for chat_id in chats:
        try:
            await application.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
        except TelegramError as error:
            log.info("staff command menu not set for a chat: %s", type(error).__name__)
