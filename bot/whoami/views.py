"""The texts of /whoami (French: it serves whoever sets the bot up)."""

from __future__ import annotations

from bot.core.i18n import _


def private_answer(user_id: int) -> str:
    return _(
        "Votre identifiant Telegram est {user_id}.\n"
        "Pour faire partie de l'équipe, la personne qui installe le robot "
        "ajoute ce nombre à TREMPLIN_STAFF_IDS."
    ).format(user_id=user_id)


def group_answer(chat_id: int) -> str:
    return _(
        "L'identifiant de ce groupe est {chat_id}.\n"
        "Pour que l'équipe reçoive ici les candidatures, mettez ce nombre dans "
        "TREMPLIN_STAFF_CHAT_ID.\n"
        "Pour connaître votre propre identifiant, écrivez-moi /whoami en privé."
    ).format(chat_id=chat_id)
