"""Referrers (issue #6): /orienteurs for staff, /mescandidats for referrers, linking links.

Staff list the referrers, add one through a short dialogue (name, kind, contact), send its
link and QR code, make a one-time linking link, delete one. A referrer who opened a linking
link sees, with /mescandidats, the candidates they sent who agreed to it — nothing else.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.access import OWN_PRIVATE, neutral_button_answer, neutral_command_answer, staff_only
from bot.core import callbacks, mentions
from bot.core.i18n import N_, _, format_day
from bot.referrers import qr, referral
from bot.referrers.rules import clean_contact, clean_name, deep_link, link_token, short_name
from bot.referrers.store import Referrer, ReferrerCounts
from bot.services import Services, services
from bot.staff.typed_input import done, expect, on_input

log = logging.getLogger(__name__)

LINK_VALID = timedelta(days=7)
MAX_LISTED = 40  # buttons in the list; `python -m bot referrers list` shows them all
MAX_MESSAGE = 3500  # under Telegram's 4096, with room for the heading
# Added to the staff's command menu by bot.staff.handlers.
STAFF_COMMANDS = (("orienteurs", N_("Orienteurs : liens, QR codes, suivi")),)
REFERRER_COMMANDS = (
    ("mescandidats", N_("Les personnes que j'ai envoyées")),
    ("aide", N_("Ce que le robot sait faire")),
)

# Typed-input kinds of the "add a referrer" dialogue (see staff_input).
ASK_NAME, ASK_KIND, ASK_CONTACT = "referrer_name", "referrer_kind", "referrer_contact"

R = callbacks.REFERRERS
LIST, ADD, KIND, CONTACT = "list", "add", "kind", "contact"
SHOW, QR, LINK, DELETE, DELETE_YES, NEW, CANCEL, SKIP = (
    "show",
    "qr",
    "link",
    "del",
    "delyes",
    "new",
    "cancel",
    "skip",
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers (called by bot.app before the candidate's catch-alls)."""
    private = OWN_PRIVATE & filters.UpdateType.MESSAGE
    # Before the candidate's /start: only a well-formed linking payload comes here.
    linking = filters.Regex(r"^/start(@\w+)?\s+lien-[A-Za-z0-9_-]{1,59}\s*$")
    application.add_handler(CommandHandler("start", link_account, filters=private & linking))
    application.add_handler(CommandHandler("orienteurs", staff_only(show_list), filters=private))
    application.add_handler(CommandHandler("mescandidats", my_candidates, filters=private))
    application.add_handler(CallbackQueryHandler(staff_only(on_button), pattern=rf"^{R}:"))


async def on_start(application: Application) -> None:  # type: ignore[type-arg]
    """At every start: the command menu of each linked referrer."""
    svc = services(application)
    for referrer in svc.store.linked_referrers():
        if referrer.telegram_user_id is not None:
            await _set_menu(application.bot, svc, referrer.telegram_user_id)


# --- small pieces ---------------------------------------------------------------------------


def bot_username(svc: Services, context: ContextTypes.DEFAULT_TYPE) -> str:
    return svc.settings.bot_username or context.bot.username


def referrer_link(svc: Services, context: ContextTypes.DEFAULT_TYPE, referrer: Referrer) -> str:
    return deep_link(bot_username(svc, context), referrer.code)


def _button(label: str, subject: str | int, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.make(R, str(subject), action))


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


async def _edit_or_send(query: Any, text: str, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return
        if isinstance(query.message, Message):
            await query.message.reply_text(text, reply_markup=markup)


def _chunks(heading: str, lines: list[str]) -> list[str]:
    """Messages under Telegram's limit: the heading, then as many lines as fit."""
    messages, current = [], heading
    for line in lines:
        if len(current) + 1 + len(line) > MAX_MESSAGE:
            messages.append(current)
            current = line
        else:
            current = f"{current}\n{line}"
    messages.append(current)
    return messages


# --- staff: the list and a referrer's card --------------------------------------------------


def list_view(svc: Services) -> tuple[str, InlineKeyboardMarkup]:
    referrers = svc.store.referrers()
    counts = svc.store.referrer_counts()
    kinds = referral.catalog(svc)
    rows = [
        [_button(r.name if len(r.name) <= 40 else r.name[:39] + "…", r.id, SHOW)]
        for r in referrers[:MAX_LISTED]
    ]
    rows.append([_button(_("➕ Ajouter un orienteur"), ADD, NEW)])
    if not referrers:
        text = _(
            "Aucun orienteur pour le moment. Ajoutez-en un : il reçoit un lien et un QR code "
            "à donner aux personnes qu'il envoie."
        )
        return text, InlineKeyboardMarkup(rows)
    lines = [_("🤝 Orienteurs : {count}").format(count=len(referrers))]
    size = len(lines[0])
    for shown, referrer in enumerate(referrers):
        count = counts.get(referrer.code, ReferrerCounts())
        line = _("• {name} ({kind}) : candidatures {sent}, suivies {followed}{linked}").format(
            name=referrer.name,
            kind=_(kinds.label(referrer.kind)),
            sent=count.sent,
            followed=count.followed,
            linked=_(", compte relié") if referrer.telegram_user_id else "",
        )
        size += len(line) + 1
        if shown >= MAX_LISTED or size > MAX_MESSAGE:
            lines.append(_("(La liste complète : python -m bot referrers list)"))
            break
        lines.append(line)
    lines += ["", _("Touchez un orienteur pour son lien, son QR code ou son lien de suivi.")]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def card_view(
    svc: Services, context: ContextTypes.DEFAULT_TYPE, referrer: Referrer
) -> tuple[str, InlineKeyboardMarkup]:
    count = svc.store.referrer_counts().get(referrer.code, ReferrerCounts())
    linked = (
        _("oui, depuis le {day}").format(day=format_day(datetime.fromisoformat(referrer.linked_at)))
        if referrer.telegram_user_id and referrer.linked_at
        else _("non")
    )
    lines = [
        f"🤝 {referrer.name}",
        _("Sorte : {kind}").format(kind=_(referral.catalog(svc).label(referrer.kind))),
        _("Contact : {contact}").format(contact=referrer.contact or "—"),
        _("Lien : {link}").format(link=referrer_link(svc, context, referrer)),
        _("Candidatures envoyées : {sent} (suivies par l'orienteur : {followed})").format(
            sent=count.sent, followed=count.followed
        ),
        _("Compte Telegram relié : {linked}").format(linked=linked),
    ]
    rows = [
        [_button(_("📷 Lien et QR code"), referrer.id, QR)],
        [_button(_("🔗 Lien de suivi"), referrer.id, LINK)],
        [_button(_("🗑 Supprimer"), referrer.id, DELETE)],
        [_button(_("◀️ Tous les orienteurs"), LIST, SHOW)],
    ]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def show_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/orienteurs: every referrer with what became of the people it sent."""
    if update.effective_message is None:
        return
    text, markup = list_view(services(context))
    await update.effective_message.reply_text(text, reply_markup=markup)


async def send_link_and_qr(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, chat_id: int, referrer: Referrer
) -> None:
    """The link as text (to copy or forward), then its QR code as a photo; a server that
    refuses photos still gets the link."""
    link = referrer_link(svc, context, referrer)
    await context.bot.send_message(
        chat_id,
        _("Le lien de {name}, à donner aux personnes qu'il envoie :\n{link}").format(
            name=referrer.name, link=link
        ),
    )
    try:
        await context.bot.send_photo(
            chat_id,
            photo=qr.png(link),
            caption=_("QR code de {name}\n{link}").format(name=referrer.name, link=link),
        )
    except TelegramError as error:
        log.warning("QR code not sent: %s", type(error).__name__)
        await context.bot.send_message(
            chat_id,
            _(
                "Je n'ai pas pu envoyer l'image du QR code. Le lien ci-dessus suffit. "
                "L'image : python -m bot referrers show {code} --qr qr.png"
            ).format(code=referrer.code),
        )


async def send_linking_link(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    chat_id: int,
    referrer: Referrer,
    actor: str,
) -> None:
    token = svc.store.new_referrer_link(referrer.id, valid_for=LINK_VALID, actor=actor)
    await context.bot.send_message(
        chat_id,
        _(
            "🔗 Lien de suivi pour {name}. Il marche une seule fois, pendant {days} jours.\n"
            "Envoyez-le à la personne de l'orienteur. En l'ouvrant, elle relie son compte "
            "Telegram : avec /mescandidats, elle voit les personnes qu'elle a envoyées et qui "
            "sont d'accord, et elle est prévenue des décisions. Elle ne voit rien d'autre."
        ).format(name=referrer.name, days=LINK_VALID.days),
    )
    await context.bot.send_message(chat_id, deep_link(bot_username(svc, context), f"lien-{token}"))


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
        await _edit_or_send(query, *list_view(svc))
    elif subject == ADD and action == NEW:
        await query.answer()
        expect(context, user.id, ASK_NAME)
        if isinstance(query.message, Message):
            await query.message.reply_text(name_prompt())
    elif subject == ADD and action == CANCEL:
        await on_cancel(query, context, svc, user.id)
    elif subject == KIND:
        await on_kind_button(query, context, svc, user.id, action)
    elif subject == CONTACT and action == SKIP:
        pending = _pending(svc, user.id, ASK_CONTACT)
        if pending is None:
            await query.answer(neutral_button_answer())
            return
        await query.answer()
        # The question stays on screen without its button: "Passer" cannot be tapped twice.
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            log.info("could not remove the Passer button")
        if isinstance(query.message, Message):
            await create(context, svc, update, query.message.chat_id, pending, None)
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
        await _edit_or_send(query, *card_view(svc, context, referrer))
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
                [_button(_("Oui, supprimer"), referrer.id, DELETE_YES)],
                [_button(_("Non"), referrer.id, SHOW)],
            ]
        )
        await _edit_or_send(query, text, markup)
    else:
        linked = referrer.telegram_user_id
        if not svc.store.delete_referrer(referrer.id, actor=_actor(update)):
            await query.answer(_("Cet orienteur a été supprimé."))
            return
        await query.answer()
        await _edit_or_send(
            query,
            _("🗑 {name} est supprimé.").format(name=referrer.name),
            InlineKeyboardMarkup([[_button(_("◀️ Tous les orienteurs"), LIST, SHOW)]]),
        )
        if linked is not None:
            await _clear_menu(context.bot, svc, linked)


# --- staff: the "add a referrer" dialogue ---------------------------------------------------


def name_prompt() -> str:
    return _(
        "Le nom de l'orienteur ? Par exemple : Mission locale d'Aubervilliers.\n"
        "Les personnes liront « Vous venez de la part de la Mission locale d'Aubervilliers ». "
        "Tapez /annuler pour arrêter."
    )


def kind_markup(svc: Services) -> InlineKeyboardMarkup:
    rows = [[_button(_(k.label), KIND, k.id)] for k in referral.catalog(svc).kinds]
    rows.append([_button(_("Annuler"), ADD, CANCEL)])
    return InlineKeyboardMarkup(rows)


def _pending(svc: Services, user_id: int, kind: str) -> dict[str, Any] | None:
    """The dialogue's saved answers when this staff member is at step `kind`."""
    pending = svc.store.staff_input(user_id)
    if pending is None or pending[0] != kind:
        return None
    return pending[1]


@on_input(ASK_NAME)
async def on_name(
    update: Update, context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any]
) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    svc = services(context)
    name = clean_name(message.text)
    if name is None:
        await message.reply_text(
            _("Le nom doit faire de 2 à 100 caractères. Écrivez-le à nouveau, ou tapez /annuler.")
        )
        return
    if svc.store.referrer_by_name(name) is not None:
        await message.reply_text(
            _("Un orienteur porte déjà ce nom. Écrivez un autre nom, ou tapez /annuler.")
        )
        return
    expect(context, user.id, ASK_KIND, {"name": name})
    await message.reply_text(
        _("{name} : quelle sorte d'orienteur ?").format(name=name), reply_markup=kind_markup(svc)
    )


@on_input(ASK_KIND)
async def on_kind_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any]
) -> None:
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        _("Touchez une des sortes d'orienteur, ou tapez /annuler."),
        reply_markup=kind_markup(services(context)),
    )


async def on_kind_button(
    query: Any, context: ContextTypes.DEFAULT_TYPE, svc: Services, user_id: int, kind_id: str
) -> None:
    pending = _pending(svc, user_id, ASK_KIND)
    kind = referral.catalog(svc).kind(kind_id)
    if pending is None or kind is None or "name" not in pending:
        await query.answer(neutral_button_answer())
        return
    await query.answer()
    expect(context, user_id, ASK_CONTACT, {"name": pending["name"], "kind": kind.id})
    await _edit_or_send(
        query,
        _(
            "{name} : {kind} ✔️\n\nUn contact chez l'orienteur (une personne, un téléphone, "
            "un e-mail) ? Écrivez-le, ou touchez « Passer »."
        ).format(name=pending["name"], kind=_(kind.label)),
        InlineKeyboardMarkup([[_button(_("Passer"), CONTACT, SKIP)]]),
    )


@on_input(ASK_CONTACT)
async def on_contact(
    update: Update, context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any]
) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    contact = clean_contact(message.text)
    if contact is None:
        await message.reply_text(
            _("Le contact fait 200 caractères au plus. Écrivez-le à nouveau, ou tapez /annuler.")
        )
        return
    await create(context, services(context), update, message.chat_id, payload, contact)


async def on_cancel(
    query: Any, context: ContextTypes.DEFAULT_TYPE, svc: Services, user_id: int
) -> None:
    pending = svc.store.staff_input(user_id)
    if pending is None or pending[0] not in (ASK_NAME, ASK_KIND, ASK_CONTACT):
        await query.answer(neutral_button_answer())
        return
    done(context, user_id)
    await query.answer()
    await _edit_or_send(query, _("D'accord, c'est annulé."), None)


async def create(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    update: Update,
    chat_id: int,
    payload: dict[str, Any],
    contact: str | None,
) -> None:
    """The dialogue's end: the referrer exists; its card, link and QR code follow."""
    user = update.effective_user
    if user is None:
        return
    done(context, user.id)
    name, kind = payload.get("name"), payload.get("kind")
    if not isinstance(name, str) or not isinstance(kind, str):
        await context.bot.send_message(chat_id, _("Recommencez avec /orienteurs, s'il vous plaît."))
        return
    referrer = svc.store.add_referrer(name, kind, contact, actor=_actor(update))
    text, markup = card_view(svc, context, referrer)
    await context.bot.send_message(
        chat_id, _("✅ Orienteur ajouté.") + "\n\n" + text, reply_markup=markup
    )
    await send_link_and_qr(context, svc, chat_id, referrer)


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
                "nouveau lien à l'équipe d'Initiatives Solidaires."
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
    lines = [
        _("• {person}, candidature du {day} : {state}").format(
            person=short_name(application.first_name, application.last_name),
            day=format_day(datetime.fromisoformat(application.filed_at))
            if application.filed_at
            else "—",
            state=referral.state_words(application.state),
        )
        for application in applications
    ]
    shown = [application.id for application in applications]
    for text in _chunks(heading, lines):
        sent = await message.reply_text(text)
        # Each part counts as showing the whole list: erasing one person redacts them all
        # (a new /mescandidats shows the others again).
        svc.store.shown(sent.chat_id, sent.message_id, shown, mentions.LIST)
