"""Exposure metrics of one channel's %MVC envelope (INTEROP-AND-EXPOSURE.md section B).

- APDF (Jonsson 1982): p10 "static", p50 "median", p90 "peak" load, %MVC.
- EMG gaps (Veiersted et al. 1990): periods below the gap threshold lasting at least
  ``gap_min_s``; reported per minute.
- Muscular rest (Nordander et al. 2000): percent of time below the rest threshold.
- Sustained low-level activity (Hanvold et al. 2013): uninterrupted activity (no gap) above
  the threshold lasting longer than ``sustained_min_s``; percent of the day and count.
- EVA (Mathiassen & Winkel 1991): percent of time per (amplitude class x uninterrupted
  duration class) cell.

Thresholds come from ``knowledge/data/exposure.yaml`` and are stated with every result,
since values are not comparable across definitions (Hansson et al. 2000).
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

from upperback.emg._checks import FloatArray


class Thresholds(BaseModel):
    """The definitions the numbers depend on (stored with each result)."""

    window_s: float
    rest_pct_mvc: float
    gap_pct_mvc: float
    gap_min_s: float
    sustained_pct_mvc: float
    sustained_min_s: float
    eva_amplitude_pct_mvc: list[float]
    eva_duration_s: list[float]


class ChannelExposure(BaseModel):
    """Workday exposure of one channel."""

    channel: str
    muscle: str
    side: str | None
    duration_s: float
    apdf_p10_pct_mvc: float
    apdf_p50_pct_mvc: float
    apdf_p90_pct_mvc: float
    gaps_per_min: float
    n_gaps: int
    rest_pct_time: float
    sustained_pct_time: float
    n_sustained_periods: int
    longest_sustained_s: float
    eva_pct_time: list[list[float]] = Field(description="rows: amplitude class, cols: duration")
    apdf_curve: list[tuple[float, float]] = Field(
        default_factory=list, description="(%MVC, cumulative probability) at 1 %MVC steps"
    )
    noise_rms: float = Field(description="resting noise RMS subtracted, signal units")
    mvc_rms: float


class ExposureResult(BaseModel):
    """Exposure of every channel, with the definitions and how it was computed."""

    source: str = ""
    fs: float
    duration_s: float
    channels: list[ChannelExposure]
    thresholds: Thresholds
    processing: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start indices and lengths of the True runs of a boolean array."""
    if mask.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    d = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1)
    return starts, ends - starts


def between_gaps(below: np.ndarray, min_gap: int) -> np.ndarray:
    """Lengths of the periods between gaps (runs of ``below`` at least ``min_gap`` long):
    uninterrupted activity, where dips shorter than a gap do not interrupt."""
    g_start, g_len = runs(below)
    keep = g_len >= min_gap
    g_start, g_len = g_start[keep], g_len[keep]
    starts = np.concatenate(([0], g_start + g_len))
    ends = np.concatenate((g_start, [below.size]))
    lengths = ends - starts
    return np.asarray(lengths[lengths > 0])


def eva_matrix(
    pct: FloatArray, fs_env: float, amp_edges: list[float], dur_edges: list[float]
) -> list[list[float]]:
    """Percent of time per (amplitude class, uninterrupted duration class) cell."""
    n = pct.size
    out = np.zeros((len(amp_edges), len(dur_edges)))
    if n == 0:
        return out.tolist()
    cls = np.searchsorted(np.asarray(amp_edges[1:]), pct, side="right")
    change = np.flatnonzero(np.diff(cls)) + 1
    starts = np.concatenate(([0], change))
    lengths = np.diff(np.concatenate((starts, [n])))
    dur_cls = np.searchsorted(np.asarray(dur_edges[1:]), lengths / fs_env, side="right")
    np.add.at(out, (cls[starts], dur_cls), lengths)
    table: list[list[float]] = (out / n * 100.0).round(4).tolist()
    return table


def channel_exposure(
    pct: FloatArray,
    *,
    fs_env: float,
    th: Thresholds,
    channel: str,
    muscle: str = "unknown",
    side: str | None = None,
    noise_rms: float = 0.0,
    mvc_rms: float = 1.0,
) -> ChannelExposure:
    """All metrics of one %MVC envelope sampled at ``fs_env`` Hz."""
    x = np.asarray(pct, dtype=np.float64)
    n = x.size
    minutes = n / fs_env / 60.0
    p10, p50, p90 = (float(v) for v in np.percentile(x, [10, 50, 90])) if n else (0.0, 0.0, 0.0)
    below_gap = x < th.gap_pct_mvc
    _, g_len = runs(below_gap)
    min_gap = max(1, round(th.gap_min_s * fs_env))
    gaps = g_len >= min_gap
    a_len = between_gaps(x < th.sustained_pct_mvc, min_gap)
    long_runs = a_len > th.sustained_min_s * fs_env
    grid = np.arange(0.0, max(100.0, float(np.ceil(p90)) + 1.0) + 1.0, 1.0)
    cdf = np.searchsorted(np.sort(x), grid, side="right") / max(n, 1)
    return ChannelExposure(
        channel=channel,
        muscle=muscle,
        side=side,
        duration_s=n / fs_env,
        apdf_p10_pct_mvc=round(p10, 3),
        apdf_p50_pct_mvc=round(p50, 3),
        apdf_p90_pct_mvc=round(p90, 3),
        gaps_per_min=round(int(gaps.sum()) / minutes, 3) if minutes > 0 else 0.0,
        n_gaps=int(gaps.sum()),
        rest_pct_time=round(float((x < th.rest_pct_mvc).mean() * 100.0) if n else 0.0, 3),
        sustained_pct_time=round(float(a_len[long_runs].sum()) / max(n, 1) * 100.0, 3),
        n_sustained_periods=int(long_runs.sum()),
        longest_sustained_s=round(float(a_len.max()) / fs_env, 2) if a_len.size else 0.0,
        eva_pct_time=eva_matrix(x, fs_env, th.eva_amplitude_pct_mvc, th.eva_duration_s),
        apdf_curve=[(float(g), round(float(c), 5)) for g, c in zip(grid, cdf, strict=True)][:101],
        noise_rms=noise_rms,
        mvc_rms=mvc_rms,
    )
