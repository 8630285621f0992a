"""The candidate's own rights after (or during) the journey: /statut, /retirer, /mesdonnees,
/supprimer, /recommencer. Anything that destroys asks for a confirmation first."""

from __future__ import annotations

import json
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core import callbacks, states
from bot.core.feature import sessions, staff_cards, sweep_owed
from bot.core.i18n import _
from bot.core.services import services
from bot.core.states import State
from bot.journey import handlers as candidate
from bot.journey import personal_data

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
    await message.reply_text(sessions().status_text(svc, user.id))


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
    """/mesdonnees: everything kept about the person, first as messages to read on a phone
    (in their language), then as a file for a computer or another service (portability)."""
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
        given = svc.store.review(application["id"])
        if given.interview_at and given.slot_id is None:  # a date the team typed
            application["rendez_vous"].append(
                {
                    "kind": given.interview_kind or "entretien",
                    "start": given.interview_at,
                    "place": given.interview_place,
                    "state": "given",
                }
            )
    referrers = svc.store.referrer_names()
    language = svc.store.language_of(user.id)
    for text in personal_data.messages(svc.dialogs, data, referrers, language):
        await message.reply_text(text)
    readable = personal_data.document(svc.dialogs, data, referrers)
    content = json.dumps(readable, ensure_ascii=False, indent=2)
    try:
        await message.reply_document(
            InputFile(content.encode(), filename="mes-donnees-tremplin.json"),
            caption=_(
                "Les mêmes données dans un fichier, pour un ordinateur ou pour les donner "
                "à un autre service."
            ),
        )
    except TelegramError as error:
        # Some Bot API servers refuse documents: the messages above said it all.
        log.warning("document refused, the messages are enough: %s", type(error).__name__)


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
        await sweep_owed(context, svc)
        return
    if data.subject == "withdraw":
        application = svc.store.active_application(user.id)
        if application is None or application.state in (*states.FINAL, State.DRAFT):
            await _edit(query.message, _("Il n'y a plus de candidature à retirer."))
            return
        held = sessions().held(svc, application.id)
        if svc.store.change_state(
            application.id, expected=application.state, new=State.CANCELLED, actor="candidate"
        ):
            # Its seat went with it (a trigger of the store): said in the same message.
            await _edit(
                query.message,
                "\n".join(
                    [
                        _("C'est fait. Votre candidature est retirée."),
                        *sessions().withdrawn_lines(svc, held),
                        _("Vous pouvez revenir quand vous voulez avec /start."),
                    ]
                ),
            )
            await staff_cards().withdrawn(context, svc, application)
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
