"""Applications as a spreadsheet that opens right in French Excel: XLSX (dates as real dates,
French headers, a "Chiffres" sheet) or CSV (`;`, UTF-8 with a BOM).

Used by /export and by `python -m bot export --format xlsx|csv --out FILE`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.application_store import CandidateApplication
from bot.core.dialog_views import answer_label
from bot.core.feature import Session, export_columns, referrals, sessions
from bot.core.i18n import FRENCH, N_, _, french_name, local
from bot.core.rules import proofs
from bot.core.rules.contact import display_phone, visible
from bot.core.services import Services
from bot.core.states import State
from bot.core.store import iso
from bot.staff.dialogs import staff_dialogs_in
from bot.staff.proofs_store import ProofSeen
from bot.staff.stats import Figures, attendance_text, collect, state_name
from bot.staff.store import Review

FORMATS = ("xlsx", "csv")
DATE_FORMAT = "dd/mm/yyyy hh:mm"  # shown the French way by Excel, whatever its language
CSV_DATE = "%d/%m/%Y %H:%M"
SHEET = "Candidatures"
FIGURES_SHEET = "Chiffres"


def filename(now: datetime, fmt: str) -> str:
    return f"tremplin-candidatures-{local(now):%Y-%m-%d}.{fmt}"


def _cell(value: Any, *, risky: str) -> Any:
    """Text that a spreadsheet would run as a formula is kept as text (CSV/formula injection);
    a character a cell cannot hold is dropped, so that one stored value never breaks the file."""
    if not isinstance(value, str):
        return value
    value = visible(value)
    if not value:
        return None  # an empty cell (nothing a spreadsheet could run)
    if value[0] in risky:
        return "'" + value
    return value


def _when(stamp: str | None) -> datetime | None:
    """An ISO UTC stamp as a local, naive datetime (what Excel understands)."""
    if not stamp:
        return None
    return local(datetime.fromisoformat(stamp)).replace(tzinfo=None)


def headers(svc: Services) -> list[str]:
    staff = staff_dialogs_in(svc.settings.dialogs_dir)
    return [
        _("Référence"),
        _("État"),
        _("Reçue le"),
        _("Mise à jour le"),
        _("Prénom"),
        _("Nom"),
        _("Nom en lettres latines"),
        _("Téléphone"),
        _("E-mail"),
        _("Langue"),
        _("Résultat du questionnaire"),
        _("Critères remplis"),
        _("Critères à vérifier"),
        _("Atelier (1er choix)"),
        _("Ateliers (dans l'ordre)"),
        # The answers shown on the card: "Français (réponse)", never mistaken for the
        # criterion of the same name further on.
        *[_("{question} (réponse)").format(question=_(line.label)) for line in staff.card],
        _("Orienteur"),
        _("Code orienteur"),
        _("Ouverte par"),
        _("Décision par"),
        _("Décision le"),
        _("Motif de refus"),
        _("Type de rendez-vous"),
        _("Rendez-vous le"),
        _("Lieu du rendez-vous"),
        # Per criterion, for declaring the hire in les emplois without asking again (#16).
        *[
            title
            for c in svc.dialogs.criteria.values()
            for title in (
                _("Critère {criterion}").format(criterion=c.short),
                _("Critère {criterion} : justificatif vu le").format(criterion=c.short),
            )
        ],
        _("Éligibilité vérifiée le"),
        # Other features' columns (their `Feature.export_columns`: one per need…).
        *[title for title, _fill in export_columns(svc)],
    ]


def rows(svc: Services) -> Iterator[list[Any]]:
    """One row per filed application, oldest first (dates as naive local datetimes)."""
    from bot.staff.views import verdict_label

    staff = staff_dialogs_in(svc.settings.dialogs_dir)
    dialogs = svc.dialogs
    names = referrals().referrer_names(svc)  # one query, not one per row
    bookings = sessions().booked(svc)  # one pass too (the slots' part: Sessions.booked)
    languages = svc.store.languages_of_filed()  # one query too
    extra = [cell for _title, cell in export_columns(svc)]
    batch: list[CandidateApplication] = []

    def flush(batch: list[CandidateApplication]) -> Iterator[list[Any]]:
        reviews = svc.store.reviews([a.id for a in batch])
        seen_of = svc.store.proofs_seen_of([a.id for a in batch])
        for application in batch:
            review = reviews[application.id]
            criteria = application.criteria

            def labels(status: str, criteria: dict[str, str] = criteria) -> str:
                return "; ".join(
                    _(dialogs.criteria[c].label) if c in dialogs.criteria else c
                    for c, s in criteria.items()
                    if (s == "rempli") == (status == "rempli")
                )

            workshops = [
                _(w.label) for w in (dialogs.workshop(i) for i in application.workshops) if w
            ]
            answers: list[str | None] = []
            for line in staff.card:
                value = application.answers.get(line.step)
                if value is None or not dialogs.has_step(line.step):
                    answers.append(None)
                else:
                    answers.append(answer_label(dialogs, dialogs.step(line.step), value))
            reason = staff.reason(review.reason) if application.state == State.REFUSED else None
            source = application.source
            yield [
                application.reference,
                state_name(application.state),
                _when(application.filed_at),
                _when(application.updated_at),
                application.first_name,
                application.last_name,
                application.latin_name,
                display_phone(application.phone) if application.phone else None,
                application.email,
                french_name(languages.get(application.user_id) or FRENCH),
                verdict_label(application.verdict),
                labels("rempli"),
                labels("a_verifier"),
                workshops[0] if workshops else None,
                ", ".join(workshops),
                *answers,
                names.get(source, source) if source else None,
                source,
                review.claimed_by_name,
                review.decided_by_name,
                _when(review.decided_at),
                _(reason.label) if reason else None,
                *rendez_vous(svc, application, review, bookings.get(application.id)),
                *proof_cells(svc, application, seen_of.get(application.id, {})),
                *(cell(application) for cell in extra),
            ]

    for application in svc.store.filed_applications():
        batch.append(application)
        if len(batch) == 500:
            yield from flush(batch)
            batch = []
    if batch:
        yield from flush(batch)


STATUS_WORDS = {"rempli": N_("déclaré"), "a_verifier": N_("à vérifier")}


def proof_cells(
    svc: Services, application: CandidateApplication, seen: Mapping[str, ProofSeen]
) -> list[Any]:
    """For each criterion: its status (déclaré, à vérifier, justificatif vu) and the date the
    proof was seen; then the date the proofs made the person eligible."""
    cells: list[Any] = []
    for criterion in svc.dialogs.criteria:
        proof = seen.get(criterion)
        status = application.criteria.get(criterion)
        if proof is not None:
            cells += [_("justificatif vu"), _when(proof.at)]
        else:
            cells += [_(STATUS_WORDS[status]) if status in STATUS_WORDS else None, None]
    verified = proofs.verified(svc.dialogs, seen) if seen else False
    cells.append(_when(max(p.at for p in seen.values())) if verified else None)
    return cells


def rendez_vous(
    svc: Services, application: CandidateApplication, review: Review, booking: Session | None
) -> tuple[str | None, datetime | None, str | None]:
    """(kind, date, place) of her rendez-vous: the interview the team gave her (typed date or
    slot), otherwise the session she booked herself (or attended)."""
    from bot.staff.views import KIND_LABELS

    def kind(name: str | None) -> str | None:
        return _(KIND_LABELS[name]) if name in KIND_LABELS else name

    typed = application.state == State.INTERVIEW and review.interview_at
    if typed and not (booking is not None and booking.kind == "entretien"):
        return kind(review.interview_kind), _when(review.interview_at), review.interview_place
    if booking is None:
        return None, None, None
    return (
        kind(booking.kind),
        _when(iso(booking.start)),
        booking.place or svc.dialogs.structure.address,
    )


@dataclass(frozen=True, slots=True)
class Table:
    """What the file holds, read from the database (rendering needs no database)."""

    headers: list[str]
    rows: list[list[Any]]
    figures: Figures


def table(svc: Services) -> Table:
    return Table(headers=headers(svc), rows=list(rows(svc)), figures=collect(svc))


def build(svc: Services, fmt: str) -> tuple[bytes, int]:
    """The file's bytes and how many applications it holds."""
    data = table(svc)
    return render(data, fmt), len(data.rows)


def render(data: Table, fmt: str) -> bytes:
    """The file's bytes; pure, so that the bot can run it in a thread."""
    return render_csv(data) if fmt == "csv" else render_xlsx(data)


def render_csv(data: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(data.headers)
    for row in data.rows:
        writer.writerow(
            [
                value.strftime(CSV_DATE)
                if isinstance(value, datetime)
                else _cell(value, risky="=+-@\t\r")
                for value in row
            ]
        )
    # The BOM tells French Excel the file is UTF-8 (otherwise accents come out wrong).
    return buffer.getvalue().encode("utf-8-sig")


def render_xlsx(data: Table) -> bytes:
    """Written in openpyxl's write-only mode: rows stream out, memory stays small."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    rows = [[_cell(value, risky="=") for value in raw] for raw in data.rows]
    # Widths must be known before the first row is written.
    widths = [len(title) for title in data.headers]
    for row in rows:
        for index, value in enumerate(row):
            if isinstance(value, datetime):
                widths[index] = max(widths[index], 16)
            elif value is not None:
                widths[index] = max(widths[index], min(len(str(value)), 50))
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.freeze_panes = "B2"
    last = f"{get_column_letter(len(data.headers))}{len(rows) + 1}"
    sheet.auto_filter.ref = f"A1:{last}"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    header = []
    for title in data.headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_date_cell(sheet, value, WriteOnlyCell) for value in row])
    _figures_sheet(workbook.create_sheet(FIGURES_SHEET), data.figures)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _date_cell(sheet: Any, value: Any, cell_class: Any) -> Any:
    if not isinstance(value, datetime):
        return value
    cell = cell_class(sheet, value=value)
    cell.number_format = DATE_FORMAT
    return cell


def _figures_sheet(sheet: Any, figures: Figures) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)

    def strong(*values: Any) -> list[Any]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = bold
            cells.append(cell)
        return cells

    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 12
    sheet.append(strong(_("Candidatures envoyées"), figures.total))
    for title, counts in (
        (_("Par état"), figures.by_state),
        (_("Par atelier (tous les choix)"), figures.by_workshop),
        (_("Par orienteur"), figures.by_referrer),
        (_("Par mois"), figures.by_month),
        (_("Le parcours"), figures.funnel),
        (_("Où les autres en sont ou se sont arrêtés"), figures.stopped),
    ):
        sheet.append([])
        sheet.append(strong(title, _("Nombre")))
        for label, n in counts:
            sheet.append([label, n])
    sheet.append([])
    sheet.append([attendance_text(figures)])
