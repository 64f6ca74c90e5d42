"""The progress report as one self-contained HTML file (plots inlined as PNG)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from upperback import __version__
from upperback.report._templates import progress_template
from upperback.report.data import ReportData
from upperback.report.plots import PLOT_GROUPS, plot, plots_available
from upperback.report.referral import referral_template
from upperback.services.referral import ReferralData


@dataclass(frozen=True)
class InlinePlot:
    key: str
    title: str
    b64: str


def inline_plots(data: ReportData) -> list[InlinePlot]:
    return [
        InlinePlot(k, PLOT_GROUPS[k].title, base64.b64encode(plot(data, k, "png")).decode())
        for k in plots_available(data)
    ]


def is_simulated(data: ReportData) -> bool:
    return "simulated" in data.client.name.lower() or any(
        "simulated" in log.notes.lower() for log in data.logs
    )


def progress_report_html(data: ReportData) -> str:
    return progress_template.render(
        client=data.client,
        today=data.today,
        version=__version__,
        simulated=is_simulated(data),
        screening=data.screening,
        clearance=data.clearance,
        outcomes=data.progress.outcomes,
        adherence=data.progress.adherence,
        plots=inline_plots(data),
        profile=data.profile,
        adaptations=data.adaptations,
    )


# ---- referral letter and CSP for self-contained reports --------------------------------

_STYLE_RE = re.compile(r"<style>(.*?)</style>", re.S)
_URGENCY_WORDS = {
    "emergency": "EMERGENCY: same-day assessment (emergency department / stroke pathway as indicated).",
    "urgent": "URGENT: please see within days.",
    "routine": "Routine: please review at the next available appointment.",
    "none": "No urgency was assigned by the screening.",
}


def report_csp(html: str) -> str:
    """A Content-Security-Policy that allows exactly the report's own inline style blocks.

    The reports stay single self-contained files (they are also saved and mailed), so
    instead of loosening style-src to 'unsafe-inline' each <style> block is allowed by
    its SHA-256 hash (and the app's own stylesheets by 'self', as the client printout links
    its print styles); scripts stay forbidden.
    """
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in _STYLE_RE.findall(html)
    )
    return (
        f"default-src 'none'; img-src 'self' data:; style-src 'self' {hashes}; "
        "frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
    )


def referral_letter_html(data: ReferralData, *, today: dt.date) -> str:
    """A printable referral to the GP or specialist: findings, urgency, reasons, in clinical terms."""
    return referral_template.render(
        d=data, today=today, version=__version__, urgency=_URGENCY_WORDS,
        age=data.client.age_on(today),
    )  # fmt: skip
