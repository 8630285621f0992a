"""Orientation beyond the job (issue 25), played as people would: the needs question after the
result and its "Je préfère passer"; the services near her after filing and at each dead end,
with their map pins (and a Bot API that refuses them); what staff see (card, export, /stats);
the directory imported from data·inclusion's files, a malformed row refused with its line.

The services are fictional (tests/orientation/data/services-fictifs.*): nothing real ships."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.orientation.rules import rows_of, validate
from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journey.test_languages import tr
from tests.journeys import (
    AFTER_VERDICT,
    PAS_POUR_VOUS,
    PROBABLE,
    file_as,
    nadia,
    play,
)

DATA = Path(__file__).parent / "data"
QUESTION = "Avez-vous besoin d'aide pour l'un de ces points ?"
NEEDS = ["Garde d'enfants", "Transport", "Logement", "Santé", "Papiers", "Apprendre le français"]
NEAR_HER = "De l'aide près de chez vous (93300) :"
NEAR_US = "Je ne connais pas votre code postal. Voici de l'aide près de chez nous (93300) :"


def load_fictional_services(bot: Bot) -> None:
    """The fictional directory, as `services import` would load it (its good rows)."""
    text = (DATA / "services-fictifs.json").read_text(encoding="utf-8")
    good = []
    for row in rows_of("services-fictifs.json", text):
        try:
            good.append(validate(row.raw, today=date(2026, 3, 2)))
        except ValueError:
            continue
    bot.store.import_services(good)


async def reach_needs(chat: Chat) -> None:
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")


def after_needs() -> list[tuple[str, str]]:
    return AFTER_VERDICT[1:]  # the rest of the journey, the needs question answered


async def file_with_needs(bot: Bot, user_id: int, name: str, needs: list[str]) -> Chat:
    chat = bot.chat(user_id, name)
    await reach_needs(chat)
    for need in needs:
        await chat.tap(need)
    await chat.tap("Valider mes choix" if needs else "Je préfère passer")
    await play(chat, [("send", name) if s == ("send", "Awa") else s for s in after_needs()])
    await chat.tap("✅ Envoyer ma candidature")
    return chat


def texts_after(bot: Bot, user_id: int, start: str) -> list[str]:
    texts = [m.text for m in bot.api.bot_messages(user_id)]
    index = max(i for i, t in enumerate(texts) if t.startswith(start))
    return texts[index:]


# --- the question ----------------------------------------------------------------------------


async def test_the_needs_question_comes_after_the_result_and_takes_several_taps(bot: Bot) -> None:
    chat = bot.chat()
    await reach_needs(chat)
    assert "Étape 3 sur 8 · Le résultat" in chat.last.text
    assert QUESTION in chat.last.text
    assert chat.buttons() == [*NEEDS, "Je préfère passer", "◀️ Retour"]
    await chat.tap("Garde d'enfants")
    await chat.tap("Logement")
    assert "Vos choix : Garde d'enfants, Logement" in chat.last.text
    assert chat.buttons()[:3] == ["✅ Garde d'enfants", "Transport", "✅ Logement"]
    assert "Valider mes choix" in chat.buttons()
    # Typed text: the journey's kind answer, and the question again.
    await chat.send("j'ai besoin d'une crèche")
    assert "Je n'ai pas compris. Touchez un des boutons, s'il vous plaît." in chat.texts()[-2]
    assert QUESTION in chat.last.text
    # Kept as the journey keeps answers: a restart loses nothing.
    await bot.restart()
    chat = bot.chat()  # a new process: the same person
    await chat.tap("✅ Logement")  # untick
    assert "Vos choix : Garde d'enfants" in chat.last.text
    await chat.tap("Valider mes choix")
    assert "✔️ Garde d'enfants" in chat.last.text
    assert "Quels ateliers vous intéressent ?" in chat.last.text
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and draft.answers["besoins"] == ["garde_enfants"]


async def test_i_prefer_to_skip_goes_on_and_nothing_is_sent_after_filing(bot: Bot) -> None:
    load_fictional_services(bot)
    chat = bot.chat()
    await reach_needs(chat)
    await chat.tap("Je préfère passer")
    assert "✔️ Je préfère passer" in chat.last.text
    assert "Quels ateliers vous intéressent ?" in chat.last.text
    await play(chat, after_needs())
    await chat.tap("✅ Envoyer ma candidature")
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None and application.answers["besoins"] == "passer"
    assert not any("De l'aide près de chez vous" in t for t in chat.texts())
    card = bot.api.last(STAFF_ID).text
    assert "🧭 Besoin d'aide : préfère ne pas répondre" in card


# --- after filing ----------------------------------------------------------------------------


async def test_services_near_her_after_filing_with_their_map_pins(bot: Bot) -> None:
    load_fictional_services(bot)
    chat = await file_with_needs(bot, CANDIDATE_ID, "Awa", ["Garde d'enfants", "Logement", "Santé"])
    texts = texts_after(bot, CANDIDATE_ID, NEAR_HER)
    childcare = next(t for t in texts if t.startswith("🧒 Garde d'enfants"))
    # Three at most: her postcode first, then her department, by name.
    assert childcare.count("• ") == 3
    assert childcare.index("Crèche fictive des Tilleuls") < childcare.index("Arc-en-ciel")
    assert "Zèbre garde fictive" not in childcare
    assert "Pour faire garder vos enfants." in childcare
    assert "📍 1 rue Imaginaire, 93300 Villefictive" in childcare
    assert "📞 01 00 00 00 01" in childcare
    assert "🕘 lundi-vendredi 08:30-12:30 · fermé les jours fériés" in childcare
    assert "💶 Gratuit" in childcare and "💶 Payant" in childcare
    housing = next(t for t in texts if t.startswith("🏠 Logement"))
    assert "Accueil logement fictif" in housing and "Pour trouver où dormir." in housing
    assert "🕘 lundi,mercredi 14:00-17:00" in housing
    health = next(t for t in texts if t.startswith("🩺 Santé"))
    assert "Je ne connais pas encore d'aide près de chez vous pour cela." in health
    venues = [m for m in bot.api.bot_messages(CANDIDATE_ID) if m.kind == "venue"]
    assert [v.venue["title"] for v in venues if v.venue] == [
        "Crèche fictive des Tilleuls",
        "Accueil logement fictif",
    ]
    # What she named is hers to read, in words (/mesdonnees).
    await chat.send("/mesdonnees")
    assert any("Garde d'enfants, Logement, Santé" in t for t in chat.texts())


async def test_a_refused_map_pin_does_not_break_anything(bot: Bot) -> None:
    load_fictional_services(bot)
    bot.api.fail("sendVenue", code=400, description="Bad Request: venues are disabled", times=None)
    await file_with_needs(bot, CANDIDATE_ID, "Awa", ["Garde d'enfants", "Logement"])
    texts = texts_after(bot, CANDIDATE_ID, NEAR_HER)
    assert any(t.startswith("🧒 Garde d'enfants") for t in texts)
    assert any(t.startswith("🏠 Logement") for t in texts)  # after the refused pin
    assert not [m for m in bot.api.bot_messages(CANDIDATE_ID) if m.kind == "venue"]
    assert any("IS-2026-0001" in m.text for m in bot.api.bot_messages(STAFF_ID))


async def test_in_arabic_except_the_services_own_names_and_addresses(bot: Bot) -> None:
    load_fictional_services(bot)
    chat = bot.chat(language_code="ar")
    await chat.send("/start")
    await play(chat, tr("ar", PROBABLE))
    await chat.tap(tr("ar", [("tap", "Continuer")])[0][1])
    assert "هل تحتاج إلى مساعدة في أحد هذه الأمور؟" in chat.last.text
    await chat.tap("رعاية الأطفال")  # Garde d'enfants
    await chat.tap("تأكيد اختياراتي")  # Valider mes choix
    await play(chat, tr("ar", after_needs()))
    await chat.tap(tr("ar", [("tap", "✅ Envoyer ma candidature")])[0][1])
    texts = texts_after(bot, CANDIDATE_ID, "مساعدة قريبة منك (93300):")
    childcare = texts[1]
    assert childcare.startswith("🧒 رعاية الأطفال")
    assert "لرعاية أطفالك." in childcare and "مجاني" in childcare
    # The services' own names and addresses as published.
    assert "Crèche fictive des Tilleuls" in childcare
    assert "1 rue Imaginaire, 93300 Villefictive" in childcare
    assert "Garde d'enfants" not in childcare and "Gratuit" not in childcare


# --- what staff see --------------------------------------------------------------------------


async def test_needs_on_the_card_in_the_export_and_in_stats(bot: Bot) -> None:
    await file_with_needs(bot, 2001, "Awa", ["Garde d'enfants", "Transport"])
    await file_with_needs(bot, 2002, "Binta", [])
    await file_as(bot, 2003, "Chloé", "Martin")  # the shared script: "Je préfère passer"
    card = next(m.text for m in bot.api.bot_messages(STAFF_ID) if "IS-2026-0001" in m.text)
    assert "🧭 Besoin d'aide : Garde d'enfants, Transport" in card
    staff = nadia(bot)
    await staff.send("/export csv")
    data = staff.last.data
    assert data is not None
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    columns = [header.index(f"Besoin : {need}") for need in NEEDS]
    assert [rows[1][c] for c in columns] == ["oui", "oui", "non", "non", "non", "non"]
    assert [rows[2][c] for c in columns] == ["non"] * 6
    # A dead end's answer counts too, without a name.
    child = bot.chat(2004, "Lina")
    await child.send("/start")
    await child.tap("J'accepte")
    await child.tap("Moins de 16 ans")
    await child.tap("Santé")
    await child.tap("Valider mes choix")
    await staff.send("/stats")
    shown = [m.text for m in bot.api.bot_messages(STAFF_ID) if m.text.startswith("📊")][-1]
    assert (
        "🧭 Besoins d'aide (candidatures envoyées) : Garde d'enfants 1 · Transport 1 · "
        "préfère ne pas répondre 2" in shown
    )
    assert "🧭 Besoins d'aide (fins de parcours, sans nom) : Santé 1" in shown


# --- at each dead end ------------------------------------------------------------------------


async def test_under_16_gets_the_question_and_services_near_the_structure(bot: Bot) -> None:
    load_fictional_services(bot)
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    await chat.tap("Moins de 16 ans")
    assert "Ce travail est pour les personnes de 16 ans ou plus." in chat.texts()[-2]
    assert QUESTION in chat.last.text
    assert chat.buttons() == [*NEEDS, "Je préfère passer"]
    await chat.tap("Garde d'enfants")
    await chat.tap("Logement")
    assert "Vos choix : Garde d'enfants, Logement" in chat.last.text
    await bot.restart()  # the buttons carry the choices: nothing kept, nothing lost
    chat = bot.chat()
    await chat.tap("Valider mes choix")
    texts = texts_after(bot, CANDIDATE_ID, "✔️ Garde d'enfants, Logement")
    assert texts[1] == NEAR_US  # she gave no postcode: near the structure, and said so
    assert any("Crèche fictive des Tilleuls" in t for t in texts)
    assert any("Accueil logement fictif" in t for t in texts)
    assert [m.kind for m in bot.api.bot_messages(CANDIDATE_ID)][-1] == "venue"
    # Nothing about her is kept.
    assert bot.store.applications_of(CANDIDATE_ID) == []
    assert bot.store.conversation(CANDIDATE_ID) is None


async def test_no_right_to_work_gets_the_question_below_the_result(bot: Bot) -> None:
    load_fictional_services(bot)
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PAS_POUR_VOUS[:-1])  # the needs question not answered yet
    assert "Ce travail n'est sans doute pas pour vous." in chat.texts()[-2]
    assert QUESTION in chat.last.text
    await chat.tap("Logement")
    await chat.tap("Valider mes choix")
    texts = texts_after(bot, CANDIDATE_ID, "✔️ Logement")
    assert texts[1] == NEAR_US
    assert any("Accueil logement fictif" in t for t in texts)
    # The result's own buttons still work above.
    await chat.tap("Non merci")
    assert bot.store.applications_of(CANDIDATE_ID) == []


async def test_pas_pour_vous_near_her_postcode_and_a_refused_pin(bot: Bot) -> None:
    load_fictional_services(bot)
    bot.api.fail("sendVenue", code=400, description="Bad Request: venues are disabled", times=None)
    chat = bot.chat()
    await chat.send("/start")
    for label in [
        "J'accepte",
        "26 à 49 ans",
        "Oui",
        "Je veux bien répondre",
        "Non",  # RSA
        "Non",  # ASS
        "Non",  # AAH
        "Non",  # France Travail
        "Non",  # RQTH
        "Bac ou plus",
        "Non",  # parent seul
        "Dans mon logement",
        "Non",  # réfugié
        "Non",  # justice
        "Bien",
        "Oui",
    ]:
        await chat.tap(label)
    await chat.send("75007")
    assert "Ce travail n'est sans doute pas pour vous." in chat.texts()[-2]
    await chat.tap("Transport")
    await chat.tap("Valider mes choix")
    texts = texts_after(bot, CANDIDATE_ID, "✔️ Transport")
    assert texts[1] == "De l'aide près de chez vous (75007) :"
    assert "Vélo solidaire fictif" in texts[2]
    assert "Pour trouver un vélo ou un trajet partagé." in texts[2]
    assert not [m for m in bot.api.bot_messages(CANDIDATE_ID) if m.kind == "venue"]
    # "Je préfère passer" on another dead end takes the question away.
    other = bot.chat(2002, "Rose")
    await other.send("/start")
    await play(other, PAS_POUR_VOUS)
    assert "Ce travail n'est sans doute pas pour vous." in other.last.text
    assert QUESTION not in "\n".join(other.texts())


# --- the directory ---------------------------------------------------------------------------


def _cli(bot: Bot, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env["TREMPLIN_ENV_FILE"] = os.devnull  # never a developer's .env
    env["TREMPLIN_DATABASE"] = str(bot.settings.database)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=bot.settings.database.parent,
        timeout=120,
    )


async def test_import_json_refuses_the_malformed_row_with_its_index_and_reason(bot: Bot) -> None:
    result = _cli(bot, "services", "import", str(DATA / "services-fictifs.json"))
    assert result.returncode == 1
    assert (
        "services-fictifs.json: index 6: refused: thematiques: 'famille--garde-inventee' "
        "is not a value of the schema" in result.stderr
    )
    assert "6 service(s) imported, 1 refused, from services-fictifs.json." in result.stdout
    listed = _cli(bot, "services", "list")
    assert listed.returncode == 0
    out = listed.stdout
    # The structure's own contacts first, then the services loaded.
    assert out.index("France Travail") < out.index("# Services loaded: 6")
    assert "Crèche fictive des Tilleuls" in out and "Service fictif mal écrit" not in out


async def test_import_csv_refuses_the_malformed_row_with_its_line_and_reason(bot: Bot) -> None:
    result = _cli(bot, "services", "import", str(DATA / "services-fictifs.csv"))
    assert result.returncode == 1
    assert "services-fictifs.csv: line 8: refused: nom: required, missing or empty" in result.stderr
    assert "6 service(s) imported, 1 refused, from services-fictifs.csv." in result.stdout
    # Imported again: replaced, not doubled.
    _cli(bot, "services", "import", str(DATA / "services-fictifs.csv"))
    assert "# Services loaded: 6" in _cli(bot, "services", "list").stdout
    # A file that is not a list of services at all.
    wrong = bot.settings.database.parent / "pas-des-services.json"
    wrong.write_text('{"nom": "x"}', encoding="utf-8")
    refused = _cli(bot, "services", "import", str(wrong))
    assert refused.returncode == 2
    assert "JSON must be a list of services" in refused.stderr
