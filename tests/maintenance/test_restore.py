"""Issue 22: a restore never brings back someone who asked to be erased. A backup taken
before an erasure or a withdrawal, restored: the erasure and the withdrawal are applied
again from the ledger beside the database (which identifies nobody), nothing else is lost;
an encrypted backup is restored with its age identity; a restore refuses while the bot runs."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from bot.core.lock import DatabaseLock
from bot.core.settings import Settings
from localapi import LocalBotApi
from tests.conftest import STAFF_ID, Bot, Clock, make_settings
from tests.journeys import file_as, nadia

ZOUBIDA, BINTA, CHLOE = 1001, 1002, 1003


def _cli(settings: Settings, *args: str, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env.update(TREMPLIN_DATABASE=str(settings.database), **env_extra)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(settings.database).parent,
        timeout=60,
    )


async def backup_now(bot: Bot) -> Path:
    """The bot's own daily backup, run now."""
    job = bot.application.job_queue.get_jobs_by_name("backup")[0]  # type: ignore[attr-defined]
    await job.run(bot.application)
    folder = Path(bot.settings.database).parent / "backups"
    (path,) = sorted(folder.glob("tremplin-*.sqlite3*"))
    return path


async def three_candidates_then_a_backup(bot: Bot) -> Path:
    await file_as(bot, ZOUBIDA, "Zoubida", "Kerbouche")
    await file_as(bot, BINTA, "Binta", "Sow", phone="+33611111111")
    await file_as(bot, CHLOE, "Chloé", "Martin", phone="+33622222222")
    path = await backup_now(bot)
    bot.clock.advance(hours=2)
    return path


async def erase_and_withdraw(bot: Bot) -> None:
    zoubida = bot.chat(ZOUBIDA, "Zoubida")
    await zoubida.send("/supprimer")
    await zoubida.tap("Oui, tout effacer")
    assert zoubida.last.text == (
        "C'est fait. Toutes vos données sont effacées. "
        "Nos copies de sécurité les gardent encore 6 mois au plus."
    )
    chloe = bot.chat(CHLOE, "Chloé")
    await chloe.send("/retirer")
    await chloe.tap("Oui, je la retire")
    assert "Votre candidature est retirée" in chloe.last.text


async def test_a_restored_backup_does_not_bring_back_an_erased_person(
    bot: Bot, settings: Settings
) -> None:
    backup = await three_candidates_then_a_backup(bot)
    assert b"Kerbouche" in backup.read_bytes()  # the backup holds her
    await erase_and_withdraw(bot)
    await bot.stop()

    restored = _cli(settings, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "Erased again: 1 person(s); withdrawn again: 1 application(s)" in restored.stdout

    await bot.start()
    staff = nadia(bot)
    await staff.send("/cherche Kerbouche")
    assert staff.last.text == "Aucune candidature ne correspond à « Kerbouche »."
    zoubida = bot.chat(ZOUBIDA, "Zoubida")
    await zoubida.send("/statut")
    assert zoubida.last.text == "Vous n'avez pas de candidature. Touchez /start pour commencer."
    # Nothing else is lost: Binta as she was, Chloé's application withdrawn again.
    await staff.send("/cherche Sow")
    assert "Binta Sow" in staff.last.text
    assert [a.state for a in bot.store.applications_of(BINTA)] == ["nouvelle"]
    assert [a.state for a in bot.store.applications_of(CHLOE)] == ["annulee"]
    # The ledger identifies nobody: no name, no id, no reference in clear.
    ledger = Path(str(settings.database) + ".erasures.log").read_text()
    for secret in ("Kerbouche", str(ZOUBIDA), str(CHLOE), "IS-2026"):
        assert secret not in ledger
    for path in (
        Path(str(settings.database) + ".erasures.log"),
        Path(str(settings.database) + ".salt"),
    ):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert path.parent != backup.parent  # outside the backups


async def test_a_person_erased_before_the_backup_who_came_back_stays(
    bot: Bot, settings: Settings
) -> None:
    """Only what was erased after the backup is applied again."""
    await file_as(bot, ZOUBIDA, "Zoubida", "Kerbouche")
    zoubida = bot.chat(ZOUBIDA, "Zoubida")
    await zoubida.send("/supprimer")
    await zoubida.tap("Oui, tout effacer")
    bot.clock.advance(days=1)
    await file_as(bot, ZOUBIDA, "Zoubida", "Kerbouche")  # she came back
    backup = await backup_now(bot)
    await bot.stop()
    assert _cli(settings, "restore", str(backup)).returncode == 0
    await bot.start()
    staff = nadia(bot)
    await staff.send("/cherche Kerbouche")
    assert "Zoubida Kerbouche" in staff.last.text


async def test_an_encrypted_backup_is_restored_with_its_identity(tmp_path: Path) -> None:
    from pyrage import x25519

    identity = x25519.Identity.generate()
    key_file = tmp_path / "key.txt"
    key_file.write_text(f"# created by age-keygen\n{identity}\n")
    recipient = {"TREMPLIN_BACKUP_AGE_RECIPIENT": str(identity.to_public())}
    settings = make_settings(tmp_path, **recipient)
    bot = Bot(settings=settings, api=LocalBotApi(), clock=Clock())
    bot.api.known_chat(STAFF_ID)
    await bot.start()
    try:
        backup = await three_candidates_then_a_backup(bot)
        assert backup.name.endswith(".sqlite3.age")
        assert b"Kerbouche" not in backup.read_bytes()  # an off-site copy holds nothing readable
        assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(backup.parent).st_mode) == 0o700
        await erase_and_withdraw(bot)
        await bot.stop()
        refused = _cli(settings, "restore", str(backup))
        assert refused.returncode == 2 and "--identity" in refused.stderr
        done = _cli(settings, "restore", str(backup), "--identity", str(key_file), **recipient)
        assert done.returncode == 0, done.stderr
        await bot.start()
        assert bot.store.applications_of(ZOUBIDA) == []
        assert [a.state for a in bot.store.applications_of(BINTA)] == ["nouvelle"]
    finally:
        await bot.stop()


async def test_restore_refuses_while_the_bot_runs(bot: Bot, settings: Settings) -> None:
    backup = await backup_now(bot)
    with DatabaseLock(Path(settings.database)):  # as `python -m bot run` holds it
        refused = _cli(settings, "restore", str(backup))
    assert refused.returncode == 3
    assert f"another copy of the bot (process {os.getpid()})" in refused.stderr
