"""Small defects of issue #13, each played as the person meets it: the e-mail step's
"Retour", a command line piped into `head`, the structure's phone still empty, and the
refusal "Doute sur l'éligibilité"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CANDIDATE_ID, Bot
from tests.journeys import AFTER_VERDICT, PROBABLE, play
from tests.referrers.test_cli import USERNAME


async def _at_the_email_question(bot: Bot):  # type: ignore[no-untyped-def]
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT[:8])  # up to the phone number
    assert "Avez-vous une adresse e-mail" in chat.last.text
    return chat


async def test_back_from_the_email_question_goes_straight_to_the_phone_question(bot: Bot) -> None:
    chat = await _at_the_email_question(bot)
    await chat.tap("◀️ Retour")
    texts = chat.texts()
    assert "Quel est votre numéro de téléphone ?" in texts[-1]
    assert "Votre numéro : 06 12 34 56 78" in texts[-1]
    assert "📱 Envoyer mon numéro" in chat.buttons()
    # No "✔️ D'accord." where the e-mail question was, and that question is gone.
    assert not any(t.startswith("✔️ D'accord") for t in texts[-3:]), texts[-3:]
    assert "Avez-vous une adresse e-mail" not in texts[-2]
    assert bot.store.conversation(CANDIDATE_ID).step == "telephone"  # type: ignore[union-attr]
    # The journey goes on from there.
    await chat.share_contact(phone="+33612345678")
    assert "Avez-vous une adresse e-mail" in chat.last.text


async def test_the_email_question_has_no_empty_answer_line_when_modified(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT)  # the e-mail skipped with "Passer"
    assert "Vérifiez vos réponses" in chat.last.text
    await chat.tap("Modifier : Vos coordonnées")
    await chat.tap("✏️ Quel est votre prénom ?")
    assert "Votre réponse : Awa" in chat.last.text  # a typed answer is shown
    await chat.send("Awa")
    await chat.tap("Modifier : Vos coordonnées")
    await chat.tap("✏️ E-mail")
    question = chat.last.text
    assert "Avez-vous une adresse e-mail" in question
    assert "Votre réponse" not in question, question
    # With an address, the line shows it.
    await chat.send("awa@exemple.fr")
    await chat.tap("Modifier : Vos coordonnées")
    await chat.tap("✏️ E-mail")
    assert "Votre réponse : awa@exemple.fr" in chat.last.text


def test_a_command_piped_into_a_reader_that_closes_early_exits_quietly(tmp_path: Path) -> None:
    """`python -m bot referrers add … | head -1`: no traceback once `head` has gone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env["TREMPLIN_ENV_FILE"] = os.devnull  # never a developer's .env
    env.update(
        {
            "TREMPLIN_DATABASE": str(tmp_path / "var" / "tremplin.sqlite3"),
            "TREMPLIN_BOT_USERNAME": USERNAME,
        }
    )
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "bot",
                "referrers",
                "add",
                "Mission locale",
                "--kind",
                "mission_locale",
                "--qr",
                str(tmp_path / "ml.png"),
            ],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in result.stderr, result.stderr
    assert "BrokenPipeError" not in result.stderr
    assert result.returncode == 141
    # The command itself was done: the referrer is added and its QR code written.
    assert (tmp_path / "ml.png").is_file()
