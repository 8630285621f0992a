"""Referrers (issue #6): /orienteurs for staff, /mescandidats for referrers, linking links.

Staff list the referrers, add one through a short dialogue (name, kind, contact), send its
link and QR code, make a one-time linking link, delete one. A referrer who opened a linking
link sees, with /mescandidats, the candidates they sent who agreed to it — nothing else.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.core import callbacks, mentions, typed_input
from bot.core.access import OWN_PRIVATE, neutral_button_answer, neutral_command_answer, staff_only
from bot.core.application_store import CandidateApplication
from bot.core.i18n import N_, _, format_day
from bot.core.services import Services, services
from bot.core.states import State
from bot.core.telegram_bot import edit_or_reply
from bot.referrers import followup_views, referral
from bot.referrers.forms import NEW_REFERRER
from bot.referrers.links import send_link_and_qr, send_linking_link
from bot.referrers.rules import link_token, short_name
from bot.referrers.store import Followup
from bot.referrers.views import (
    ADD,
    CONTACT,
    DELETE,
    DELETE_YES,
    KIND,
    LINK,
    LIST,
    NEW,
    QR,
    SHOW,
    R,
    button,
    card_view,
    chunks,
    list_view,
)

log = logging.getLogger(__name__)

# Added to the staff's command menu by bot.staff.handlers.
STAFF_COMMANDS = (("orienteurs", N_("Orienteurs : liens, QR codes, suivi")),)
REFERRER_COMMANDS = (
    ("mescandidats", N_("Les personnes que j'ai envoyées")),
    ("aide", N_("Ce que le robot sait faire")),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers (called by bot.app before the candidate's catch-alls)."""
    private = OWN_PRIVATE & filters.UpdateType.MESSAGE
    # Before the candidate's /start: only a well-formed linking payload comes here.
    linking = filters.Regex(r"^/start(@\w+)?\s+lien-[A-Za-z0-9_-]{1,59}\s*$")
    application.add_handler(CommandHandler("start", link_account, filters=private & linking))
    application.add_handler(CommandHandler("orienteurs", staff_only(show_list), filters=private))
    application.add_handler(CommandHandler("mescandidats", my_candidates, filters=private))
    # A linked referrer's /aide: their commands (before the candidate's /aide).
    referrer = _LinkedReferrer(services(application))
    application.add_handler(
        CommandHandler(["aide", "help"], referrer_help, filters=private & referrer)
    )
    application.add_handler(CallbackQueryHandler(staff_only(on_button), pattern=rf"^{R}:"))


async def on_start(application: Application) -> None:  # type: ignore[type-arg]
    """At every start: the command menu of each linked referrer."""
    svc = services(application)
    for referrer in svc.store.linked_referrers():
        if referrer.telegram_user_id is not None:
            await _set_menu(application.bot, svc, referrer.telegram_user_id)


# --- small pieces ---------------------------------------------------------------------------


class _LinkedReferrer(filters.UpdateFilter):
    """The sender's Telegram account is tied to a referrer (staff keep their own /aide)."""

    def __init__(self, svc: Services) -> None:
        super().__init__(name="LINKED_REFERRER")
        self.svc = svc

    def filter(self, update: Update) -> bool:
        user = update.effective_user
        if user is None or self.svc.settings.is_staff(user.id):
            return False
        return self.svc.store.referrer_of_user(user.id) is not None


def referrer_help_text(name: str) -> str:
    """A referrer's /aide: their commands only (the same as their command menu)."""
    lines = [_("Vous suivez les candidats de {name}. Vos commandes :").format(name=name)]
    lines += [f"/{command} : {_(text)}" for command, text in REFERRER_COMMANDS]
    lines.append(_("Vous êtes prévenu quand l'équipe prend une décision."))
    return "\n".join(lines)


def _actor(update: Update) -> str:
    user = update.effective_user
    return f"staff:{user.id}" if user is not None else "staff"


async def _set_menu(bot: Any, svc: Services, chat_id: int) -> None:
    """The referrer's command menu (staff keep theirs); best effort."""
    if svc.settings.is_staff(chat_id):
        return
    try:
        await bot.set_my_commands(
            [BotCommand(name, _(text)) for name, text in REFERRER_COMMANDS],
            scope=BotCommandScopeChat(chat_id),
        )
    except TelegramError as error:
        log.warning("referrer menu not set: %s", type(error).__name__)


async def _clear_menu(bot: Any, svc: Services, chat_id: int) -> None:
    if svc.settings.is_staff(chat_id):
        return
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError as error:
        log.warning("referrer menu not removed: %s", type(error).__name__)


async def show_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/orienteurs: every referrer with what became of the people it sent."""
    if update.effective_message is None:
        return
    text, markup = list_view(services(context))
    await update.effective_message.reply_text(text, reply_markup=markup)


# --- staff: buttons ---------------------------------------------------------------------


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every `r:` button (staff only: others get the neutral answer from `staff_only`)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    svc = services(context)
    data = callbacks.parse(query.data)
    if data is None:
        await query.answer(neutral_button_answer())
        return
    subject, action = data.subject, data.action
    if subject == LIST and action == SHOW:
        await query.answer()
        await edit_or_reply(query, *list_view(svc))
    elif subject == ADD and action == NEW:
        await query.answer()
        shown = query.message if isinstance(query.message, Message) else None
        await typed_input.start(context, shown, user, NEW_REFERRER)
    elif subject in (ADD, KIND, CONTACT):
        await typed_input.tap(update, context, NEW_REFERRER, subject, action)
    elif subject.isdigit():
        await on_referrer_button(update, context, svc, int(subject), action)
    else:
        await query.answer(neutral_button_answer())


async def on_referrer_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, referrer_id: int, action: str
) -> None:
    query = update.callback_query
    assert query is not None
    referrer = svc.store.referrer(referrer_id)
    if referrer is None or action not in (SHOW, QR, LINK, DELETE, DELETE_YES):
        await query.answer(neutral_button_answer())
        return
    if not referrer.active:
        await query.answer(_("Cet orienteur a été supprimé."))
        return
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    if action == SHOW:
        await query.answer()
        await edit_or_reply(query, *card_view(svc, context, referrer))
    elif action == QR:
        await query.answer()
        await send_link_and_qr(context, svc, chat_id, referrer)
    elif action == LINK:
        await query.answer()
        await send_linking_link(context, svc, chat_id, referrer, _actor(update))
    elif action == DELETE:
        await query.answer()
        text = _(
            "Supprimer {name} ?\nSon lien et son QR code ne compteront plus : les personnes "
            "arriveront sans orienteur. Son compte Telegram ne sera plus relié. Les candidatures "
            "déjà envoyées gardent leur orienteur."
        ).format(name=referrer.name)
        markup = InlineKeyboardMarkup(
            [
                [button(_("Oui, supprimer"), referrer.id, DELETE_YES)],
                [button(_("Non"), referrer.id, SHOW)],
            ]
        )
        await edit_or_reply(query, text, markup)
    else:
        linked = referrer.telegram_user_id
        if not svc.store.delete_referrer(referrer.id, actor=_actor(update)):
            await query.answer(_("Cet orienteur a été supprimé."))
            return
        await query.answer()
        await edit_or_reply(
            query,
            _("🗑 {name} est supprimé.").format(name=referrer.name),
            InlineKeyboardMarkup([[button(_("◀️ Tous les orienteurs"), LIST, SHOW)]]),
        )
        if linked is not None:
            await _clear_menu(context.bot, svc, linked)


# --- referrers: linking and /mescandidats ---------------------------------------------------


async def link_account(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start lien-<token>: tie this Telegram account to the referrer (one time)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc = services(context)
    token = link_token(context.args[0] if context.args else None)
    referrer = svc.store.use_referrer_link(token, user.id) if token else None
    if referrer is None:
        current = svc.store.referrer_of_user(user.id)
        if current is not None:
            await message.reply_text(
                _(
                    "Votre compte est relié à {name}. Tapez /mescandidats pour voir les "
                    "personnes que vous avez envoyées."
                ).format(name=current.name)
            )
            return
        await message.reply_text(
            _(
                "Ce lien ne marche plus : il a déjà servi, ou il est trop vieux. Demandez un "
                "nouveau lien à l'équipe ({structure})."
            )
        )
        return
    await message.reply_text(
        _(
            "C'est fait : votre compte Telegram est relié à {name}.\n"
            "Tapez /mescandidats pour voir les personnes que vous avez envoyées et qui sont "
            "d'accord. Vous êtes prévenu quand l'équipe prend une décision."
        ).format(name=referrer.name)
    )
    await _set_menu(context.bot, svc, user.id)


async def referrer_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/aide for a linked referrer: /mescandidats and /aide, not the candidate's commands."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    referrer = services(context).store.referrer_of_user(user.id)
    if referrer is not None:
        await message.reply_text(referrer_help_text(referrer.name))


def _followed_state(
    svc: Services, application: CandidateApplication, followup: Followup | None
) -> str:
    """The state, its day, and a refusal's reason when the candidate agreed to share it."""
    words = followup_views.decided_words(application, followup)
    if application.state != State.REFUSED or followup is None:
        return words
    refusal = referral.catalog(svc).refusal(followup.reason)
    if refusal is None:
        return words
    return _("{state}. Motif : {reason}").format(state=words, reason=refusal.wording)


async def my_candidates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mescandidats: a linked referrer's consenting candidates, each state in plain words.
    Anyone else gets the answer of an unknown command."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc = services(context)
    referrer = svc.store.referrer_of_user(user.id)
    if referrer is None:
        await message.reply_text(neutral_command_answer())
        return
    applications = svc.store.followed_applications(referrer.code)
    if not applications:
        await message.reply_text(
            _(
                "{name} : pas encore de candidature à suivre. Vous voyez ici les personnes "
                "envoyées par votre lien qui ont dit oui au suivi."
            ).format(name=referrer.name)
        )
        return
    heading = _("Vos candidats ({name}) : {count}").format(
        name=referrer.name, count=len(applications)
    )
    followups = svc.store.followups([application.id for application in applications])
    lines = [
        _("• {person}, candidature du {day} : {state}").format(
            person=short_name(application.first_name, application.last_name),
            day=format_day(datetime.fromisoformat(application.filed_at))
            if application.filed_at
            else "—",
            state=_followed_state(svc, application, followups.get(application.id)),
        )
        for application in applications
    ]
    if any(application.state == State.REFUSED for application in applications):
        lines += [
            "",
            _(
                "Pour une candidature non retenue, vous pouvez proposer une autre structure "
                "à la personne."
            ),
            followup_views.team_contact(svc),
        ]
    shown = [application.id for application in applications]
    for text in chunks(heading, lines):
        sent = await message.reply_text(text)
        # Each part counts as showing the whole list: erasing one person redacts them all
        # (a new /mescandidats shows the others again).
        svc.store.shown(sent.chat_id, sent.message_id, shown, mentions.LIST)
