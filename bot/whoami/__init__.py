"""/whoami, answered to anyone: the ids a volunteer needs to set the bot up. In the person's
own private chat, their Telegram user id (for TREMPLIN_STAFF_IDS); in a group, the group's
chat id (for TREMPLIN_STAFF_CHAT_ID) and never anyone's user id."""
