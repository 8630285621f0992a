"""Voice notes' part of the bot: /voix and the staff's voice messages, the "🔊" buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.core import callbacks
from bot.core.access import OWN_PRIVATE, staff_only, unknown_command
from bot.core.feature import Feature, TelegramApp
from bot.core.i18n import N_
from bot.core.services import services
from bot.voice import handlers, views

STAFF_COMMANDS = (("voix", N_("Voix : enregistrer les messages pour ceux qui lisent mal")),)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/annuler from staff: a recording awaited, or else what any unknown command gets."""
    if not await handlers.on_cancel(update, context):
        await unknown_command(update, context)


def register(application: TelegramApp) -> None:
    new = filters.UpdateType.MESSAGE
    application.add_handler(
        CommandHandler("voix", staff_only(handlers.voice_command), filters=OWN_PRIVATE & new)
    )
    application.add_handler(
        CallbackQueryHandler(handlers.on_button, pattern=rf"^{callbacks.VOICE}:")
    )
    # "🔊 Écouter" on a reply keyboard (the phone step) arrives as text.
    listen = filters.Text(sorted(views.listen_labels()))
    application.add_handler(MessageHandler(OWN_PRIVATE & new & listen, handlers.listen_typed))
    staff_ids = sorted(services(application).settings.staff_ids)
    if staff_ids:
        staff = filters.User(user_id=staff_ids) & OWN_PRIVATE & new
        application.add_handler(CommandHandler("annuler", cancel, filters=staff))
        application.add_handler(MessageHandler(staff & filters.VOICE, handlers.on_voice))


FEATURE = Feature(
    name="voice",
    register=register,
    staff_commands=STAFF_COMMANDS,
    listen=handlers.listen_markup,
    read_aloud=handlers.read_aloud,
    welcome_rows=handlers.welcome_rows,
)
