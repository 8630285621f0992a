"""Small defects of issue #13, each played as the person meets it: the e-mail step's
"Retour", a command line piped into `head`, the structure's phone still empty, and the
refusal "Doute sur l'éligibilité"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.test_referrers_cli import USERNAME


def test_a_command_piped_into_a_reader_that_closes_early_exits_quietly(tmp_path: Path) -> None:
    """`python -m bot referrers add … | head -1`: no traceback once `head` has gone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
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
