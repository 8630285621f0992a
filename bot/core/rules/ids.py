"""The ids of `dialogs/journey.toml` that the code relies on, declared once.

Staff may reword any question, but these ids carry behaviour (the consent to sensitive
questions, the names, the e-mail, the rendez-vous step, the result's buttons). `python -m bot
check` refuses dialogs where one of them is missing or has the wrong kind.
"""

from __future__ import annotations

# Steps, with the kind each must have.
SENSITIVE_CONSENT = "accord_aides"  # "Je veux bien répondre" / "Je préfère passer"
FIRST_NAME = "prenom"
LAST_NAME = "nom"
LATIN_NAME = "nom_latin"  # the name in Latin letters, asked only when it is uncertain
EMAIL = "email"
PHONE = "telephone"
RENDEZ_VOUS = "rendez_vous"
# "L'équipe peut m'appeler": three questions after the result, then a call-back request is
# filed (not an application); asked only after that answer (their `ask_if`).
CALLBACK_NAME = "rappel_nom"
CALLBACK_PHONE = "rappel_telephone"
CALLBACK_TIME = "rappel_moment"  # its answer files the request
STEPS = {
    SENSITIVE_CONSENT: "choice",
    FIRST_NAME: "text",
    LAST_NAME: "text",
    LATIN_NAME: "text",
    PHONE: "contact",
    EMAIL: "text",
    RENDEZ_VOUS: "slot",
    CALLBACK_NAME: "text",
    CALLBACK_PHONE: "contact",
    CALLBACK_TIME: "choice",
}

# Options the code offers or reads.
CONTINUE = "continuer"  # the result's button when the workshop may be for the person
CALL_ME = "contact"  # "L'équipe peut m'appeler", when it is probably not
STOP = "stop"
NONE_FITS = "aucune"  # "Aucune de ces dates", at the rendez-vous step
VERDICT_OPTIONS = (CONTINUE, CALL_ME, STOP)
SLOT_OPTIONS = (NONE_FITS,)

# The parts the summary lets the person change, in order.
EDITABLE_SECTIONS = ("situation", "ateliers", "disponibilite", "coordonnees", "rendez_vous")


def problems_of(steps: dict[str, tuple[str, set[str]]], sections: set[str]) -> list[str]:
    """What is missing from the dialogs: `steps` maps a step id to (kind, option ids)."""
    problems = [
        f"journey.toml: the code needs a step {step_id!r} of kind {kind!r}"
        for step_id, kind in STEPS.items()
        if steps.get(step_id, ("", set()))[0] != kind
    ]
    verdict = next((options for kind, options in steps.values() if kind == "verdict"), set())
    problems += [
        f"journey.toml: the verdict step needs an option {option!r}"
        for option in VERDICT_OPTIONS
        if option not in verdict
    ]
    slot = steps.get(RENDEZ_VOUS, ("", set()))[1]
    problems += [
        f"journey.toml: the step {RENDEZ_VOUS!r} needs an option {option!r}"
        for option in SLOT_OPTIONS
        if option not in slot
    ]
    problems += [
        f"journey.toml: the summary lets people change the part {section!r}, which is missing"
        for section in EDITABLE_SECTIONS
        if section not in sections
    ]
    return problems


def verdict_key(step_id: str, verdict: str) -> str:
    """The key of a verdict's message (a voice note is recorded for each: bot/voice)."""
    return f"{step_id}.{verdict}"
