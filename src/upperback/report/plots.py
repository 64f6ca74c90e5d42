"""Progress plots (matplotlib, Agg, no pyplot state): pain, disability, range of motion,
adherence, sEMG ratios and onset delays over time, as PNG or SVG bytes."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib
import numpy as np

matplotlib.use("Agg")  # never a GUI backend on a server

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from upperback.errors import InvalidInput
from upperback.model.outcome import OutcomePoint
from upperback.report.data import ReportData

Series = dict[str, list[OutcomePoint]]


@dataclass(frozen=True)
class PlotGroup:
    key: str
    title: str
    ylabel: str
    select: Callable[[str, str], bool]  # (measure, unit) -> belongs to this plot
    invert_note: str = ""


PLOT_GROUPS: dict[str, PlotGroup] = {
    g.key: g
    for g in (
        PlotGroup(
            "pain",
            "Pain (NPRS 0-10)",
            "0-10",
            lambda m, u: u == "0-10" and (m.startswith("nprs") or m.startswith("pain")),
            "lower is better",
        ),
        PlotGroup(
            "disability",
            "Neck Disability Index",
            "% (or points)",
            lambda m, u: m.startswith("ndi"),
            "lower is better",
        ),
        PlotGroup(
            "rom",
            "Range of motion and head posture",
            "degrees",
            lambda m, u: u == "deg",
        ),
        PlotGroup("adherence", "Adherence by week", "sessions done / planned", lambda m, u: False),
        PlotGroup(
            "emg_ratio",
            "sEMG amplitude ratios",
            "ratio",
            lambda m, u: u == "ratio",
            "lower UT/target is better",
        ),
        PlotGroup(
            "emg_onset",
            "sEMG onset delays",
            "ms",
            lambda m, u: m.startswith("emg_onset"),
            "lower is better",
        ),
    )
}


def _selected(series: Series, group: PlotGroup) -> Series:
    return {m: pts for m, pts in series.items() if pts and group.select(m, pts[0].unit)}


def weekly_adherence(data: ReportData) -> list[tuple[int, float]]:
    """Completed / planned sessions per elapsed program week."""
    prog = data.program
    if prog is None:
        return []
    done: dict[int, int] = {}
    for log in data.logs:
        if log.completed:
            done[log.week] = done.get(log.week, 0) + 1
    last = max((log.week for log in data.logs), default=0)
    elapsed = max(0, min(prog.weeks, (data.today - prog.start_date).days // 7 + 1))
    weeks = range(1, max(last, elapsed) + 1)
    return [(w, min(1.0, done.get(w, 0) / prog.sessions_per_week)) for w in weeks]


def plots_available(data: ReportData) -> list[str]:
    """Plot keys with something to draw for this client."""
    keys = [
        k for k, g in PLOT_GROUPS.items() if k != "adherence" and _selected(data.progress.series, g)
    ]
    if weekly_adherence(data):
        keys.insert(3 if len(keys) >= 3 else len(keys), "adherence")
    order = list(PLOT_GROUPS)
    return sorted(keys, key=order.index)


def _figure(title: str) -> tuple[Figure, object]:
    fig = Figure(figsize=(7.0, 3.0), dpi=100, layout="constrained")
    ax = fig.subplots()
    ax.set_title(title, fontsize=11, loc="left")
    ax.grid(True, alpha=0.3)
    return fig, ax


def plot(data: ReportData, key: str, fmt: str = "png") -> bytes:
    """One plot as PNG or SVG bytes; an empty plot says there is no data yet."""
    if key not in PLOT_GROUPS:
        raise InvalidInput(f"plot: {key!r} is not one of {', '.join(PLOT_GROUPS)}")
    if fmt not in ("png", "svg"):
        raise InvalidInput(f"format: {fmt!r} is not png or svg")
    group = PLOT_GROUPS[key]
    fig, ax_obj = _figure(group.title + (f" ({group.invert_note})" if group.invert_note else ""))
    from matplotlib.axes import Axes

    assert isinstance(ax_obj, Axes)
    ax = ax_obj
    drawn = False
    if key == "adherence":
        weeks = weekly_adherence(data)
        if weeks:
            ax.bar([w for w, _ in weeks], [v * 100 for _, v in weeks], color="#3b7ea1")
            ax.set_xlabel("program week")
            ax.set_ylim(0, 105)
            ax.set_ylabel("% of planned sessions")
            drawn = True
    else:
        for measure, pts in sorted(_selected(data.progress.series, group).items()):
            xs = np.array([p.date for p in pts], dtype="datetime64[D]")
            ys = [p.value for p in pts]
            style = "-o" if len(pts) < 15 else "-"
            ax.plot(xs, ys, style, label=measure, markersize=4, linewidth=1.4)
            drawn = True
        if drawn:
            locator = AutoDateLocator()  # type: ignore[no-untyped-call]
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
            units = {pts[0].unit for pts in _selected(data.progress.series, group).values()}
            ax.set_ylabel(units.pop() if len(units) == 1 else group.ylabel)
            ax.legend(fontsize=7, loc="best", ncols=2)
    if not drawn:
        ax.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()
