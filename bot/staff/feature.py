"""Staff review's part of the bot (declared for `bot/features.py`)."""

from telegram import CallbackQuery
from telegram.ext import ContextTypes

from bot.core import i18n
from bot.core.application_store import CandidateApplication
from bot.core.feature import Feature
from bot.core.outbox.handlers import CARD, DECISION
from bot.core.outbox.store import Duty
from bot.core.services import Services
from bot.staff import cli, decision_notice, digest, handlers, notice
from bot.staff.dialogs import STAFF


async def send_card(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    duty: Duty,
    application: CandidateApplication,
    filed_query: CallbackQuery | None,
) -> None:
    """Owed after a filing or a call-back request: the card in a staff chat."""
    with i18n.french():
        await notice.send_card(context, svc, duty.chat_id, application)


async def send_decision(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    duty: Duty,
    application: CandidateApplication,
    filed_query: CallbackQuery | None,
) -> None:
    """Owed after a decision: the cards updated, the candidate told (bot/core/outbox)."""
    if svc.store.review(application.id).version != duty.version:
        return  # a later decision owes its own message: the person reads that one
    with i18n.french():  # staff's side; the candidate's texts are in their language
        await decision_notice.after_decision(context, svc, duty.chat_id, application.id)


FEATURE = Feature(
    name="staff",
    register=handlers.register,
    on_start=handlers.on_start,
    add_parsers=cli.add_parsers,
    check=cli.check,
    dialog_files=(STAFF,),
    staff_commands=handlers.STAFF_COMMANDS,
    owed={CARD: send_card, DECISION: send_decision},
    cards=notice,
)

# The daily digest to staff (issue #16): its job at every start, its `[digest]` checked.
DIGEST = Feature(name="staff_digest", on_start=digest.start, check=digest.check)
