"""The progress report as PDF (fpdf2, core fonts, PNG plots embedded)."""

from __future__ import annotations

import datetime as dt
import io

from fpdf import FPDF

from upperback import __version__
from upperback.model.intake import Answer
from upperback.outcomes.window import recent_text
from upperback.report.data import ReportData
from upperback.report.html import is_simulated
from upperback.report.plots import PLOT_GROUPS, plot, plots_available
from upperback.services.referral import ReferralData

_REPLACE = {
    "≤": "<=",
    "≥": ">=",
    "–": "-",
    "—": "-",
    "→": "->",
    "·": "-",
    "×": "x",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
}


def _latin1(text: str) -> str:
    """Core PDF fonts cover Latin-1 only; map common symbols, replace the rest."""
    for a, b in _REPLACE.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=7)
        self.set_text_color(90, 100, 115)
        self.cell(
            0, 8,
            _latin1(f"upperback {__version__} advises a clinician; it does not diagnose. Page {self.page_no()}"),
            align="C",
        )  # fmt: skip


def _table(pdf: FPDF, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
    pdf.set_font("Helvetica", "B", 8)
    for h, w in zip(header, widths, strict=True):
        pdf.cell(w, 6, _latin1(h), border="B")
    pdf.ln()
    pdf.set_font("Helvetica", size=8)
    for row in rows:
        for cell, w in zip(row, widths, strict=True):
            text = _latin1(cell)
            while pdf.get_string_width(text) > w - 1 and len(text) > 3:
                text = text[:-4] + "..."
            pdf.cell(w, 5, text)
        pdf.ln()


def progress_report_pdf(data: ReportData) -> bytes:
    pdf = _Report(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_latin1(f"Progress report: {data.client.name}"))
    pdf.set_creator(f"upperback {__version__}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(f"Progress report: {data.client.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    note = f"Client {data.client.id} - report date {data.today}."
    if is_simulated(data):
        note += " Session data of this client are SIMULATED."
    pdf.multi_cell(0, 5, _latin1(note), new_x="LMARGIN", new_y="NEXT")
    if data.screening is not None and data.screening.outcome == "refer":
        state = f"cleared {data.clearance.date}" if data.clearance else "OPEN: loading blocked"
        pdf.set_text_color(170, 30, 30)
        pdf.multi_cell(
            0, 5, _latin1(f"Referral ({data.screening.urgency.value}): {state}"),
            new_x="LMARGIN", new_y="NEXT",
        )  # fmt: skip
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Outcomes against clinically meaningful change", new_x="LMARGIN", new_y="NEXT")
    rows = [
        [
            o.measure,
            f"{o.baseline:g} {o.unit}",
            f"{o.latest:g}",
            f"{o.change:+g}",
            "-" if o.threshold is None else f"{o.threshold:g} {o.threshold_kind or ''}",
            "-" if o.meaningful is None else ("yes" if o.meaningful else "no"),
        ]
        for o in data.progress.outcomes
    ]
    _table(
        pdf,
        ["measure", "baseline", "latest", "change", "threshold", "meaningful"],
        rows,
        [52, 30, 22, 22, 40, 20],
    )
    adh = data.progress.adherence
    if adh is not None:
        pdf.ln(2)
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(
            0, 5,
            _latin1(
                f"Adherence {adh.adherence:.0%} ({adh.completed_sessions} of {adh.planned_sessions} planned); "
                f"{recent_text(adh.recent_adherence, adh.recent_days)}; longest gap {adh.longest_gap_days} days."
            ),
            new_x="LMARGIN", new_y="NEXT",
        )  # fmt: skip
    for key in plots_available(data):
        png = plot(data, key, "png")
        if pdf.get_y() > 200:
            pdf.add_page()
        pdf.image(io.BytesIO(png), w=180, alt_text=PLOT_GROUPS[key].title)
        pdf.ln(2)
    if data.adaptations:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, "Adaptations and their reasons", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=8)
        for a in data.adaptations:
            change = a.action.value + (f" {a.exercise_id}" if a.exercise_id else "")
            if a.after:
                change += f": {a.before} -> {a.after}"
            pdf.multi_cell(
                0, 4.5, _latin1(f"{a.date} (from {a.from_week}.{a.from_index}) {change}. {a.reason}"),
                new_x="LMARGIN", new_y="NEXT",
            )  # fmt: skip
    return bytes(pdf.output())


def referral_letter_pdf(data: ReferralData, *, today: dt.date) -> bytes:
    """The referral letter as a one- or two-page PDF (same content as the HTML letter)."""
    from upperback.report.html import _URGENCY_WORDS

    pdf = _Report(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.add_page()
    c, i, s = data.client, data.intake, data.screening
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 5, _latin1(str(today)), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "To the general practitioner / specialist", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(
        0,
        7,
        _latin1(
            f"Referral: {c.name}, {c.sex.value}, {c.age_on(today)} years (born {c.birth_year})"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(176, 0, 32)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 6, _latin1(_URGENCY_WORDS[s.urgency.value]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", size=10)
    pdf.ln(2)
    pdf.multi_cell(0, 5, _latin1(
        f"Dear colleague, I saw {c.name} on {i.date} for {i.complaint or 'neck / upper-back symptoms'}. "
        "At pre-exercise screening the findings below were positive. I have not started a loading "
        "program and ask you to assess and advise before any exercise is prescribed."
    ), new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "Positive screening findings", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    for h in s.hits:
        pdf.multi_cell(
            0,
            5,
            _latin1(f"- {h.label} ({h.urgency.value}): {h.action} [{h.evidence}]"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(1)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "History", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    lines = [f"Current pain {i.pain_now:g}/10; symptoms for {i.pain_duration_weeks:g} weeks."]
    if i.history:
        lines.append(i.history)
    if i.hypertension:
        lines.append("Known hypertension.")
    negatives = sum(1 for v in i.red_flags.values() if v == Answer.no)
    if negatives:
        lines.append(f"Screened negative for {negatives} other red-flag items.")
    for line in lines:
        pdf.multi_cell(0, 5, _latin1("- " + line), new_x="LMARGIN", new_y="NEXT")
    for a in s.advice:
        pdf.multi_cell(0, 5, _latin1(a), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(
        0,
        5,
        _latin1(f"Please let me know your findings. Kind regards, {data.clinician}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_font("Helvetica", size=7)
    pdf.multi_cell(
        0,
        4,
        _latin1(
            f"Prepared with upperback {__version__}, which supports but does not replace clinical judgement."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
