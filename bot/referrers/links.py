"""A referrer's links sent to staff: its link and QR code (to give to the people it sends),
and a one-time linking link (for the referrer to tie its Telegram account)."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core.i18n import _
from bot.core.services import Services
from bot.referrers import qr
from bot.referrers.rules import deep_link
from bot.referrers.store import Referrer
from bot.referrers.views import bot_username, referrer_link

log = logging.getLogger(__name__)

LINK_VALID = timedelta(days=7)


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
