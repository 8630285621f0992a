"""Staff's "add a referrer" form: its name, its kind (buttons), a contact (typed, or
"Passer"). At the end the referrer exists, and its card, link and QR code are sent."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.core import callbacks
from bot.core.i18n import _
from bot.core.services import Services
from bot.core.typed_input import Choice, Field, Form, Refused, Values, form
from bot.referrers import referral
from bot.referrers.links import send_link_and_qr
from bot.referrers.rules import clean_contact, clean_name
from bot.referrers.views import ADD, CANCEL, CONTACT, KIND, SKIP, card_view

log = logging.getLogger(__name__)


def name_prompt(svc: Services, values: Values) -> str:
    return _(
        "Le nom de l'orienteur ? Par exemple : Mission locale du centre-ville.\n"
        "Les personnes liront « Vous venez de la part de la Mission locale du centre-ville ». "
        "Tapez /annuler pour arrêter."
    )


def name_text(svc: Services, text: str, values: Values) -> str | Refused:
    """2 to 100 characters, and no other referrer of that name."""
    name = clean_name(text)
    if name is None:
        return Refused(
            _("Le nom doit faire de 2 à 100 caractères. Écrivez-le à nouveau, ou tapez /annuler.")
        )
    if svc.store.referrer_by_name(name) is not None:
        return Refused(
            _("Un orienteur porte déjà ce nom. Écrivez un autre nom, ou tapez /annuler.")
        )
    return name


def _kind_prompt(svc: Services, values: Values) -> str:
    return _("{name} : quelle sorte d'orienteur ?").format(name=values["name"])


def _kinds(svc: Services, values: Values) -> list[Choice]:
    return [Choice(_(k.label), k.id, k.id) for k in referral.catalog(svc).kinds]


def kind_text(svc: Services, text: str, values: Values) -> Refused:
    return Refused(_("Touchez une des sortes d'orienteur, ou tapez /annuler."), buttons=True)


def _contact_prompt(svc: Services, values: Values) -> str:
    kind = referral.catalog(svc).kind(str(values["kind"]))
    return _(
        "{name} : {kind} ✔️\n\nUn contact chez l'orienteur (une personne, un téléphone, "
        "un e-mail) ? Écrivez-le, ou touchez « Passer »."
    ).format(name=values["name"], kind=_(kind.label) if kind else values["kind"])


def contact_text(svc: Services, text: str, values: Values) -> str | Refused:
    contact = clean_contact(text)
    if contact is None:
        return Refused(
            _("Le contact fait 200 caractères au plus. Écrivez-le à nouveau, ou tapez /annuler.")
        )
    return contact


def _skip(svc: Services, values: Values) -> list[Choice]:
    return [Choice(_("Passer"), SKIP, None)]


async def create(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, update: Update, values: Values
) -> None:
    """The form's end: the referrer exists; its card, link and QR code follow."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    if update.callback_query is not None:
        # The question stays on screen without its button: "Passer" cannot be tapped twice.
        try:
            await update.callback_query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            log.info("could not remove the Passer button")
    chat_id = message.chat_id
    name, kind = values.get("name"), values.get("kind")
    if not isinstance(name, str) or not isinstance(kind, str):
        await context.bot.send_message(chat_id, _("Recommencez avec /orienteurs, s'il vous plaît."))
        return
    referrer = svc.store.add_referrer(name, kind, values.get("contact"), actor=f"staff:{user.id}")
    text, markup = card_view(svc, context, referrer)
    await context.bot.send_message(
        chat_id, _("✅ Orienteur ajouté.") + "\n\n" + text, reply_markup=markup
    )
    await send_link_and_qr(context, svc, chat_id, referrer)


NEW_REFERRER = form(
    Form(
        name="referrer_new",
        fields=(
            Field(id="name", prompt=name_prompt, parse=name_text),
            Field(
                id="kind",
                prompt=_kind_prompt,
                parse=kind_text,
                subject=KIND,
                choices=_kinds,
                cancel_label=lambda: _("Annuler"),
            ),
            Field(
                id="contact",
                prompt=_contact_prompt,
                parse=contact_text,
                subject=CONTACT,
                choices=_skip,
            ),
        ),
        on_done=create,
        prefix=callbacks.REFERRERS,
        cancel=(ADD, CANCEL),
    )
)
