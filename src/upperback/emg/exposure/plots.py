"""Exposure pictures: APDF curves per channel and the EVA matrix of the worst channel."""

from __future__ import annotations

import io

import numpy as np

from upperback.emg.exposure.metrics import ExposureResult


def exposure_plot_png(result: ExposureResult) -> bytes:
    """PNG: left, cumulative amplitude distribution (APDF) with p10/p50/p90 marked; right,
    the EVA matrix (percent of time by amplitude and uninterrupted duration class)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9.0, 3.6), dpi=100, layout="constrained")
    ax, bx = fig.subplots(1, 2)
    for ch in result.channels:
        g = np.asarray(ch.apdf_curve)
        if g.size:
            ax.plot(g[:, 0], g[:, 1], label=f"{ch.channel} (p10 {ch.apdf_p10_pct_mvc:.1f}, "
                    f"p50 {ch.apdf_p50_pct_mvc:.1f}, p90 {ch.apdf_p90_pct_mvc:.1f})")  # fmt: skip
    for p in (0.1, 0.5, 0.9):
        ax.axhline(p, color="#999", linewidth=0.6, linestyle=":")
    ax.set_xlim(0, max([ch.apdf_p90_pct_mvc * 1.5 for ch in result.channels] + [10.0]))
    ax.set_xlabel("amplitude (%MVC)")
    ax.set_ylabel("fraction of time at or below")
    ax.set_title("APDF", fontsize=9, loc="left")
    ax.legend(fontsize=7)
    worst = min(result.channels, key=lambda c: c.rest_pct_time) if result.channels else None
    if worst is not None:
        m = np.asarray(worst.eva_pct_time)
        im = bx.imshow(m, origin="lower", aspect="auto", cmap="viridis")
        amp = result.thresholds.eva_amplitude_pct_mvc
        dur = result.thresholds.eva_duration_s
        bx.set_yticks(range(len(amp)), [f">={a:g}" for a in amp], fontsize=7)
        bx.set_xticks(range(len(dur)), [f">={d:g}" for d in dur], fontsize=7)
        bx.set_ylabel("%MVC class")
        bx.set_xlabel("uninterrupted duration (s)")
        bx.set_title(f"EVA, {worst.channel} (% of time)", fontsize=9, loc="left")
        fig.colorbar(im, ax=bx)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
