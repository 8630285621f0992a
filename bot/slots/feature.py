"""Recruitment slots's part of the bot (declared for `bot/features.py`)."""

from telegram import CallbackQuery
from telegram.ext import ContextTypes

from bot.core.application_store import CandidateApplication
from bot.core.feature import Feature
from bot.core.outbox.handlers import AFTER_FILING
from bot.core.outbox.store import Duty
from bot.core.services import Services, in_language_of
from bot.slots import cli, handlers, journey_step, sessions
from bot.slots.dialogs import SLOTS


async def send_after_filing(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    duty: Duty,
    application: CandidateApplication,
    filed_query: CallbackQuery | None,
) -> None:
    """Owed after a filing: the booked session and what to bring (bot/core/outbox)."""
    with in_language_of(svc, application.user_id):
        await journey_step.after_filing(context, svc, application)


FEATURE = Feature(
    name="slots",
    register=handlers.register,
    on_start=handlers.on_start,
    add_parsers=cli.add_parsers,
    check=cli.check,
    dialog_files=(SLOTS,),
    staff_commands=handlers.STAFF_COMMANDS,
    owed={AFTER_FILING: send_after_filing},
    sessions=sessions,
)
