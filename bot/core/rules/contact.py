"""Checks and normal forms for what candidates type: names, phone numbers, e-mails, postcodes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

MAX_NAME_LENGTH = 60
# In a draft's answers: the name the bot read in a sentence, waiting for "Oui" ({step: name}).
NAME_OFFER = "_name_offer"
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


def _bare(text: str) -> str:
    """`text` without its combining marks, to check its letters: Tamil, Bengali or Hindi
    vowel signs (அமுதா, আমিনা, नेहा) and Arabic vowels (مُحَمَّد) are marks, not letters,
    yet part of a name (#21.10)."""
    return "".join(c for c in text if not unicodedata.category(c).startswith("M"))


def clean_name(text: str) -> str | None:
    """A first or last name, tidied (single spaces, NFC); None when it is not a name."""
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name or len(name) > MAX_NAME_LENGTH or not _NAME.match(_bare(name)):
        return None
    return name


# --- names as people type them (issue #13) ---------------------------------------------------

# A name is at most this many words and characters; more is a sentence.
NAME_WORDS = 4
NAME_CHARACTERS = 40
_GREETINGS = frozenset({"bonjour", "bonsoir", "salut", "coucou", "hello", "allo", "hi"})
# Words of a French sentence, never a name (lower case, no accents, apostrophe "'").
# Particles of names (de, du, des, le, la, ben, van…) are not here: "Le Gall", "Ben Salah".
_SENTENCE_WORDS = _GREETINGS | frozenset(
    [
        "je",
        "j'ai",
        "j'suis",
        "j'm'appelle",
        "m'appelle",
        "appelle",
        "m'apelle",
        "apelle",
        "s'appelle",
        "nomme",
        "suis",
        "es",
        "est",
        "c'est",
        "cest",
        "c'etait",
        "moi",
        "toi",
        "mon",
        "ton",
        "son",
        "nom",
        "prenom",
        "famille",
        "merci",
        "oui",
        "non",
        "ouais",
        "nan",
        "ok",
        "d'accord",
        "voici",
        "voila",
        "svp",
        "stp",
        "s'il",
        "plait",
        "please",
        "pas",
        "ne",
        "n'ai",
        "sais",
        "sait",
        "quoi",
        "pourquoi",
        "comment",
        "quand",
        "qui",
        "que",
        "quel",
        "quelle",
        "ca",
        "cela",
        "tu",
        "vous",
        "il",
        "elle",
        "nous",
        "ils",
        "elles",
        "on",
        "et",
        "mais",
        "donc",
        "ou",
        "avec",
        "pour",
        "dans",
        "chez",
        "veux",
        "voudrais",
        "voulez",
        "peux",
        "pouvez",
        "faut",
        "besoin",
        "aide",
        "travail",
        "ai",
        "as",
        "a",
        "un",
        "une",
        "bien",
        "tres",
        "beaucoup",
    ]
)
# After these words comes the name: "je m'appelle Karim", "moi c'est Karim".
_NAME_FOLLOWS = frozenset(
    [
        "m'appelle",
        "appelle",
        "m'apelle",
        "apelle",
        "s'appelle",
        "j'm'appelle",
        "nomme",
        "suis",
        "j'suis",
        "est",
        "c'est",
        "cest",
        "voici",
        "voila",
        "prenom",
        "nom",
    ]
)
_SURROUNDING = " .,;:!?…\"'«»()[]-–—_*"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_PARTS = re.compile(r"([ \-'’])")


@dataclass(frozen=True, slots=True)
class TypedName:
    """What a person typed at a name question: a name, a sentence, or neither."""

    name: str | None = None  # a name, capitalised: keep it
    sentence: bool = False  # a sentence or a greeting rather than a name
    greeting: bool = False  # it says hello
    found: str | None = None  # the name said in that sentence ("Je m'appelle Karim")


def capitalise_name(name: str) -> str:
    """A name written the French way: "ben salah" → "Ben Salah", "n'diaye" → "N'Diaye",
    "jean-pierre" → "Jean-Pierre", "LE GALL" → "Le Gall".

    Each part between spaces, hyphens and apostrophes typed all in lower case or all in
    capitals gets a capital then lower case; a part typed with both ("McDonald") is kept as
    typed. Particles get a capital too ("de la fontaine" → "De La Fontaine")."""
    parts = _PARTS.split(name)
    for index, part in enumerate(parts):
        if part and part not in " -'’" and (part.islower() or part.isupper()):
            parts[index] = part[:1].upper() + part[1:].lower()
    return "".join(parts)


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def read_name(text: str, *, first_name: str | None = None) -> TypedName:
    """Read a first or last name as typed.

    A name (letters, spaces, hyphens, apostrophes; at most 4 words and 40 characters) comes
    back capitalised. A sentence or a greeting ("Je m'appelle Karim", "bonjour", a common
    French sentence word, too many words, too long) comes back as such, with the name it
    says when there is one (`first_name`, already known, is left out of a full name given
    for the last name). Anything else (digits, emoji) is neither."""
    tidy = " ".join(unicodedata.normalize("NFC", text).split()).strip(_SURROUNDING)
    words = _WORD.findall(_bare(tidy))
    plain = [_plain(word) for word in words]
    greeting = any(word in _GREETINGS for word in plain)
    letters_only = _NAME.match(_bare(tidy)) is not None
    too_long = len(words) > NAME_WORDS or len(tidy) > NAME_CHARACTERS
    if any(word in _SENTENCE_WORDS for word in plain) or (too_long and letters_only):
        return TypedName(sentence=True, greeting=greeting, found=_name_in(words, plain, first_name))
    if too_long and len(words) > 1:  # a long message with some punctuation
        return TypedName(sentence=True)
    name = clean_name(tidy)
    return TypedName() if name is None else TypedName(name=capitalise_name(name))


def _name_in(words: list[str], plain: list[str], first_name: str | None) -> str | None:
    """The name after "je m'appelle", "je suis", "c'est"…, when it looks like one (only
    sentence words come before: "Bonjour, moi c'est Karim", not "… c'est possible")."""
    starts = [
        n
        for n, word in enumerate(plain)
        if word in _NAME_FOLLOWS and all(w in _SENTENCE_WORDS for w in plain[:n])
    ]
    if not starts:
        return None
    rest = words[starts[-1] + 1 :]
    rest_plain = plain[starts[-1] + 1 :]
    while rest and rest_plain[-1] in _SENTENCE_WORDS:  # "… Karim, merci"
        rest, rest_plain = rest[:-1], rest_plain[:-1]
    if first_name and len(rest) > 1 and rest_plain[0] == _plain(first_name):
        rest = rest[1:]  # "Je m'appelle Awa Diallo", asked for the last name
    if not 1 <= len(rest) <= 3 or any(_plain(word) in _SENTENCE_WORDS for word in rest):
        return None
    name = clean_name(" ".join(rest))
    return capitalise_name(name) if name is not None and len(name) <= NAME_CHARACTERS else None


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
