"""What a person types where a button is expected: the one option the text clearly means.

Many candidates type the answer instead of tapping it ("je sais pas", "Non.", "34 ans",
"Atelier bois"). A typed answer counts when it points at exactly one option; anything
doubtful counts for nothing (the bot then asks to tap a button). Pure functions of the text
and of the labels the person sees (already translated).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# Ways of typing the three answers every question has (after `normalise`).
_FAMILIES: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "je ne sais pas",
        frozenset(
            {
                "je ne sais pas",
                "je sais pas",
                "j sais pas",
                "jsais pas",
                "je sai pas",
                "sais pas",
                "sait pas",
                "chais pas",
                "chai pas",
                "jsp",
                "nsp",
                "je ne sais",
                "aucune idee",
                "pas sur",
                "pas sure",
                "je suis pas sur",
                "je suis pas sure",
                "je ne suis pas sur",
                "je ne suis pas sure",
            }
        ),
    ),
    ("oui", frozenset({"oui", "ouais", "ouai", "ouii", "o", "yes", "oui oui"})),
    ("non", frozenset({"non", "nan", "n", "no", "nope", "non non"})),
)
# Words too common to point at one option by themselves.
_COMMON = frozenset(
    [
        "a",
        "au",
        "aux",
        "de",
        "des",
        "du",
        "en",
        "et",
        "la",
        "le",
        "les",
        "un",
        "une",
        "ou",
        "je",
        "j",
        "mon",
        "ma",
        "mes",
        "dans",
        "chez",
        "ne",
        "c",
        "est",
        "pour",
        "par",
        "sur",
        "avec",
    ]
)
# Words that turn a label around ("Pas de diplôme"): a typed text must say them too.
_NEGATIONS = frozenset({"pas", "non", "sans", "ne", "moins", "jamais", "aucun", "aucune"})
_YEARS = re.compile(r"^(?:j ai |j en ai )?(\d{1,3}) ?(?:ans?)?$")
_MOINS_DE = re.compile(r"^moins de (\d{1,3}) ans?$")
_ENTRE = re.compile(r"^(?:de |entre )?(\d{1,3}) (?:a|et) (\d{1,3}) ans?$")
_OU_PLUS = re.compile(r"^(\d{1,3}) ans? ou plus$")
_PLUS_DE = re.compile(r"^plus de (\d{1,3}) ans?$")
_OLDEST = 120
# Several choices typed at once ("bois, métallerie").
_SEPARATORS = re.compile(r"\s*(?:[,;/+&]|\bet\b|\bpuis\b)\s*")


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation or emoji, single spaces: "Non." → "non",
    "J'sais pas !" → "j sais pas", "📅 Atelier Bois" → "atelier bois"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        kept.append(char if char.isalnum() else " ")
    return " ".join("".join(kept).split())


def years_in(text: str) -> int | None:
    """A number of years typed alone: "34", "34 ans", "j'ai 34 ans"; None otherwise."""
    found = _YEARS.match(normalise(text))
    if found is None:
        return None
    years = int(found.group(1))
    return years if years <= _OLDEST else None


def year_range(label: str) -> tuple[int, int] | None:
    """The years an option's label covers: "Moins de 16 ans" → (0, 15), "16 à 25 ans" →
    (16, 25), "50 ans ou plus" → (50, 120), "Plus de 2 ans" → (3, 120); None for other
    labels."""
    words = normalise(label)
    if found := _MOINS_DE.match(words):
        return 0, int(found.group(1)) - 1
    if found := _ENTRE.match(words):
        return int(found.group(1)), int(found.group(2))
    if found := _OU_PLUS.match(words):
        return int(found.group(1)), _OLDEST
    if found := _PLUS_DE.match(words):
        return int(found.group(1)) + 1, _OLDEST
    return None


def match_option(text: str, options: Sequence[tuple[str, str]]) -> str | None:
    """The id of the one option `text` means, among `options` as (id, label shown); None
    when it means none of them, or could mean more than one.

    In order: the label itself (case, accents, punctuation and spaces aside); a usual way of
    saying "Je ne sais pas", "Oui" or "Non" ("je sais pas", "nsp", "ouais", "nan"); a number
    of years inside one range ("34 ans" for "26 à 49 ans"); words found in one label only
    ("bois" for "Atelier bois"), never leaving out a "pas" or a "moins" of the label."""
    typed = normalise(text)
    if not typed:
        return None
    labels = [(option_id, normalise(label)) for option_id, label in options]
    found = _one(option_id for option_id, label in labels if label == typed)
    if found is not None:
        return found
    for canonical, ways in _FAMILIES:
        if typed in ways:
            return _one(option_id for option_id, label in labels if label == canonical)
    years = years_in(typed)
    if years is not None:
        ranges = [(option_id, year_range(label)) for option_id, label in options]
        return _one(option_id for option_id, span in ranges if span and span[0] <= years <= span[1])
    words = set(typed.split())
    if not any(len(word) >= 3 and word not in _COMMON for word in words):
        return None
    return _one(
        option_id
        for option_id, label in labels
        if words <= set(label.split()) and (set(label.split()) & _NEGATIONS) <= words
    )


def match_options(text: str, options: Sequence[tuple[str, str]]) -> list[str]:
    """The options `text` names, in the order typed, for a question with several answers
    ("bois, métallerie" or "bois et hôtel"); empty unless every part names one option."""
    whole = match_option(text, options)
    if whole is not None:
        return [whole]
    parts = [part for part in _SEPARATORS.split(normalise_separators(text)) if part.strip()]
    if len(parts) < 2:
        return []
    chosen: list[str] = []
    for part in parts:
        option_id = match_option(part, options)
        if option_id is None:
            return []
        if option_id not in chosen:
            chosen.append(option_id)
    return chosen


def normalise_separators(text: str) -> str:
    """`text` in lower case without accents, its commas and slashes kept (for splitting)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _one(ids: Iterable[str]) -> str | None:
    found = list(dict.fromkeys(ids))
    return found[0] if len(found) == 1 else None
