"""What staff see of the referrers: the list, a referrer's card, their buttons; and the
referrer's link (`t.me/<bot>?start=<code>`)."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ContextTypes

from bot.core import callbacks
from bot.core.i18n import _, format_day
from bot.core.services import Services
from bot.referrers import referral
from bot.referrers.rules import deep_link
from bot.referrers.store import Referrer, ReferrerCounts

MAX_LISTED = 40  # buttons in the list; `python -m bot referrers list` shows them all
MAX_MESSAGE = 3500  # under Telegram's 4096, with room for the heading

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


def bot_username(svc: Services, context: ContextTypes.DEFAULT_TYPE) -> str:
    return svc.settings.bot_username or context.bot.username


def referrer_link(svc: Services, context: ContextTypes.DEFAULT_TYPE, referrer: Referrer) -> str:
    return deep_link(bot_username(svc, context), referrer.code)


def button(label: str, subject: str | int, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.make(R, str(subject), action))


def chunks(heading: str, lines: list[str]) -> list[str]:
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


def list_view(svc: Services) -> tuple[str, InlineKeyboardMarkup]:
    referrers = svc.store.referrers()
    counts = svc.store.referrer_counts()
    kinds = referral.catalog(svc)
    rows = [
        [button(r.name if len(r.name) <= 40 else r.name[:39] + "…", r.id, SHOW)]
        for r in referrers[:MAX_LISTED]
    ]
    rows.append([button(_("➕ Ajouter un orienteur"), ADD, NEW)])
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
        [button(_("📷 Lien et QR code"), referrer.id, QR)],
        [button(_("🔗 Lien de suivi"), referrer.id, LINK)],
        [button(_("🗑 Supprimer"), referrer.id, DELETE)],
        [button(_("◀️ Tous les orienteurs"), LIST, SHOW)],
    ]
    return "\n".join(lines), InlineKeyboardMarkup(rows)
