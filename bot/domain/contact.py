"""Checks and normal forms for what candidates type: names, phone numbers, e-mails, postcodes."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

MAX_NAME_LENGTH = 60
# Letters of any alphabet, spaces, hyphens and apostrophes (straight or curly).
_NAME = re.compile(r"^[^\W\d_]+(?:[ \-'’][^\W\d_]+)*$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_POSTCODE = re.compile(r"^\d{5}$")
# Control characters (a spreadsheet refuses them) and invisible format characters (bidi
# overrides, zero-width) that make a text read other than it is. Tab and newline stay.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def visible(text: str) -> str:
    """`text` without control and invisible format characters (for staff eyes and files)."""
    return _INVISIBLE.sub("", text)


def clean_name(text: str) -> str | None:
    """A first or last name, tidied (single spaces, NFC); None when it is not a name."""
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name or len(name) > MAX_NAME_LENGTH or not _NAME.match(name):
        return None
    return name


def clean_phone(text: str, *, region: str = "FR") -> str | None:
    """A phone number in international form (+33612345678); None when it is not valid."""
    if len(text) > 40:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """A stored number as a French reader expects it: 06 12 34 56 78."""
    try:
        number = phonenumbers.parse(e164, "FR")
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# Legal in a local part, but what makes an address read like a link on a staff card.
_URL_LIKE = frozenset("/?#%")


def clean_email(text: str) -> str | None:
    """An e-mail address, normalised (domain in lower case); None when it is not one.

    email-validator refuses control, bidi-override and zero-width characters and every
    malformed address; nothing is looked up (no network at run time)."""
    email = text.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        return None
    try:
        checked = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return None
    if _URL_LIKE & set(checked.local_part):
        return None
    return str(checked.normalized)


def clean_postcode(text: str) -> str | None:
    postcode = text.replace(" ", "").strip()
    return postcode if _POSTCODE.match(postcode) else None
