"""The candidate's own rights after (or during) the journey: /statut, /retirer, /mesdonnees,
/supprimer, /recommencer. Anything that destroys asks for a confirmation first."""

from __future__ import annotations

import json
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core import callbacks, states
from bot.core.i18n import _
from bot.core.states import State
from bot.journey import handlers as candidate
from bot.journey import personal_data
from bot.maintenance import redactions
from bot.services import services
from bot.slots import offers as slot_offers
from bot.staff import notice as staff_notice

log = logging.getLogger(__name__)


def _confirm_keyboard(subject: str, yes: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(yes, callback_data=callbacks.confirm(subject, "yes"))],
            [
                InlineKeyboardButton(
                    _("Non, je garde tout"), callback_data=callbacks.confirm(subject, "no")
                )
            ],
        ]
    )


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/statut: where the application stands, in plain words."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    applications = svc.store.applications_of(user.id)
    if not applications:
        await message.reply_text(
            _("Vous n'avez pas de candidature. Touchez /start pour commencer.")
        )
        return
    latest = applications[-1]
    text = _(svc.dialogs.states[latest.state]).format(reference=latest.reference or "")
    rendez_vous = (
        slot_offers.rendez_vous_text(svc, latest.id) if latest.state in states.FILED_ALIVE else None
    )
    await message.reply_text(f"{text}\n\n{rendez_vous}" if rendez_vous else text)


async def withdraw(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/retirer: withdraw a filed application, after a confirmation."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    application = svc.store.active_application(user.id)
    if application is None or application.state in states.FINAL:
        await message.reply_text(_("Vous n'avez pas de candidature à retirer."))
        return
    if application.state == State.DRAFT:
        await message.reply_text(
            _("Votre candidature n'est pas encore envoyée. Pour tout effacer : /supprimer.")
        )
        return
    await message.reply_text(
        _("Voulez-vous vraiment retirer votre candidature {reference} ?").format(
            reference=application.reference
        ),
        reply_markup=_confirm_keyboard("withdraw", _("Oui, je la retire")),
    )


async def erase(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/supprimer: erase everything about the person, after a confirmation."""
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        _(
            "Voulez-vous effacer toutes vos données ? Votre candidature sera aussi effacée. "
            "On ne pourra pas les retrouver."
        ),
        reply_markup=_confirm_keyboard("erase", _("Oui, tout effacer")),
    )


async def restart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/recommencer: start the journey over, after a confirmation."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    application = svc.store.active_application(user.id)
    if application is not None and application.state != State.DRAFT:
        await message.reply_text(
            _(
                "Votre candidature est déjà envoyée. Pour en faire une autre, retirez-la d'abord "
                "avec /retirer."
            )
        )
        return
    await message.reply_text(
        _("Voulez-vous tout reprendre depuis le début ? Vos réponses seront effacées."),
        reply_markup=_confirm_keyboard("restart", _("Oui, recommencer")),
    )


async def my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mesdonnees: everything kept about the person, as a file (or as text if files fail)."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    data = svc.store.export_user(user.id)
    if data["utilisateur"] is None and not data["candidatures"]:
        await message.reply_text(_("Nous ne gardons aucune donnée sur vous."))
        return
    for application in data["candidatures"]:
        application["rendez_vous"] = svc.store.booking_history(application["id"])
    readable = personal_data.document(svc.dialogs, data, svc.store.referrer_names())
    content = json.dumps(readable, ensure_ascii=False, indent=2)
    await message.reply_text(_("Voici tout ce que nous gardons sur vous."))
    try:
        await message.reply_document(
            InputFile(content.encode(), filename="mes-donnees-tremplin.json"),
            caption=_("Vos données"),
        )
    except TelegramError as error:
        # Some Bot API servers refuse documents: the text is the same information.
        log.warning("document refused, sending text instead: %s", type(error).__name__)
        for start in range(0, len(content), 4000):
            await message.reply_text(content[start : start + 4000])


async def on_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The answer to a confirmation (withdraw, erase, restart)."""
    svc = services(context)
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    data = callbacks.parse(query.data)
    if data is None or data.subject not in ("withdraw", "erase", "restart"):
        await query.answer(_("Ce bouton n'est plus valable."))
        return
    await query.answer()
    if data.action != "yes":
        await _edit(query.message, _("D'accord, rien n'est changé."))
        return
    if data.subject == "erase":
        svc.store.erase_user(user.id)
        await _edit(
            query.message,
            _(
                "C'est fait. Toutes vos données sont effacées. "
                "Nos copies de sécurité les gardent encore {months} mois au plus."
            ).format(months=max(svc.settings.backup_monthly, 1)),
        )
        # Every staff and referrer message that showed the person loses it too.
        await redactions.redact_owed(context, svc)
        return
    if data.subject == "withdraw":
        application = svc.store.active_application(user.id)
        if application is None or application.state in (*states.FINAL, State.DRAFT):
            await _edit(query.message, _("Il n'y a plus de candidature à retirer."))
            return
        if svc.store.change_state(
            application.id, expected=application.state, new=State.CANCELLED, actor="candidate"
        ):
            await _edit(
                query.message,
                _(
                    "C'est fait. Votre candidature est retirée. Vous pouvez revenir quand vous "
                    "voulez avec /start."
                ),
            )
            await staff_notice.withdrawn(context, svc, application)
        return
    # restart
    application = svc.store.active_application(user.id)
    if application is not None and application.state != State.DRAFT:
        await _edit(query.message, _("Votre candidature est déjà envoyée."))
        return
    previous = svc.store.conversation(user.id)
    svc.store.abandon_draft(user.id, action="restarted")
    await _edit(query.message, _("D'accord, on recommence."))
    if isinstance(query.message, Message):
        await candidate.begin(query.message, svc, user.id, previous.source if previous else None)


async def _edit(message: object, text: str) -> None:
    if isinstance(message, Message):
        try:
            await message.edit_text(text)
        except TelegramError:
            await message.reply_text(text)
