"""The figures staff read with /stats and `python -m bot stats`, and their chart (a PNG).

Counts by state, workshop, referrer and month; the journey's funnel (started, consented,
saw the result, filed) with where the others stopped, question by question; the no-show
rate of slots once attendance is marked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date

from bot.core.dialog_types import Dialogs
from bot.core.feature import figure_lines, referrals
from bot.core.i18n import LOCALE, N_, _
from bot.core.services import Services
from bot.core.states import FILED, labels
from bot.staff import digest_rules
from bot.staff.digest_views import days_text
from bot.staff.store import JourneyCounts

Counts = list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class Figures:
    total: int
    by_state: Counts
    by_workshop: Counts
    by_referrer: Counts
    by_month: Counts
    funnel: Counts  # started, consented, saw the result, filed
    stopped: Counts  # where the others are or stopped
    attended: int | None  # None: no attendance marked yet (or no slots)
    no_show: int | None
    decision_days: float | None = None  # median, filing to first decision (None: no data)
    interview_days: float | None = None  # median, filing to the interview's date
    extra: tuple[str, ...] = ()  # other features' lines (`Feature.figure_lines`: needs…)

    @property
    def no_show_rate(self) -> float | None:
        if not self.attended and not self.no_show:
            return None
        seen = (self.attended or 0) + (self.no_show or 0)
        return (self.no_show or 0) / seen


def state_name(state: str) -> str:
    known = labels(state)
    return _(known.export) if known else state


def month_name(month: str) -> str:
    """'2026-03' → 'mars 2026'."""
    try:
        year, number = (int(part) for part in month.split("-"))
        return format_date(date(year, number, 1), "LLLL y", locale=LOCALE)
    except (ValueError, TypeError):
        return month


def _step_name(dialogs: Dialogs, step_id: str) -> str:
    if not dialogs.has_step(step_id):
        return _("une étape qui n'existe plus ({step})").format(step=step_id)
    step = dialogs.step(step_id)
    text = _(step.summary or step.text)
    return "« " + (text if len(text) <= 60 else text[:57] + "…") + " »"


def funnel(dialogs: Dialogs, counts: JourneyCounts) -> tuple[Counts, Counts]:
    """The funnel, and where the others stopped (drafts by question, then endings)."""
    events = counts.events
    consented = events.get("consent", 0)
    filed = events.get("filed", 0)
    declined = events.get("declined", 0)
    verdict_at = next(
        (dialogs.position(s.id) for s in dialogs.steps if s.kind == "verdict"), len(dialogs.steps)
    )
    ordered = sorted(
        counts.draft_steps.items(),
        key=lambda item: dialogs.position(item[0]) if dialogs.has_step(item[0]) else 10_000,
    )
    past_verdict = sum(
        n for step, n in ordered if dialogs.has_step(step) and dialogs.position(step) >= verdict_at
    )
    # A "Non merci" after consent can only happen at steps with an ending (an answer that
    # ends for a reason, under 16, is counted apart); when they all come
    # at or after the result (as shipped), those people saw the result.
    endings = [
        dialogs.position(s.id)
        for s in dialogs.steps[1:]
        if any(o.end and not o.flag for o in s.options) and not any(o.consent for o in s.options)
    ]
    declined_after_verdict = declined if endings and min(endings) >= verdict_at else 0
    declined_consent = events.get("declined_consent", 0)
    steps = [
        (_("Démarré (bienvenue lue)"), consented + counts.before_consent + declined_consent),
        (_("Accord donné"), consented),
        (
            _("Résultat vu"),
            filed + past_verdict + declined_after_verdict + events.get("callback", 0),
        ),
        (_("Candidature envoyée"), filed),
    ]
    stopped: Counts = []
    if counts.before_consent:
        stopped.append((_("à la question de l'accord"), counts.before_consent))
    if declined_consent:
        stopped.append((_("« Non merci » à la question de l'accord"), declined_consent))
    stopped += [(_step_name(dialogs, step), n) for step, n in ordered]
    for action, label in (
        ("declined", N_("« Non merci » en cours de route")),
        ("too_young", N_("moins de 16 ans : arrêtés tout de suite, rien gardé")),
        ("expired", N_("effacés après 30 jours sans réponse")),
        ("restarted", N_("recommencés depuis le début")),
        ("abandoned", N_("abandonnés")),
        ("callback", N_("demandes de rappel (« L'équipe peut m'appeler »)")),
    ):
        if events.get(action):
            stopped.append((_(label), events[action]))
    return steps, stopped


def collect(svc: Services) -> Figures:
    store, dialogs = svc.store, svc.dialogs
    by_state = store.counts_by_state()
    workshops = store.counts_by_workshop()
    sources = store.counts_by_source()
    by_referrer = sorted(
        (
            (
                (referrals().referrer_name(svc, code) or code) if code else _("sans orienteur"),
                n,
            )
            for code, n in sources.items()
        ),
        key=lambda item: (-item[1], item[0]),
    )
    steps, stopped = funnel(dialogs, store.journey_counts())
    attendance = store.attendance_counts()
    attended = no_show = None
    if attendance is not None:
        attended, no_show = attendance.get("attended", 0), attendance.get("no_show", 0)
    return Figures(
        total=sum(by_state.values()),
        by_state=[(state_name(s), by_state[s]) for s in FILED if by_state.get(s)],
        by_workshop=[
            (_(w.label), workshops.get(w.id, 0)) for w in dialogs.workshops if workshops.get(w.id)
        ],
        by_referrer=by_referrer,
        by_month=[(month_name(m), n) for m, n in store.counts_by_month().items()],
        funnel=steps,
        stopped=stopped,
        attended=attended,
        no_show=no_show,
        extra=tuple(figure_lines(svc)),
        **delays(svc),
    )


def delays(svc: Services) -> dict[str, float | None]:
    """The medians of /stats: filing to first decision, filing to the interview (days)."""
    store = svc.store
    interviews = [
        (filed, digest_rules.interview_moment(note)) for filed, note in store.first_convenings()
    ]
    return {
        "decision_days": digest_rules.median_days(store.decision_delays()),
        "interview_days": digest_rules.median_days(interviews),
    }


def _line(title: str, counts: Counts) -> str:
    if not counts:
        return f"{title} : —"
    return f"{title} : " + " · ".join(f"{label} {n}" for label, n in counts)


def attendance_text(figures: Figures) -> str:
    rate = figures.no_show_rate
    if rate is None:
        return _("📅 Rendez-vous : pas encore de présence notée.")
    return _(
        "📅 Rendez-vous : {attended} présent(s), {no_show} absent(s), {rate} % d'absence."
    ).format(attended=figures.attended or 0, no_show=figures.no_show or 0, rate=round(rate * 100))


def delays_text(figures: Figures) -> list[str]:
    return [
        _("⏱ Délai médian de la réception à la première décision : {days}").format(
            days=days_text(figures.decision_days)
        ),
        _("⏱ Délai médian de la réception à l'entretien : {days}").format(
            days=days_text(figures.interview_days)
        ),
    ]


def figures_text(figures: Figures) -> str:
    """The figures as one staff message (plain text)."""
    lines = [
        _("📊 Les chiffres : {total} candidature(s) envoyée(s)").format(total=figures.total),
        _line(_("Par état"), figures.by_state),
        _line(_("Par atelier (tous les choix)"), figures.by_workshop),
        _line(_("Par orienteur"), figures.by_referrer),
        _line(_("Par mois"), figures.by_month),
        "",
        _("🧭 Le parcours"),
    ]
    lines += [f"{label} : {n}" for label, n in figures.funnel]
    if figures.stopped:
        lines.append(_("Où les autres en sont ou se sont arrêtés :"))
        lines += [f"• {label} : {n}" for label, n in figures.stopped]
    lines += ["", attendance_text(figures), *delays_text(figures)]
    if figures.extra:
        lines += ["", *figures.extra]
    text = "\n".join(lines)
    return text if len(text) <= 4000 else text[:3999] + "…"


def chart_png(figures: Figures) -> bytes:
    """Two bar charts (applications by state; the journey's funnel) as a PNG."""
    figure = chart(figures)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def chart(figures: Figures) -> Any:
    """The chart as a matplotlib Figure: people are counted in whole numbers, so the axes
    show only integers (never 0.2, 0.4… when the counts are small)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(9, 4.8), dpi=100)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    labels = [label for label, _n in figures.by_state] or [_("aucune")]
    values = [n for _label, n in figures.by_state] or [0]
    left.barh(labels[::-1], values[::-1], color="#2b7a78")
    left.set_title(_("Candidatures par état"))
    funnel_labels = [label for label, _n in figures.funnel]
    funnel_values = [n for _label, n in figures.funnel]
    right.barh(funnel_labels[::-1], funnel_values[::-1], color="#f4a259")
    right.set_title(_("Le parcours"))
    for axis, numbers in ((left, values[::-1]), (right, funnel_values[::-1])):
        for index, value in enumerate(numbers):
            axis.text(value, index, f" {value}", va="center")
        axis.spines[["top", "right"]].set_visible(False)
        axis.margins(x=0.2)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    figure.tight_layout()
    return figure
