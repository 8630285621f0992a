"""The candidate's texts follow the plain-French rules of ../shared/design/falc.md: short
sentences, few per message, short buttons, no unexplained abbreviation."""

from __future__ import annotations

import re

import pytest

from bot.core.dialogs import load_dialogs
from bot.core.settings import PROJECT_ROOT

DIALOGS = load_dialogs(PROJECT_ROOT / "dialogs")
FORBIDDEN = re.compile(r"\b(IAE|SIAE|ACI|ETTI|DETLD|DELD|BOE)\b")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _candidate_texts() -> list[tuple[str, str]]:
    texts = []
    for step in DIALOGS.steps:
        texts.append((step.id, " ".join(t for t in (step.text, step.hint) if t)))
    texts += [(f"messages.{key}", value) for key, value in DIALOGS.messages.items()]
    texts += [(f"states.{key}", value) for key, value in DIALOGS.states.items()]
    texts += [(f"flags.{f.id}", f.candidate) for f in DIALOGS.flags.values() if f.candidate]
    return texts


@pytest.mark.parametrize(("where", "text"), _candidate_texts())
def test_short_sentences_and_no_jargon(where: str, text: str) -> None:
    assert not FORBIDDEN.search(text), where
    for sentence in _sentences(text):
        assert len(sentence.split()) <= 20, (where, sentence)
    # At most 3 sentences a message; the consent question adds one line on rights.
    assert len(_sentences(text)) <= (4 if where == "accord" else 3), where


def test_buttons_are_short_answers() -> None:
    for step in DIALOGS.steps:
        for option in (*step.options, *step.quick):
            assert 1 <= len(option.label.split()) <= 4, (step.id, option.label)
    for workshop in DIALOGS.workshops:
        assert len(workshop.label.split()) <= 4, workshop.label
