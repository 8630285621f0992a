"""Another structure by configuration alone (issue 25): the fictional "Atelier Fictif de Test"
(tests/structures/fictive/: its structure.toml, its workshops and its own catalogs, the other
dialogs as shipped) runs the whole bot. A candidate comes through a referrer's link, walks the
journey, books a slot, gets its reminder, the staff refuse; she reads /statut, /rdv and
/mesdonnees, the staff /aide, /file and the exports; a used linking link is refused. In French
and in Arabic. Everything shown names the fictional structure and nothing of the shipped one:
no "Initiatives Solidaires", "Aubervilliers", "Félix Faure", "IS-" nor "93", in the texts, the
buttons, the map pin, the calendar file, the exports, the personal data file, the menus."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from bot.core import i18n
from bot.core.i18n import _
from bot.core.services import services
from bot.core.settings import PROJECT_ROOT
from bot.orientation import views as orientation_views
from bot.referrers.store import Referrer
from localapi import Chat, LocalBotApi, SentMessage
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot, Clock, make_settings
from tests.journeys import AFTER_VERDICT, NEEDS_SKIPPED, PROBABLE, add_slot, nadia
from tests.journeys import label as slot_label
from tests.referrers.test_followup import REFERRER_ID, linking_payload
from tests.slots.test_reminders import booking_id, run_job

FICTIVE = Path(__file__).parent / "fictive"
SHIPPED = ("Initiatives Solidaires", "Aubervilliers", "Félix Faure", "IS-", "93")
POSTCODE = "99100 Villefictive-sur-Test"


def fictive_dialogs(tmp_path: Path) -> Path:
    """The structure's folder as a deployment has it: the shipped dialogs, its own
    structure.toml and workshops.toml, and its own catalogs (locales/)."""
    folder = tmp_path / "atelier-fictif"
    folder.mkdir()
    for source in (PROJECT_ROOT / "dialogs").glob("*.toml"):
        shutil.copyfile(source, folder / source.name)
    for own in FICTIVE.glob("*.toml"):
        shutil.copyfile(own, folder / own.name)
    shutil.copytree(FICTIVE / "locales", folder / "locales")
    return folder


@pytest.fixture
async def fictive(tmp_path: Path) -> AsyncIterator[Bot]:
    settings = make_settings(tmp_path, TREMPLIN_DIALOGS=str(fictive_dialogs(tmp_path)))
    harness = Bot(settings=settings, api=LocalBotApi(), clock=Clock())
    harness.api.known_chat(STAFF_ID)
    await harness.start()
    yield harness
    await harness.stop()


class Seen:
    """Everything the bot showed so far, read again after each action (a message edited
    later showed its first text too): texts, buttons, map pins, files, alerts, menus."""

    def __init__(self, bot: Bot, *chats: int) -> None:
        self.bot = bot
        self.chats = chats
        self.texts: set[str] = set()
        self.files: dict[str, bytes] = {}

    def look(self) -> None:
        for chat_id in self.chats:
            for message in self.bot.api.bot_messages(chat_id):
                self.texts.add(message.text)
                self.texts.update(message.buttons())
                if message.venue is not None:
                    self.texts.add(json.dumps(message.venue, ensure_ascii=False))
                if message.kind == "document" and message.data is not None:
                    self.files[message.filename or "?"] = message.data
                    self.texts.add(readable(message))
        self.texts.update(str(a.get("text") or "") for a in self.bot.api.callback_answers)
        for menu in self.bot.api.commands.values():
            self.texts.update(str(command["description"]) for command in menu)

    async def play(self, chat: Chat, script: list[tuple[str, str]]) -> None:
        for action, value in script:
            if action == "tap":
                await chat.tap(value)
            elif action == "send":
                await chat.send(value)
            else:
                await chat.share_contact(phone=value)
            self.look()

    def leftovers(self, *random: str) -> list[tuple[str, str]]:
        """(word, where) for each word of the shipped structure found. `random`: the tokens
        the bot makes up (a referrer's code), which may hold any two digits."""
        found = []
        for text in self.texts:
            for token in random:
                text = text.replace(token, "<code>")
            found += [(word, text[:200]) for word in SHIPPED if word in text]
        return found


def readable(message: SentMessage) -> str:
    """A document as text: every cell of a spreadsheet, else the bytes as UTF-8."""
    assert message.data is not None
    if (message.filename or "").endswith(".xlsx"):
        workbook = openpyxl.load_workbook(io.BytesIO(message.data))
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return message.data.decode("utf-8-sig")


def in_language(language: str, script: list[tuple[str, str]]) -> list[tuple[str, str]]:
    with i18n.use(language):
        return [(action, _(value) if action == "tap" else value) for action, value in script]


def journey(language: str, slot_button: str) -> list[tuple[str, str]]:
    """PROBABLE and AFTER_VERDICT with this structure's postcode button, the referrer's
    follow-up question answered "Oui", and the slot chosen; in `language`."""
    eligibility = [("tap", POSTCODE) if step == PROBABLE[-1] else step for step in PROBABLE]
    assert PROBABLE[-1] == ("tap", "93300 Aubervilliers")  # the shipped structure's button
    after = list(AFTER_VERDICT)
    # A need named (orientation): the services' heading after filing says her postcode.
    needs = after.index(NEEDS_SKIPPED)
    after[needs : needs + 1] = [("tap", "Transport"), ("tap", "Valider mes choix")]
    after.insert(after.index(("tap", "Passer")) + 1, ("tap", "Oui"))  # the referrer follows
    after[after.index(("tap", "D'accord"))] = ("tap", "SLOT")
    script = in_language(
        language,
        [*eligibility, ("tap", "Continuer"), *after, ("tap", "✅ Envoyer ma candidature")],
    )
    return [(action, slot_button if value == "SLOT" else value) for action, value in script]


@pytest.mark.parametrize("language", ["fr", "ar"])
async def test_the_fictional_structure_shows_only_itself(fictive: Bot, language: str) -> None:
    bot = fictive
    seen = Seen(bot, CANDIDATE_ID, STAFF_ID, REFERRER_ID, 5002)
    referrer: Referrer = bot.store.add_referrer(
        "Mission locale fictive", "mission_locale", None, actor="test"
    )
    payload = await linking_payload(bot, referrer)  # staff's /orienteurs, "Lien de suivi"
    seen.look()
    follower = bot.chat(REFERRER_ID, "Samia")
    await follower.send(f"/start {payload}")
    slot = add_slot(bot, days=3)
    with i18n.use(language):
        slot_button = slot_label(slot)

    candidate = bot.chat(CANDIDATE_ID, "Awa", language_code=language)
    await candidate.send(f"/start {referrer.code}")
    seen.look()
    welcome = candidate.texts()[-2]
    assert "Atelier Fictif de Test" in welcome and "Villefictive-sur-Test" in welcome
    assert POSTCODE not in candidate.buttons()  # not yet: the postcode question comes later
    await seen.play(candidate, journey(language, slot_button))
    assert POSTCODE in seen.texts and "99200 Autreville-Fictive" in seen.texts
    with i18n.use(language):
        heading = orientation_views.message(services(bot.application), "near")
    heading = heading.format(code="99100")
    assert heading in seen.texts  # her postcode, not the shipped structure's
    with i18n.use(language):
        # Its own workshop, translated by its own catalog (French: as written).
        assert _("Jardin fictif") in seen.texts
    if language == "ar":
        assert "حديقة خيالية" in seen.texts

    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None and application.reference == "AFT-2026-0001"
    assert application.source == referrer.code
    calendar = Calendar.from_ical(seen.files["rendez-vous.ics"])
    assert str(calendar["prodid"]) == "-//Atelier Fictif de Test//Tremplin//FR"
    (event,) = calendar.events
    assert "1 rue Imaginaire, 99100 Villefictive-sur-Test" in str(event["location"])
    assert str(event["summary"]).endswith("Atelier Fictif")  # the short name
    assert str(event["uid"]).endswith("@atelier-fictif-de-test")
    venue = next(m for m in bot.api.bot_messages(CANDIDATE_ID) if m.kind == "venue")
    assert venue.venue is not None and venue.venue["title"] == "Atelier Fictif de Test"

    # The reminder the evening before names the structure.
    bot.clock.now = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)  # 18 h in Paris
    await run_job(bot, f"reminder:{booking_id(bot)}:veille")
    seen.look()
    assert any("Atelier Fictif de Test" in text for text in candidate.texts()[-1:])

    # The staff's decision: the reason names the structure's town.
    staff = nadia(bot)
    await seen.play(staff, [("send", "/aide")])
    assert "/dossier AFT-2026-0001" in staff.last.text
    await seen.play(
        staff, [("send", "/dossier AFT-2026-0001"), ("tap", "❌ Refuser"), ("tap", "Non mobile")]
    )
    refusal = next(t for t in reversed(candidate.texts()) if "AFT-2026-0001" in t)
    assert "Villefictive-sur-Test" in refusal, refusal
    assert "📬 Suivi de vos candidats" in follower.last.text  # the referrer is told
    await seen.play(follower, [("send", "/mescandidats")])

    # What the candidate asks for afterwards, what the staff export.
    await seen.play(candidate, [("send", "/statut"), ("send", "/rdv"), ("send", "/mesdonnees")])
    assert "mes-donnees-tremplin.json" in seen.files
    await seen.play(
        staff, [("send", "/file"), ("send", "/export"), ("send", "/export csv"), ("send", "/stats")]
    )
    assert any(name.endswith(".xlsx") for name in seen.files)
    assert any(name.endswith(".csv") for name in seen.files)
    assert any("AFT-2026-0001" in readable_text for readable_text in seen.texts)

    # A linking link used twice: the second person is told to ask the structure's team.
    other = bot.chat(5002, "Karim")
    await seen.play(other, [("send", f"/start {payload}")])
    assert "(Atelier Fictif de Test)" in other.last.text

    assert seen.leftovers(referrer.code, payload) == []


async def test_the_fictional_folder_passes_check(tmp_path: Path) -> None:
    from tests.system.test_cli import _bot

    result = _bot(
        tmp_path, "check", TREMPLIN_DIALOGS=str(fictive_dialogs(tmp_path)), TREMPLIN_STAFF_IDS="900"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "OK: dialogs, catalogs are valid."


def test_no_digits_of_the_shipped_departement_in_the_test_data() -> None:
    """The test above can only catch a leftover "93" if its own data holds none."""
    for path in FICTIVE.glob("*.toml"):
        assert not re.search("93", path.read_text(encoding="utf-8")), path


async def test_an_edited_structure_is_named_from_the_next_message(tmp_path: Path) -> None:
    """structure.toml changed while the bot runs: the texts name the new structure at once
    (the bot reads its dialogs again at each update), in every language."""
    async with on_a_copy_of_the_dialogs(tmp_path) as (harness, structure):
        chat = harness.chat(language_code="ar")
        await chat.send("/start")
        assert "Initiatives Solidaires" in chat.texts()[-2]
        text = structure.read_text(encoding="utf-8")
        structure.write_text(
            text.replace(
                'name = "Initiatives Solidaires"', 'name = "Atelier Fictif de Test"'
            ).replace('city = "Aubervilliers"', 'city = "Villefictive-sur-Test"'),
            encoding="utf-8",
        )
        other = harness.chat(1002, "Binta", language_code="ar")
        await other.send("/start")
        welcome = other.texts()[-2]
        assert "Atelier Fictif de Test" in welcome and "Villefictive-sur-Test" in welcome
        assert "Initiatives Solidaires" not in welcome and "Aubervilliers" not in welcome


async def test_a_new_prefix_keeps_the_numbers_already_given(tmp_path: Path) -> None:
    """reference_prefix changed: new applications take it, the count goes on, and the
    numbers already given still open their card."""
    from tests.journeys import file_as

    async with on_a_copy_of_the_dialogs(tmp_path) as (harness, structure):
        await file_as(harness, 2001, "Awa", "Diallo")
        structure.write_text(
            structure.read_text(encoding="utf-8").replace(
                'reference_prefix = "IS"', 'reference_prefix = "AB"'
            ),
            encoding="utf-8",
        )
        await file_as(harness, 2002, "Binta", "Camara")
        assert [a.reference for a in harness.store.applications_of(2002)] == ["AB-2026-0002"]
        staff = nadia(harness)
        await staff.send("/dossier IS-2026-0001")
        assert staff.last.text.startswith("📋 Candidature IS-2026-0001 · Awa Diallo")
        await staff.send("/dossier")
        assert "/dossier AB-2026-0001" in staff.last.text  # the example takes the new prefix


@asynccontextmanager
async def on_a_copy_of_the_dialogs(tmp_path: Path) -> AsyncIterator[tuple[Bot, Path]]:
    """A bot whose dialogs are a copy of the shipped ones, and its structure.toml to edit."""
    folder = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", folder)
    harness = Bot(
        settings=make_settings(tmp_path, TREMPLIN_DIALOGS=str(folder)),
        api=LocalBotApi(),
        clock=Clock(),
    )
    harness.api.known_chat(STAFF_ID)
    await harness.start()
    try:
        yield harness, folder / "structure.toml"
    finally:
        await harness.stop()
