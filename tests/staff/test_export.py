"""/export and /stats in Telegram, and `python -m bot export|stats`: the XLSX opened back with
openpyxl, the CSV as French Excel reads it, the figures and the funnel, the chart."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import openpyxl

from bot.core.services import services
from bot.staff import stats
from tests.conftest import STAFF_ID, Bot
from tests.journeys import PAS_POUR_VOUS, file_as, nadia


async def some_applications(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")
    bot.clock.advance(days=31)
    await file_as(bot, 2002, "Binta", "Camara", workshops=("Stockage",))
    staff = nadia(bot)
    await staff.send("/dossier IS-2026-0001")
    await staff.tap("❌ Refuser")
    await staff.tap("Pas de poste ouvert")


async def test_export_xlsx_opens_back_with_french_headers_and_real_dates(bot: Bot) -> None:
    await some_applications(bot)
    staff = nadia(bot)
    await staff.send("/export")
    document = staff.last
    assert document.kind == "document"
    assert document.filename == "tremplin-candidatures-2026-04-02.xlsx"
    assert document.text == "2 candidature(s)."
    assert document.data is not None
    workbook = openpyxl.load_workbook(io.BytesIO(document.data))
    assert workbook.sheetnames == ["Candidatures", "Chiffres"]
    sheet = workbook["Candidatures"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:6] == ("Référence", "État", "Reçue le", "Mise à jour le", "Prénom", "Nom")
    assert "Orienteur" in header and "Motif de refus" in header and "Âge (réponse)" in header
    assert len(rows) == 3  # one row per application
    first = dict(zip(header, rows[1], strict=True))
    assert first["Référence"] == "IS-2026-0001"
    assert first["État"] == "Refusée"
    assert first["Reçue le"] == datetime(2026, 3, 2, 10, 0)  # a real date, Paris time
    assert sheet.cell(row=2, column=3).number_format == "dd/mm/yyyy hh:mm"
    assert first["Téléphone"] == "06 12 34 56 78"
    assert first["Résultat du questionnaire"] == "éligible probable"
    assert first["Critères remplis"] == "Bénéficiaire du RSA"
    assert first["Ateliers (dans l'ordre)"] == "Atelier bois, Métallerie"
    assert first["Motif de refus"] == "Pas de poste ouvert"
    assert first["Décision par"] == "Nadia"
    assert isinstance(first["Décision le"], datetime)
    second = dict(zip(header, rows[2], strict=True))
    assert second["Atelier (1er choix)"] == "Stockage" and second["État"] == "Nouvelle"
    figures = [row for row in workbook["Chiffres"].iter_rows(values_only=True) if any(row)]
    assert figures[0] == ("Candidatures envoyées", 2)
    assert ("Par état", "Nombre") in figures
    assert ("Nouvelle", 1) in figures and ("Refusée", 1) in figures
    assert ("mars 2026", 1) in figures and ("avril 2026", 1) in figures
    assert ("Candidature envoyée", 2) in figures


async def test_export_csv_is_semicolons_in_utf8_with_a_bom(bot: Bot) -> None:
    await some_applications(bot)
    staff = nadia(bot)
    await staff.send("/export csv")
    data = staff.last.data
    assert data is not None and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Référence", "État", "Reçue le"]
    assert rows[1][:3] == ["IS-2026-0001", "Refusée", "02/03/2026 10:00"]
    assert len(rows) == 3


async def test_export_falls_back_to_a_note_when_files_are_refused(bot: Bot) -> None:
    await some_applications(bot)
    bot.api.fail("sendDocument", times=None)
    staff = nadia(bot)
    await staff.send("/export")
    assert "Le fichier n'a pas pu être envoyé ici" in staff.last.text
    assert "python -m bot export --format xlsx" in staff.last.text


async def test_stats_show_counts_funnel_and_where_people_stopped(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")  # filed
    binta = bot.chat(2002, "Binta")
    await binta.send("/start")
    await binta.tap("J'accepte")  # stops at the age question
    await bot.chat(2003, "Chloe").send("/start")  # stops at the consent question
    dina = bot.chat(2004, "Dina")
    await dina.send("/start")
    for action, value in PAS_POUR_VOUS:
        await (dina.tap(value) if action == "tap" else dina.send(value))
    await dina.tap("Non merci")  # after the result: nothing kept
    emma = bot.chat(2005, "Emma")
    await emma.send("/start")
    for action, value in PAS_POUR_VOUS:
        await (emma.tap(value) if action == "tap" else emma.send(value))  # stops at the result
    fanta = bot.chat(2006, "Fanta")
    await fanta.send("/start")
    await fanta.tap("Non merci")  # "Non merci" at the consent question: counted, nothing kept
    staff = nadia(bot)
    shown = await staff.send("/stats")
    text = shown[0].text
    assert "📊 Les chiffres : 1 candidature(s) envoyée(s)" in text
    assert "Par état : Nouvelle 1" in text
    assert "Par atelier (tous les choix) : Atelier bois 1 · Métallerie 1" in text
    assert "Par orienteur : sans orienteur 1" in text
    assert "Par mois : mars 2026 1" in text
    assert "Démarré (bienvenue lue) : 6" in text
    assert "Accord donné : 4" in text
    assert "Résultat vu : 3" in text
    assert "Candidature envoyée : 1" in text
    assert "• à la question de l'accord : 1" in text
    assert "• « Non merci » à la question de l'accord : 1" in text
    assert "• « Quel âge avez-vous ? » : 1" in text
    assert "• « Voici le résultat de vos réponses. » : 1" in text
    assert "• « Non merci » en cours de route : 1" in text
    assert "📅 Rendez-vous : pas encore de présence notée." in text
    photo = shown[-1]
    assert photo.kind == "photo" and photo.data is not None
    assert photo.data.startswith(b"\x89PNG\r\n\x1a\n")


async def test_stats_give_the_no_show_rate_once_attendance_is_marked(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")
    await file_as(bot, 2002, "Binta", "Camara")
    slot = bot.store.add_slot(
        start=datetime(2026, 3, 3, 9, 0, tzinfo=UTC), seats=5, kind="entretien"
    )
    for user_id in (2001, 2002):
        application = bot.store.applications_of(user_id)[0]
        assert bot.store.book_seat(slot.id, application.id, now=bot.clock())
    bot.clock.advance(days=2)
    bookings = bot.store.bookings_of_slot(slot.id)
    bot.store.mark_attendance(bookings[0].id, present=True, actor="t")
    bot.store.mark_attendance(bookings[1].id, present=False, actor="t")
    staff = nadia(bot)
    await staff.send("/stats")
    assert "📅 Rendez-vous : 1 présent(s), 1 absent(s), 50 % d'absence." in staff.texts()[-2]


async def test_stats_text_survives_a_server_refusing_photos(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")
    bot.api.fail("sendPhoto", times=None)
    staff = nadia(bot)
    shown = await staff.send("/stats")
    assert [m.kind for m in shown] == ["text"]
    assert "📊 Les chiffres" in shown[0].text
    assert bot.api.last(STAFF_ID).kind == "text"


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


async def test_command_line_export_and_stats(bot: Bot, tmp_path: Path) -> None:
    await some_applications(bot)
    out = tmp_path / "out" / "candidatures.xlsx"
    result = _cli(bot, "export", "--format", "xlsx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "2 application(s) written" in result.stdout
    sheet = openpyxl.load_workbook(out)["Candidatures"]
    assert sheet.max_row == 3 and isinstance(sheet["C2"].value, datetime)
    csv_out = tmp_path / "candidatures.csv"
    result = _cli(bot, "export", "--format", "csv", "--out", str(csv_out))
    assert result.returncode == 0, result.stderr
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbfR\xc3\xa9f\xc3\xa9rence;")
    chart = tmp_path / "chart.png"
    result = _cli(bot, "stats", "--chart", str(chart))
    assert result.returncode == 0, result.stderr
    assert "📊 Les chiffres : 2 candidature(s) envoyée(s)" in result.stdout
    assert "Par état : Nouvelle 1 · Refusée 1" in result.stdout
    assert chart.read_bytes().startswith(b"\x89PNG")
    for command in ("export", "stats"):
        assert _cli(bot, command, "--help").returncode == 0


async def test_export_headers_are_unique_and_say_what_they_hold(bot: Bot) -> None:
    """#21.11: "Français" and "Mobilité" were both a question's answer and a criterion."""
    awa = await file_as(bot, 2001, "Awa", "Diallo")
    await awa.send("/langue")
    await awa.tap("English")  # she reads the bot in English from now on
    await file_as(bot, 2002, "Binta", "Camara")
    staff = nadia(bot)
    await staff.send("/export")
    workbook = openpyxl.load_workbook(io.BytesIO(staff.last.data or b""))
    rows = list(workbook["Candidatures"].iter_rows(values_only=True))
    header = rows[0]
    assert len(header) == len(set(header)), [h for h in header if header.count(h) > 1]
    assert "Français" not in header and "Mobilité" not in header
    first = dict(zip(header, rows[1], strict=True))
    second = dict(zip(header, rows[2], strict=True))
    # What she answered, and where the criterion of the same name stands.
    assert first["Français (réponse)"] == "Bien" and first["Mobilité (réponse)"] == "Oui"
    assert "Critère Français" in header and "Critère Mobilité : justificatif vu le" in header
    assert first["Critère RSA"] == "déclaré"
    assert first["Langue"] == "anglais" and second["Langue"] == "français"
    await staff.send("/export csv")
    data = staff.last.data or b""
    csv_header = next(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(csv_header) == len(set(csv_header))


async def test_stats_chart_counts_people_in_whole_numbers(bot: Bot) -> None:
    """#21.12: with one application the axes read 0, 0.2, 0.4…; people come whole."""
    await file_as(bot, 2001, "Awa", "Diallo")
    staff = nadia(bot)
    await staff.send("/stats")
    photo = staff.last
    assert photo.kind == "photo"
    figures = stats.collect(services(bot.application))  # type: ignore[arg-type]
    assert photo.data == stats.chart_png(figures)  # the chart she sees is this one
    figure = stats.chart(figures)
    figure.canvas.draw()
    for axis in figure.axes:
        ticks = [tick for tick in axis.get_xticks() if axis.get_xlim()[0] <= tick]
        assert ticks and all(float(tick).is_integer() for tick in ticks), ticks
