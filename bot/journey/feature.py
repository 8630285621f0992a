"""The candidate journey's part of the bot: its commands, buttons and catch-alls, its start-up
work (the candidate's command menu, the drafts' nudge) and `python -m bot diagram`."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core import callbacks, i18n
from bot.core.access import OWN_PRIVATE, candidate_button, unknown_command
from bot.core.dialog_checks import go_live_gaps
from bot.core.dialogs import JOURNEY, check_dialogs, load_dialogs
from bot.core.feature import Feature, TelegramApp, step_kind
from bot.core.i18n import N_, _
from bot.core.services import services
from bot.core.settings import Settings
from bot.journey import cli, common, drafts, language, owed, rights
from bot.journey import handlers as candidate

log = logging.getLogger(__name__)
# The step kinds another feature shows (journey.toml `kind`): "needs" (bot.orientation).
FEATURE_KINDS = frozenset({"needs"})

CANDIDATE_COMMANDS = (
    ("start", N_("Commencer ou reprendre ma candidature")),
    ("statut", N_("Où en est ma candidature")),
    ("rdv", N_("Mon rendez-vous")),
    ("aide", N_("Ce que le robot sait faire")),
    ("recommencer", N_("Tout reprendre depuis le début")),
    ("retirer", N_("Retirer ma candidature")),
    ("langue", N_("Changer de langue")),
    ("mesdonnees", N_("Recevoir mes données")),
    ("supprimer", N_("Effacer mes données")),
)


def register(application: TelegramApp) -> None:
    """Last in the registry: the candidate's catch-alls (unknown command, any text, any
    button) come after every other feature's commands and buttons."""
    # Before anything else, the language of this update's reader.
    application.add_handler(TypeHandler(Update, language.set_reader_language), group=-100)
    # The sender's own private chat (a forged chat id gets no handler: silence).
    private = OWN_PRIVATE
    new_message = filters.UpdateType.MESSAGE
    commands = [
        ("start", candidate.start),
        ("aide", common.show_help),
        ("help", common.show_help),
        ("statut", rights.status),
        ("retirer", rights.withdraw),
        ("supprimer", rights.erase),
        ("recommencer", rights.restart),
        ("mesdonnees", rights.my_data),
        ("langue", language.choose_language),
    ]
    for name, callback in commands:
        application.add_handler(CommandHandler(name, callback, filters=private & new_message))
    application.add_handler(
        CommandHandler(
            ["start", "aide", "help"], common.group_notice, filters=filters.ChatType.GROUPS
        )
    )
    application.add_handler(
        CallbackQueryHandler(
            candidate_button(candidate.on_button), pattern=rf"^{callbacks.JOURNEY}:"
        )
    )
    application.add_handler(
        CallbackQueryHandler(candidate_button(rights.on_confirm), pattern=rf"^{callbacks.CONFIRM}:")
    )
    application.add_handler(
        CallbackQueryHandler(
            candidate_button(language.on_language_button), pattern=rf"^{callbacks.LANGUAGE}:"
        )
    )
    application.add_handler(CallbackQueryHandler(candidate_button(candidate.on_button)))  # forged
    application.add_handler(
        MessageHandler(private & new_message & filters.COMMAND, unknown_command)
    )
    application.add_handler(MessageHandler(private & new_message & filters.TEXT, candidate.on_text))
    application.add_handler(
        MessageHandler(private & new_message & filters.CONTACT, candidate.on_contact)
    )
    application.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, common.edited_message)
    )
    application.add_handler(MessageHandler(private & new_message, candidate.on_other_message))
    application.add_error_handler(common.on_error)


async def on_start(application: TelegramApp) -> None:
    """The candidates' command menu, in each language (Telegram shows the one of the phone's
    language, French otherwise), and the drafts' job."""
    for code in i18n.languages():
        with i18n.use(code):
            commands = [BotCommand(name, _(text)) for name, text in CANDIDATE_COMMANDS]
        try:
            await application.bot.set_my_commands(
                commands,
                scope=BotCommandScopeAllPrivateChats(),
                language_code=None if code == i18n.FRENCH else code,
            )
        except TelegramError as error:
            # Some Bot API servers lack command menus; the bot works without one.
            log.warning("command menu not set: %s", type(error).__name__)
            break
    drafts.schedule(application)
    warn_before_going_live(application)


def warn_before_going_live(application: TelegramApp) -> None:
    """With a real token, at every start: what the structure has not filled yet (the phone
    above all: without it candidates are only told to come to the front desk)."""
    svc = services(application)
    if not svc.settings.token:
        return  # the terminal demo and the tests
    for gap in go_live_gaps(
        svc.dialogs.structure, svc.settings.staff_ids, svc.settings.staff_chat_id
    ):
        log.warning("not ready for real candidates: %s", gap)


def check(settings: Settings) -> list[str]:
    problems = check_dialogs(settings.dialogs_dir)
    if problems:
        return problems
    # A step of a kind a feature shows (the orientation's "needs") needs that feature.
    return [
        f"journey.toml: step {step.id!r} of kind {step.kind!r}: no feature shows it"
        for step in load_dialogs(settings.dialogs_dir).steps
        if step.kind in FEATURE_KINDS and step_kind(step.kind) is None
    ]


FEATURE = Feature(
    name="journey",
    register=register,
    on_start=on_start,
    add_parsers=cli.add_parsers,
    check=check,
    dialog_files=(JOURNEY,),
    owed=owed.OWED,
)
