"""Staff cards and decisions: show a card, decide in two taps (a compare-and-set), typed
notes, refusal notes and interview dates."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import (
    CallbackQuery,
    ForceReply,
    Message,
    MessageEntity,
    Update,
    User,
)
from telegram.error import TelegramError
from telegram.ext import (
    ContextTypes,
)

from bot.access import neutral_button_answer
from bot.core.i18n import _, format_moment
from bot.core.store import NotFoundError, iso
from bot.journey.store import CandidateApplication
from bot.outbox import handlers as outbox
from bot.services import Services, services
from bot.staff import notice as staff_notice
from bot.staff import rules as lifecycle
from bot.staff import views as staff_views
from bot.staff.rules import MomentError, parse_moment
from bot.staff.store import SlotTaken
from bot.staff.typed_input import done, expect, on_input

log = logging.getLogger(__name__)

SLOTS_SHOWN = 8
INTERVIEW_KIND = "entretien"  # the slots "Convoquer à un entretien" offers


# --- the card and its decisions ---------------------------------------------------------------


async def show_card(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    chat_id: int,
    application: CandidateApplication,
    user: User,
) -> None:
    """Open a card in this chat; a new application becomes "à l'étude par <name>"."""
    claimed = lifecycle.claimable(application.state) and svc.store.claim(
        application.id, staff_id=user.id, staff_name=user.first_name
    )
    if claimed:
        application = svc.store.application(application.id)
    await staff_notice.send_card(context, svc, chat_id, application)
    if claimed:
        await staff_notice.refresh_cards(context, svc, application.id)


def stale_text(application: CandidateApplication, svc: Services) -> str:
    """Why a button no longer applies: who decided, and when."""
    review = svc.store.review(application.id)
    if application.state == lifecycle.CANCELLED:
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


async def edit_markup(message: Message, markup: Any) -> None:
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
    application: CandidateApplication,
    version: int,
    action: str,
) -> None:
    base, _dot, detail = action.partition(".")
    if base not in (*lifecycle.TARGET, lifecycle.NOTE, "card"):
        await query.answer(neutral_button_answer())
        return
    svc.store.remember_card(application.id, message.chat_id, message.message_id)
    review = svc.store.review(application.id)
    if base == "card" and version == review.version:
        await query.answer()
        await staff_notice.refresh_cards(context, svc, application.id)
        await edit_markup(message, staff_views.card_keyboard(application, review))
        return
    if version != review.version or not lifecycle.allowed(application.state, base):
        await _answer_stale(context, svc, query, message, application.id)
        return
    # Touching a new application's card opens it: "à l'étude par <name>".
    if lifecycle.claimable(application.state) and svc.store.claim(
        application.id, staff_id=user.id, staff_name=user.first_name
    ):
        application = svc.store.application(application.id)
        await staff_notice.refresh_cards(context, svc, application.id)
    staff = staff_notice.staff_texts(svc)
    if base == lifecycle.NOTE:
        await query.answer()
        await _ask(context, svc, message, user, "staff_note", application, version)
        return
    if base == lifecycle.ACCEPT or base == lifecycle.WAIT:
        if detail != "y":
            blocking = (
                staff_views.blocking(svc.dialogs, application) if base == lifecycle.ACCEPT else []
            )
            if blocking:
                await query.answer(
                    _("Attention : {why}. Vérifiez avant d'accepter.").format(
                        why=" ; ".join(line.lstrip("⛔ ") for line in blocking)
                    ),
                    show_alert=True,
                )
            else:
                await query.answer()
            markup = staff_views.confirm_keyboard(application, review, base, despite=bool(blocking))
            await edit_markup(message, markup)
            return
        await _decide(context, svc, query, message, user, application, version, base)
        return
    if base == lifecycle.REFUSE:
        if not detail:
            await query.answer()
            await edit_markup(message, staff_views.reasons_keyboard(staff, application, review))
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
    if base == lifecycle.CONVENE:
        await _convene(context, svc, query, message, user, application, version, detail)
        return
    await query.answer(neutral_button_answer())


async def _convene(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery,
    message: Message,
    user: User,
    application: CandidateApplication,
    version: int,
    detail: str,
) -> None:
    review = svc.store.review(application.id)
    if not detail:
        await query.answer()
        await edit_markup(message, staff_views.slots_keyboard(application, review, open_slots(svc)))
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
    if slot.kind != INTERVIEW_KIND:  # only interviews are offered: a forged button
        await query.answer(neutral_button_answer())
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
            warn_chat=message.chat_id,
        )
    except SlotTaken:
        await query.answer(
            _("Ce créneau n'est plus possible (complet, annulé ou passé). Choisissez-en un autre."),
            show_alert=True,
        )
        await edit_markup(message, staff_views.slots_keyboard(application, review, open_slots(svc)))
        return
    if not decided:
        await _answer_stale(context, svc, query, message, application.id)
        return
    await query.answer(_("C'est noté."))
    await _deliver_decision(context, svc, application.id)


def open_slots(svc: Services) -> list[staff_views.SlotChoice]:
    """Open interview slots, soonest first (none without the slots feature). Information
    sessions are the candidates' own choice, in the journey and with /rdv."""
    finder = getattr(svc.store, "open_slots", None)
    if finder is None:
        return []
    found = finder(now=svc.clock(), kind=INTERVIEW_KIND, limit=SLOTS_SHOWN)
    return [
        staff_views.SlotChoice(id=slot.id, start=slot.start, kind=slot.kind, left=slot.left)
        for slot in found
    ]


async def _decide(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery | None,
    message: Message,
    user: User,
    application: CandidateApplication,
    version: int,
    action: str,
    **fields: Any,
) -> bool:
    """Record one decision (compare-and-set); tell the loser who decided."""
    new = lifecycle.target(action)
    decided = (
        new is not None
        and lifecycle.allowed(application.state, action)
        and svc.store.decide(
            application.id,
            expected=application.state,
            version=version,
            new=new,
            staff_id=user.id,
            staff_name=user.first_name,
            warn_chat=message.chat_id,
            **fields,
        )
    )
    if not decided:
        await _answer_stale(context, svc, query, message, application.id)
        return False
    if query is not None:
        await query.answer(_("C'est noté."))
    await _deliver_decision(context, svc, application.id)
    return True


async def _deliver_decision(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application_id: int
) -> None:
    """What the decision owes (committed with it), now: see handlers/outbox.py."""
    await outbox.deliver(context, svc, application_id)


# --- typed input: a note, a refusal note, an interview date --------------------------------


async def _ask(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    message: Message,
    user: User,
    kind: str,
    application: CandidateApplication,
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
    text = (
        prompts[kind].format(reference=application.reference) + "\n" + _("/annuler pour annuler.")
    )
    if message.chat.type == "private":
        prompt = await message.reply_text(text)
    else:
        # In a group, the bot reads only replies to it: ask for one from this person only.
        # `selective` targets the people mentioned: a real mention of the staff member (the
        # card the prompt replies to is the bot's own, so a reply alone targets nobody).
        mention = user.first_name
        prompt = await message.reply_text(
            f"{mention}, {text}",
            entities=[
                MessageEntity(
                    MessageEntity.TEXT_MENTION, 0, len(mention.encode("utf-16-le")) // 2, user=user
                )
            ],
            reply_markup=ForceReply(selective=True, input_field_placeholder=_("Votre réponse")),
        )
    expect(
        context,
        user.id,
        kind,
        {"application_id": application.id, "version": version, **extra},
        prompt=prompt,
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


async def _close_input(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    message: Message,
    user: User,
    payload: dict[str, Any],
) -> CandidateApplication | None:
    """The typed input is taken: the application it is about, or a word if it is gone."""
    done(context, user.id)
    application = _pending_application(svc, payload)
    if application is None:
        await message.reply_text(_("Cette candidature n'existe plus."))
    return application


def _pending_application(svc: Services, payload: dict[str, Any]) -> CandidateApplication | None:
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
    application = await _close_input(context, svc, message, user, payload)
    if application is None:
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
    application = await _close_input(context, svc, message, user, payload)
    if application is None:
        return
    if await _decide(
        context,
        svc,
        None,
        message,
        user,
        application,
        int(payload.get("version", -1)),
        lifecycle.REFUSE,
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
    application = await _close_input(context, svc, message, user, payload)
    if application is None:
        return
    if await _decide(
        context,
        svc,
        None,
        message,
        user,
        application,
        int(payload.get("version", -1)),
        lifecycle.CONVENE,
        interview_at=iso(moment.start),
        interview_place=moment.place or staff_views.default_place(svc.dialogs),
        interview_kind="entretien",
    ):
        await message.reply_text(
            _("📅 Rendez-vous enregistré pour {reference} : {moment}.").format(
                reference=application.reference, moment=format_moment(moment.start)
            )
        )
