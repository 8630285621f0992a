"""Names in Latin letters for the staff (#21.10): a name written in another script ("أمينة")
is kept as written, and a Latin form is added, computed by `anyascii` (a transliteration
table for every script, pure Python). Where the script leaves the spelling open (Arabic and
Hebrew write no vowels, Chinese has no word breaks, Indian scripts have several
spellings), the candidate may confirm or write it; never forced.

Pure: no Telegram, no SQL."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from anyascii import anyascii

from bot.core.rules import ids as journey_ids
from bot.core.rules.contact import capitalise_name, read_name

# Scripts whose transliteration is one spelling people recognise (Zoé → Zoe, Наталья →
# Natal'ya, Γιώργος → Giorgos); any other script makes the spelling uncertain.
SURE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})
FACT = "_latin"  # in a draft's answers: "incertain" while the name's Latin form is uncertain
UNSURE = "incertain"
CONFIRM = "oui"  # "C'est bien ça"
WRITE = "ecrire"  # "Je l'écris moi-même"
_NOT_NAME = re.compile(r"[^A-Za-z \-']+")


def _script(char: str) -> str:
    return unicodedata.name(char, "").split(" ", 1)[0]


def scripts(name: str) -> set[str]:
    """The scripts of the letters of `name` ("LATIN", "ARABIC", "CJK"…)."""
    return {_script(char) for char in name if char.isalpha()}


def is_latin(name: str) -> bool:
    """Written in Latin letters only (accents included: "Zoé" is Latin)."""
    return scripts(name) <= {"LATIN"}


def is_uncertain(name: str) -> bool:
    """Whether the Latin form of `name` is a guess the person should be asked about."""
    return bool(scripts(name) - SURE_SCRIPTS)


def latin_of(name: str) -> str:
    """A name in Latin letters, capitalised: "أمينة" → "Mynh", "王小明" → "WangXiaoMing",
    "Zoé" → "Zoe". Letters, spaces, hyphens and apostrophes inside words only."""
    # Apostrophes the person wrote stay ("N'Diaye"); those of a transliteration go
    # (Наталья → "Natal'ya" → "Natalya", أمينة → "'mynh" → "Mynh").
    ascii_form = "".join(
        "'" if char in "'’" else anyascii(char).replace("'", "")
        for char in unicodedata.normalize("NFC", name)
    )
    ascii_form = _NOT_NAME.sub(" ", ascii_form)
    words = [word.strip("-'") for word in ascii_form.split()]
    return capitalise_name(" ".join(word for word in words if word))


def full_latin(first_name: str | None, last_name: str | None) -> str | None:
    """The Latin form of a full name (None without a name)."""
    parts = [latin_of(part) for part in (first_name, last_name) if part]
    joined = " ".join(part for part in parts if part)
    return joined or None


def clean_latin_name(text: str) -> str | None:
    """A name the person typed in Latin letters ("amina benali" → "Amina Benali"); None
    when it is not a name, or not in Latin letters."""
    name = read_name(text).name  # "oui", "c'est bien ça": sentences, not names
    if name is None or not is_latin(name):
        return None
    return name


def after_name(answers: dict[str, Any], step_id: str, previous: Any) -> None:
    """A first or last name was just answered: say whether its Latin form is uncertain (the
    fact the confirmation step is asked on), and forget a Latin form given for another name."""
    if step_id not in (journey_ids.FIRST_NAME, journey_ids.LAST_NAME):
        return
    if previous is not None and previous != answers.get(step_id):
        answers.pop(journey_ids.LATIN_NAME, None)
    names = [answers.get(journey_ids.FIRST_NAME), answers.get(journey_ids.LAST_NAME)]
    if any(isinstance(name, str) and is_uncertain(name) for name in names):
        answers[FACT] = UNSURE
    else:
        answers.pop(FACT, None)


def proposed(answers: Mapping[str, Any]) -> str:
    """The Latin form shown to the person for confirmation."""
    first, last = answers.get(journey_ids.FIRST_NAME), answers.get(journey_ids.LAST_NAME)
    return (
        full_latin(
            first if isinstance(first, str) else None, last if isinstance(last, str) else None
        )
        or ""
    )


def filed(answers: Mapping[str, Any], first_name: str | None, last_name: str | None) -> str | None:
    """The Latin form kept with the application: the one the person confirmed or wrote,
    otherwise the transliteration (a name already in Latin letters included: "Zoé" is found
    by "Zoe")."""
    given = answers.get(journey_ids.LATIN_NAME)
    if isinstance(given, str) and given and given not in (CONFIRM, WRITE):
        return given
    return full_latin(first_name, last_name)


def shown_beside(name: str, latin: str | None) -> str:
    """ "أمينة Benali (Amina Benali)" for staff; a name already in Latin letters as it is."""
    if not latin or is_latin(name):
        return name
    return f"{name} ({latin})"
