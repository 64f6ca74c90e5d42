"""Progress plots (matplotlib, Agg, no pyplot state): pain, disability, range of motion,
adherence, sEMG ratios and onset delays over time, as PNG or SVG bytes."""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
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


# L and R of one test share a colour; L solid with circles, R dashed with squares.
_SIDE_STYLE = {"L": ("-", "o"), "R": ("--", "s"), "": ("-", "o")}
_COLOURS = ["#1f5f8b", "#b5470b", "#2e7d32", "#6a3d9a", "#8c564b", "#c2185b", "#455a64"]
_UNIT_WORDS = {
    "deg": "degrees",
    "%": "percent",
    "0-10": "score 0-10",
    "points": "points",
    "ms": "ms",
}


@dataclass(frozen=True)
class MeasureLabel:
    test_id: str
    side: str
    condition: str
    name: str


def measure_label(measure: str) -> MeasureLabel:
    """'shoulder_flexion_L' -> Shoulder flexion range (L); 'emg_ratio_ut_lt@elevation' too."""
    from upperback.knowledge.tests_catalog import battery

    base, _, cond = measure.partition("@")
    side = ""
    if base.endswith(("_L", "_R")):
        base, side = base[:-2], base[-1]
    try:
        name = battery().get(base).name
    except Exception:  # outcome series not in the battery (e.g. adherence, pain log)
        name = base.replace("_", " ").capitalize()
    text = name + (f" ({side})" if side else "") + (f", {cond}" if cond else "")
    return MeasureLabel(base, side, cond, text)


def _bands(ax: object, data: ReportData, group: Series) -> list[str]:
    """Shade the change threshold around the baseline and the norm (mean ± SD) of each test."""
    from matplotlib.axes import Axes

    from upperback.knowledge.tests_catalog import battery

    assert isinstance(ax, Axes)
    notes: list[str] = []
    done: set[str] = set()
    for measure, pts in sorted(group.items()):
        lab = measure_label(measure)
        if lab.test_id in done or not pts:
            continue
        try:
            spec = battery().get(lab.test_id)
        except Exception:
            continue
        done.add(lab.test_id)
        applied = next((c for c in spec.change if c.applied), None)
        if applied is not None:
            base = pts[0].value
            label = f"baseline ± {applied.kind} {applied.value:g} {spec.unit} ({spec.name})"
            ax.axhspan(
                base - applied.value, base + applied.value, color="#9e9e9e", alpha=0.2, lw=0,
                label=label,
            )  # fmt: skip
            notes.append(label)
        norm = spec.norm_for(data.client.sex)
        if norm is not None and norm.mean is not None and norm.sd:
            label = f"norm {norm.mean:g} ± {norm.sd:g} {spec.unit} ({norm.population})"
            ax.axhspan(
                norm.mean - norm.sd, norm.mean + norm.sd, color="#2e7d32", alpha=0.14, lw=0,
                label=label,
            )  # fmt: skip
            notes.append(label)
    return notes


def _figure(title: str, narrow: bool = False) -> tuple[Figure, object]:
    """Wide plots for desktop; narrow (phone) plots are taller with the same font sizes."""
    size = (4.2, 3.9) if narrow else (7.6, 3.6)
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    ax = fig.subplots()
    ax.set_title(title, fontsize=11, loc="left", wrap=True)
    ax.grid(True, alpha=0.3)
    ax.tick_params(labelsize=9)
    return fig, ax


# Drawn plots keyed by a digest of exactly what they show: a page, the HTML and the PDF
# report of an unchanged record reuse the bytes instead of redrawing (matplotlib layout
# and rasterising cost ~0.1-0.4 s a plot). Bounded LRU; ~30-80 kB an entry. [design]
_CACHE_MAX = 256
_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()


def plot_version(data: ReportData, key: str) -> str:
    """A digest of what one plot draws: its points, the client's sex (norm band), the week.

    Equal digests mean equal pictures, so it serves as a cache key and an ETag.
    """
    if key == "adherence":
        shown: object = weekly_adherence(data)
    else:
        shown = sorted(
            (m, [(p.date.isoformat(), p.value, p.unit) for p in pts])
            for m, pts in _selected(data.progress.series, PLOT_GROUPS[key]).items()
        )
    text = repr((key, str(data.client.sex), shown))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def plot(data: ReportData, key: str, fmt: str = "png", *, narrow: bool = False) -> bytes:
    """One plot as PNG or SVG bytes; an empty plot says there is no data yet (cached)."""
    if key not in PLOT_GROUPS:
        raise InvalidInput(f"plot: {key!r} is not one of {', '.join(PLOT_GROUPS)}")
    if fmt not in ("png", "svg"):
        raise InvalidInput(f"format: {fmt!r} is not png or svg")
    cache_key = f"{plot_version(data, key)}:{fmt}:{int(narrow)}"
    with _cache_lock:
        hit = _cache.get(cache_key)
        if hit is not None:
            _cache.move_to_end(cache_key)
            return hit
    out = _draw(data, key, fmt, narrow=narrow)
    with _cache_lock:
        _cache[cache_key] = out
        while len(_cache) > _CACHE_MAX:
            _cache.popitem(last=False)
    return out


def clear_plot_cache() -> None:
    """Forget every drawn plot (benchmarks time the cold draw with it)."""
    with _cache_lock:
        _cache.clear()


def _draw(data: ReportData, key: str, fmt: str, *, narrow: bool) -> bytes:
    group = PLOT_GROUPS[key]
    fig, ax_obj = _figure(
        group.title + (f" ({group.invert_note})" if group.invert_note else ""), narrow
    )
    from matplotlib.axes import Axes

    assert isinstance(ax_obj, Axes)
    ax = ax_obj
    drawn = False
    if key == "adherence":
        weeks = weekly_adherence(data)
        if weeks:
            ax.bar([w for w, _ in weeks], [v * 100 for _, v in weeks], color="#3b7ea1")
            ax.set_xlabel("program week", fontsize=10)
            ax.set_ylim(0, 105)
            ax.set_ylabel("% of planned sessions", fontsize=10)
            drawn = True
    else:
        selected = _selected(data.progress.series, group)
        colours: dict[str, str] = {}
        if selected:
            _bands(ax, data, selected)
        if key == "pain" and selected:
            from upperback.knowledge.loading_rules import loading_rules

            limit = loading_rules().pain.during_max
            ax.axhline(
                limit, color="#c62828", linestyle=":", linewidth=1.5,
                label=f"pain-monitoring limit {limit:g}/10 (Silbernagel)",
            )  # fmt: skip
        for measure, pts in sorted(selected.items()):
            lab = measure_label(measure)
            colour = colours.setdefault(
                lab.test_id + lab.condition, _COLOURS[len(colours) % len(_COLOURS)]
            )
            line, marker = _SIDE_STYLE.get(lab.side, ("-", "o"))
            xs = np.array([p.date for p in pts], dtype="datetime64[D]")
            ys = [p.value for p in pts]
            ax.plot(
                xs, ys, linestyle=line, marker=marker if len(pts) < 15 else None,
                label=lab.name, markersize=5, linewidth=1.8, color=colour,
            )  # fmt: skip
            drawn = True
        if drawn:
            days = {p.date for pts in selected.values() for p in pts}
            if len(days) == 1:  # one visit: a fortnight around it, not years of empty axis
                only = np.datetime64(next(iter(days)), "D")
                ax.set_xlim(only - np.timedelta64(7, "D"), only + np.timedelta64(7, "D"))  # type: ignore[arg-type]
            locator = AutoDateLocator()  # type: ignore[no-untyped-call]
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
            units = {pts[0].unit for pts in selected.values()}
            unit = units.pop() if len(units) == 1 else group.ylabel
            ax.set_ylabel(_UNIT_WORDS.get(unit, unit), fontsize=10)
            ax.set_xlabel("date", fontsize=10)
            fig.legend(
                loc="outside lower center", fontsize=8.5, ncols=1 if narrow else 2, frameon=False
            )
    if not drawn:
        ax.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()
