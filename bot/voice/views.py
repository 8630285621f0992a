"""The voice notes' texts and buttons: "🔊 Écouter" for candidates, the recording screens for
staff (always French)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.core import callbacks, i18n
from bot.core.dialog_types import Dialogs
from bot.core.i18n import _
from bot.voice.rules import MOST_HEARD, label_of, recording_order

PLAY, ALOUD = "play", "aloud"
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None


def _button(label: str, subject: str, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=callbacks.make(callbacks.VOICE, subject, action)
    )


def listen_row(key: str) -> list[InlineKeyboardButton]:
    return [_button(listen_label(), key, PLAY)]


def aloud_row() -> list[InlineKeyboardButton]:
    return [_button(_("🔊 Lire à voix haute"), ALOUD, "on")]


def listen_label() -> str:
    return _("🔊 Écouter")


def listen_labels() -> frozenset[str]:
    """ "🔊 Écouter" in every language offered (what a tap on the reply keyboard sends)."""
    labels = set()
    for code in i18n.languages():
        with i18n.use(code):
            labels.add(listen_label())
    return frozenset(labels)


def with_listen(markup: Markup, recorded: bool, key: str) -> Markup:
    """The message's buttons, with "🔊 Écouter" first when `key` is recorded in the reader's
    language. A reply keyboard (the phone step) gets it as its last key: a tap sends the
    label as text, which the voice feature answers with the recording."""
    if not recorded:
        return markup
    if isinstance(markup, ReplyKeyboardMarkup):
        keys = [list(row) for row in markup.keyboard]
        return ReplyKeyboardMarkup(
            [*keys, [KeyboardButton(listen_label())]],
            resize_keyboard=markup.resize_keyboard,
            one_time_keyboard=markup.one_time_keyboard,
            is_persistent=markup.is_persistent,
            input_field_placeholder=markup.input_field_placeholder,
        )
    rows = [list(row) for row in markup.inline_keyboard] if markup is not None else []
    return InlineKeyboardMarkup([listen_row(key), *rows])


# --- staff: recording (French) ----------------------------------------------------------------


def staff_data(language: str, key: str, action: str) -> str:
    return callbacks.make(callbacks.VOICE, f"{language}.{key}", action)


def coverage_line(recorded: dict[str, int], total: int) -> str:
    """ "Déjà enregistrés : français 12/33, anglais 0/33, …" (every language offered)."""
    parts = [
        f"{i18n.french_name(code)} {recorded.get(code, 0)}/{total}" for code in i18n.languages()
    ]
    return _("Déjà enregistrés : {coverage}.").format(coverage=", ".join(parts))


def languages_view(recorded: dict[str, int], total: int) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [
        InlineKeyboardButton(i18n.native_name(code), callback_data=staff_data(code, "-", "list"))
        for code in i18n.languages()
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    text = "\n".join(
        [_("🎙 Voix : dans quelle langue enregistrez-vous ?"), coverage_line(recorded, total)]
    )
    return text, InlineKeyboardMarkup(rows)


def list_view(
    dialogs: Dialogs, language: str, recorded: set[str]
) -> tuple[str, InlineKeyboardMarkup]:
    keys = recording_order(dialogs)
    done = sum(1 for key in keys if key in recorded)
    text = "\n".join(
        [
            _("🎙 Voix en {language} : {done}/{total} messages enregistrés.").format(
                language=i18n.french_name(language), done=done, total=len(keys)
            ),
            _(
                "En premier, les {count} messages que presque tout le monde entend : l'accueil, "
                "l'accord, les résultats, l'envoi, les premières questions."
            ).format(count=MOST_HEARD),
            _("✅ : un enregistrement existe. Touchez un message pour l'enregistrer."),
        ]
    )
    rows = [
        [
            InlineKeyboardButton(
                ("✅ " if key in recorded else "") + label_of(dialogs, key),
                callback_data=staff_data(language, key, "open"),
            )
        ]
        for key in keys
    ]
    rows.append(
        [InlineKeyboardButton(_("◀️ Langues"), callback_data=staff_data(language, "-", "langs"))]
    )
    return text, InlineKeyboardMarkup(rows)


def ask_view(
    dialogs: Dialogs, language: str, key: str, exists: bool
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _("🎙 {message}").format(message=label_of(dialogs, key)),
        _("Envoyez-moi un message vocal en {language}. Tapez /annuler pour arrêter.").format(
            language=i18n.french_name(language)
        ),
    ]
    rows = []
    if exists:
        lines.append(
            _("Un enregistrement existe déjà : le nouveau le remplacera, après votre accord.")
        )
        rows.append(
            [
                InlineKeyboardButton(
                    _("🔊 Écouter l'actuel"), callback_data=staff_data(language, key, "hear")
                )
            ]
        )
        rows.append(
            [InlineKeyboardButton(_("🗑 Effacer"), callback_data=staff_data(language, key, "del"))]
        )
    rows.append(
        [InlineKeyboardButton(_("◀️ Retour"), callback_data=staff_data(language, "-", "list"))]
    )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def replace_view(language: str, key: str) -> tuple[str, InlineKeyboardMarkup]:
    return _("Remplacer l'enregistrement actuel par celui-ci ?"), InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("✅ Oui, remplacer"), callback_data=staff_data(language, key, "yes")
                )
            ],
            [
                InlineKeyboardButton(
                    _("Non, garder l'ancien"), callback_data=staff_data(language, key, "no")
                )
            ],
        ]
    )


def delete_view(language: str, key: str) -> tuple[str, InlineKeyboardMarkup]:
    return _("Effacer cet enregistrement ?"), InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("🗑 Oui, effacer"), callback_data=staff_data(language, key, "dely")
                )
            ],
            [InlineKeyboardButton(_("◀️ Retour"), callback_data=staff_data(language, key, "open"))],
        ]
    )
