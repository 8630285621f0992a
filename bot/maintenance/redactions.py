"""Carrying out the redactions erasure owes: every staff or referrer message that showed an
erased person is edited to say only that it was erased.

Called right after an erasure or a purge, and by the outbox sweep (so at start-up too: a
crash, or the command-line `purge` while the bot was stopped, leaves nothing shown).
"""

from __future__ import annotations

import logging

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ContextTypes

from bot.core.i18n import _, in_french
from bot.core.mentions import CARD, EXPIRED, Redaction
from bot.core.services import Services

log = logging.getLogger(__name__)


def redacted_text(redaction: Redaction) -> str:
    if redaction.kind == CARD and redaction.reason == EXPIRED:
        return _("🗑 Candidature effacée : durée de conservation dépassée.")
    if redaction.kind == CARD:
        return _("🗑 Candidature effacée à la demande de la personne.")
    return _("🗑 Message effacé. Il montrait une personne dont les données sont effacées.")


@in_french
async def redact_owed(context: ContextTypes.DEFAULT_TYPE, svc: Services) -> int:
    """Edit every message owed a redaction; returns how many were settled. A message that
    cannot be edited any more (deleted, too old, chat left) is settled too: it shows nothing
    the bot can reach. A network failure keeps it for the next sweep."""
    settled = 0
    for redaction in svc.store.redactions():
        try:
            await context.bot.edit_message_text(
                redacted_text(redaction),
                chat_id=redaction.chat_id,
                message_id=redaction.message_id,
                reply_markup=None,
            )
        except BadRequest as error:  # deleted, too old to edit, already edited: settled
            log.info("redaction settled without an edit: %s", error.message)
        except Forbidden as error:  # the bot left the chat: nothing it can reach any more
            log.info("redaction impossible: %s", type(error).__name__)
        except (RetryAfter, NetworkError) as error:
            log.warning("redaction not sent (%s): kept for the next sweep", type(error).__name__)
            break
        svc.store.redacted(redaction.chat_id, redaction.message_id)
        settled += 1
    return settled
