"""From "eligible" to "hired" (issue #16): the proofs each criterion needs, what each person
is told to bring, and the staff's checklist on the card (through the local Bot API)."""

from __future__ import annotations

import io
import shutil
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from bot.core.dialogs import load_dialogs
from bot.core.rules import proofs
from bot.core.settings import PROJECT_ROOT
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot, make_settings
from tests.journeys import AFTER_VERDICT, add_slot, file_application, label, nadia, play

CAF = "Pour le RSA : votre attestation de la CAF, de moins de 3 mois."
MDPH = "Pour le handicap : la notification de la MDPH."
IDENTITY = "Une pièce d'identité ou un titre de séjour."
# RSA "oui" and RQTH "je ne sais pas": the shipped journey stops asking level-2 questions
# once RSA makes the person eligible, so this copy asks RQTH anyway.
RSA_AND_RQTH_UNSURE = [
    ("tap", "J'accepte"),
    ("tap", "26 à 49 ans"),
    ("tap", "Oui"),  # droit de travailler
    ("tap", "Je veux bien répondre"),
    ("tap", "Oui"),  # RSA
    ("tap", "Non"),  # inscrit France Travail
    ("tap", "Je ne sais pas"),  # RQTH
    ("tap", "Bien"),
    ("tap", "Oui"),
    ("tap", "93300 Aubervilliers"),
]


@pytest.fixture
async def asks_rqth(tmp_path: Path) -> Bot:
    from localapi import LocalBotApi
    from tests.conftest import Bot as Harness
    from tests.conftest import Clock

    dialogs = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", dialogs)
    journey = dialogs / "journey.toml"
    text = journey.read_text()
    start = text.index('id = "rqth"')
    end = text.index("[[steps]]", start)
    journey.write_text(
        text[:start] + text[start:end].replace("skip_when_eligible = true\n", "") + text[end:]
    )
    harness = Harness(
        settings=make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs)),
        api=LocalBotApi(),
        clock=Clock(),
    )
    await harness.start()
    yield harness  # type: ignore[misc]
    await harness.stop()


async def test_the_person_is_told_her_own_proofs_when_filed_and_the_evening_before(
    asks_rqth: Bot,
) -> None:
    bot = asks_rqth
    slot = add_slot(bot, days=3)
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, RSA_AND_RQTH_UNSURE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT[:-1])
    await chat.tap(label(slot))
    await chat.tap("✅ Envoyer ma candidature")
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    assert application.criteria == {"rsa": "rempli", "th": "a_verifier", "qpv": "a_verifier"}
    # Once at filing (issue 21): with the date she booked, not also in the "envoyé" message.
    filed = next(t for t in chat.texts() if "Votre numéro de candidature" in t)
    assert "apporter" not in filed
    (confirmation,) = [t for t in chat.texts() if CAF in t]
    assert f"À apporter :\n• {IDENTITY}\n• {CAF}\n• {MDPH}" in confirmation
    # The evening before: the reminder says it again.
    booking = bot.store.active_booking_of(application.id)
    assert booking is not None
    bot.clock.now = slot.start - timedelta(hours=20)  # 18 h in Paris, the evening before
    jobs = bot.application.job_queue.get_jobs_by_name(f"reminder:{booking.id}:veille")  # type: ignore[attr-defined]
    await jobs[0].run(bot.application)
    reminder = chat.texts()[-1]
    assert reminder.startswith("📅 C'est demain")
    # Her proofs, one line each, level 1 first (QPV, "à vérifier", is last).
    assert f"\n\nÀ apporter :\n• {IDENTITY}\n• {CAF}\n• {MDPH}\n• Pour votre adresse" in reminder
    await chat.send("/rdv")
    assert f"• {CAF}" in chat.last.text and f"• {MDPH}" in chat.last.text


async def test_at_most_five_lines_to_bring_identity_first(bot: Bot) -> None:
    dialogs = load_dialogs(PROJECT_ROOT / "dialogs")
    many = {c: "a_verifier" for c in dialogs.criteria}
    lines = proofs.bring_lines(dialogs, many, {})
    assert len(lines) == proofs.MAX_BRING_LINES
    assert lines[0] == IDENTITY
    assert lines[1].startswith("Pour le RSA")  # level 1 first


async def test_staff_mark_a_proof_seen_and_the_card_says_eligibility_verified(bot: Bot) -> None:
    await file_application(bot.chat())  # RSA "oui", QPV to check
    staff = nadia(bot)
    card = bot.api.last(STAFF_ID)
    assert "✅ Bénéficiaire du RSA (déclaré)" in card.text
    assert "Éligibilité vérifiée" not in card.text
    # Accepting before any proof is seen: the alert names what is missing.
    await staff.tap("✅ Accepter")
    assert staff.alerts[-1] == (
        "Attention : justificatifs pas encore vus : RSA, QPV. Vérifiez avant d'accepter."
    )
    await staff.tap("◀️ Retour")
    await staff.tap("📄 Justificatif vu : RSA")
    assert staff.buttons() == ["📄 Oui, justificatif vu : RSA", "◀️ Retour"]
    assert bot.store.proofs_seen(1) == {}  # one tap records nothing
    await staff.tap("📄 Oui, justificatif vu : RSA")
    assert staff.alerts[-1] == "C'est noté."
    card = next(m for m in bot.api.bot_messages(STAFF_ID) if m.message_id == card.message_id)
    assert "📄 Bénéficiaire du RSA : justificatif vu par Nadia le lundi 2 mars 2026" in card.text
    assert "✔️ Éligibilité vérifiée le lundi 2 mars 2026" in card.text
    assert "📄 Justificatif vu : RSA" not in card.buttons()
    assert "📄 Justificatif vu : QPV" in card.buttons()
    events = bot.store.db.execute(
        "SELECT actor, action, to_state FROM events WHERE action = 'proof:seen'"
    ).fetchall()
    assert events == [(f"staff:{STAFF_ID}", "proof:seen", "rsa")]
    # Eligible by the rule now: "Accepter" asks only its usual confirmation.
    await staff.tap("✅ Accepter")
    assert staff.buttons() == ["✅ Oui, accepter", "◀️ Retour"]
    # The old "seen" button, tapped again (a double tap), records nothing twice.
    await staff.tap("◀️ Retour")


async def test_the_export_has_each_criterion_with_its_proof(bot: Bot) -> None:
    await file_application(bot.chat())
    staff = nadia(bot)
    await staff.tap("📄 Justificatif vu : RSA")
    await staff.tap("📄 Oui, justificatif vu : RSA")
    await staff.send("/export")
    sheet = openpyxl.load_workbook(io.BytesIO(staff.last.data or b""))["Candidatures"]
    rows = list(sheet.iter_rows(values_only=True))
    header, row = list(rows[0]), list(rows[1])
    assert row[header.index("Critère RSA")] == "justificatif vu"
    assert row[header.index("Critère RSA : justificatif vu le")] is not None
    assert row[header.index("Critère QPV")] == "à vérifier"
    assert row[header.index("Critère QPV : justificatif vu le")] is None
    assert row[header.index("Critère RQTH")] is None
    assert row[header.index("Éligibilité vérifiée le")] is not None


def test_two_criteria_that_cannot_both_hold_are_never_both_counted() -> None:
    dialogs = load_dialogs(PROJECT_ROOT / "dialogs")
    assert dialogs.rule.level2_needed == 3
    # Under 26 and 50 or over cannot both be true: with a diploma proof, two count, not three.
    assert not proofs.verified(dialogs, {"jeune", "senior", "niveau_etude"})
    assert proofs.verified(dialogs, {"jeune", "niveau_etude", "hebergement"})
    assert len(proofs.counted({"detld", "deld"})) == 1


def test_check_refuses_a_criterion_without_a_proof(tmp_path: Path) -> None:
    from bot.checks import run_checks

    dialogs = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", dialogs)
    path = dialogs / "eligibility.toml"
    text = path.read_text()
    start = text.index("[criteria.ase]")
    line = text.index("proofs = ", start)
    path.write_text(text[:line] + text[text.index("\n", line) + 1 :])
    problems = run_checks(make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs)))
    assert any("criterion 'ase'" in p and "needs at least one proof" in p for p in problems)
