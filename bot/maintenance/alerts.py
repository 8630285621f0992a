"""Someone is told when it breaks: a short message to the operators' chats.

Operators are `TREMPLIN_OPERATOR_IDS`, else the staff chat, else the staff ids. The same kind
of alert is sent at most once every ten minutes. An alert never holds personal data: the
kind of error and where in the code, never an exception's message (it may quote what a
person typed)."""

from __future__ import annotations

import logging
import sqlite3
import traceback
from datetime import datetime, timedelta

from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackContext, ContextTypes

from bot.core.services import services

log = logging.getLogger(__name__)

QUIET_FOR = timedelta(minutes=10)
_SENT = "tremplin.alerts"


async def alert(
    context: CallbackContext | Application,  # type: ignore[type-arg]
    kind: str,
    text: str,
) -> bool:
    """Tell the operators, unless the same `kind` was told less than ten minutes ago."""
    application = context if isinstance(context, Application) else context.application
    svc = services(application)
    now = svc.clock()
    sent: dict[str, datetime] = application.bot_data.setdefault(_SENT, {})
    last = sent.get(kind)
    if last is not None and now - last < QUIET_FOR:
        log.info("alert %s not sent again yet", kind)
        return False
    sent[kind] = now
    log.warning("alert to the operators: %s", text)
    told = False
    for chat_id in svc.settings.operators:
        try:
            await application.bot.send_message(chat_id, f"⚠️ Tremplin : {text}")
            told = True
        except TelegramError as error:
            log.warning("could not alert operator chat %s: %s", chat_id, type(error).__name__)
    if not svc.settings.operators:
        log.warning("no operator to alert: set TREMPLIN_OPERATOR_IDS or TREMPLIN_STAFF_IDS")
    return told


def where(error: BaseException) -> str:
    """The innermost frame of the bot's own code (else the innermost of all): file:line."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/bot/" in f.filename]  # python-telegram-bot's are telegram/
    if not (ours or frames):
        return "?"
    frame = (ours or frames)[-1]
    path = frame.filename
    short = path[path.rindex("/bot/") + 1 :] if "/bot/" in path else path.rsplit("/", 1)[-1]
    return f"{short}:{frame.lineno} ({frame.name})"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Application's error handler (beside the journey's, which tells the person)."""
    error = context.error
    if error is None or isinstance(error, Forbidden):
        return  # a person who blocked the bot is not a breakdown
    name = type(error).__name__
    if context.job is not None:
        kind, text = (
            f"job:{context.job.name}:{name}",
            f"la tâche « {context.job.name} » a échoué ({name}, {where(error)}).",
        )
    else:
        kind, text = f"error:{name}", f"erreur {name} pendant une mise à jour ({where(error)})."
    if isinstance(error, sqlite3.Error):
        kind = "database"
        text += (
            " La base de données a refusé une lecture ou une écriture : disque plein ? "
            "Fichier en lecture seule ? Lancez python -m bot doctor."
        )
    await alert(context, kind, text)
