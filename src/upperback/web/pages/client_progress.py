"""The client's progress in plain words with large, readable plots (matplotlib, as images)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from upperback.model.outcome import OutcomePoint
from upperback.services import progress, questionnaires
from upperback.services.access import Actor
from upperback.services.database import Database

PLAIN_MEASURE = {
    "nprs": "pain",
    "ndi": "neck and daily life",
    "psfs": "chosen activities",
    "fear": "worries about movement",
}


@dataclass(frozen=True)
class Plot:
    title: str
    alt: str
    data_uri: str


@dataclass(frozen=True)
class ProgressView:
    sentences: list[str]
    plots: list[Plot]


def _plot(
    title: str, series: list[tuple[str, list[OutcomePoint]]], ylabel: str, ymax: float
) -> Plot:
    fig = Figure(figsize=(5.0, 4.0), dpi=110)
    ax = fig.add_subplot()
    for label, pts in series:
        if pts:
            days = [dt.datetime.combine(p.date, dt.time()) for p in pts]
            ax.plot(
                days,  # type: ignore[arg-type]
                [p.value for p in pts],
                marker="o",
                linewidth=3,
                markersize=7,
                label=label,
            )
    ax.set_ylim(0, ymax)
    ax.set_ylabel(ylabel, fontsize=16)
    ax.tick_params(labelsize=14)
    locator = AutoDateLocator(maxticks=4)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.grid(alpha=0.3)
    if len(series) > 1:
        ax.legend(
            fontsize=14, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1, frameon=False
        )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    last = [f"{label} last {pts[-1].value:g}" for label, pts in series if pts]
    return Plot(
        title,
        f"{title}: {', '.join(last) or 'no points yet'}",
        "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode(),
    )


def _pain_sentence(pts: list[OutcomePoint]) -> str | None:
    if len(pts) < 2:
        return None
    first, last = pts[0].value, pts[-1].value
    if last < first:
        return f"Your highest pain during sessions went down from {first:g} to {last:g} out of 10."
    if last > first:
        return (
            f"Your highest pain during sessions went up from {first:g} to {last:g} out of "
            "10. Tell your clinician if this worries you."
        )
    return f"Your highest pain during sessions stayed at {last:g} out of 10."


def progress_view(db: Database, actor: Actor, client_id: int, today: dt.date) -> ProgressView:
    prog = progress.progress(db, actor, client_id, today=today)
    sentences: list[str] = []
    adh = prog.adherence
    if adh is not None and adh.planned_sessions:
        sentences.append(
            f"You did {adh.completed_sessions} of the {adh.planned_sessions} sessions planned "
            f"so far ({round(100 * adh.adherence)} out of 100)."
        )
    during = prog.series.get("pain_during_max", [])[-60:]
    morning = prog.series.get("pain_next_morning", [])[-60:]
    s = _pain_sentence(during)
    if s:
        sentences.append(s)
    for r in questionnaires.results(db, actor, client_id):
        if r.change is None or r.baseline is None:
            continue
        what = PLAIN_MEASURE.get(r.instrument, r.title.lower())
        direction = "better" if r.improved else "worse" if r.improved is False else "the same"
        matters = "a change big enough to matter" if r.meaningful else "a small change so far"
        sentences.append(
            f"Your {what} score went from {r.baseline:g} to {r.score:g}: {direction}, {matters}."
        )
    if not sentences:
        sentences.append("Your progress shows here after your first sessions.")
    plots = []
    if during or morning:
        plots.append(
            _plot(
                "Pain (0 = none, 10 = worst)",
                [("during the session", during), ("next morning", morning)],
                "pain",
                10,
            )
        )
    return ProgressView(sentences, plots)
