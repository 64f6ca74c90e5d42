"""The progress report as one self-contained HTML file (plots inlined as PNG)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from upperback import __version__
from upperback.report._templates import progress_template
from upperback.report.data import ReportData
from upperback.report.plots import PLOT_GROUPS, plot, plots_available


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
