"""Workday exposure: 8 h x 4 trapezius channels x 2 kHz in bounded memory (peak RSS).

Samples are generated chunk by chunk (a 60 s synthetic template with per-minute gains and
rest minutes), so no 1.8 GB array exists; the analysis keeps a 10 Hz envelope per channel.
Usage: python benchmarks/emg/bench_exposure.py [hours]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_mb

from upperback.emg.exposure import exposure_finding
from upperback.emg.exposure.analyze import analyze_exposure
from upperback.emg.testing.synthetic import generate


def main(hours: float = 8.0, fs: float = 2000.0) -> None:
    names = ("UT_R", "UT_L", "MT_R", "MT_L")
    tmpl, _ = generate(np.random.default_rng(0), fs=fs, duration_s=60.0, channels=names)
    n_total = int(hours * 3600 * fs)
    blk = tmpl.n_samples
    rng = np.random.default_rng(1)
    n_blk = int(np.ceil(n_total / blk)) + 1
    gains = rng.uniform(0.5, 1.5, (n_blk, len(names), 1)) * (rng.random((n_blk, 1, 1)) > 0.1)

    def read(start: int, stop: int) -> np.ndarray:
        out = np.empty((len(names), stop - start))
        pos = start
        while pos < stop:
            k, off = divmod(pos, blk)
            take = min(stop - pos, blk - off)
            out[:, pos - start : pos - start + take] = tmpl.data[:, off : off + take] * gains[k]
            pos += take
        return out

    mvc = {n: float(np.sqrt(np.mean(tmpl.data[i] ** 2))) * 8.0 for i, n in enumerate(names)}
    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    res = analyze_exposure(read, n_samples=n_total, fs=fs, channels=names, mvc_rms=mvc)
    dt = time.perf_counter() - t0
    print(f"recording: {hours:g} h x {len(names)} ch x {fs:g} Hz = {n_total * len(names) / 1e6:.0f} M "
          f"samples ({n_total * len(names) * 8 / 1e9:.2f} GB as float64)")  # fmt: skip
    print(f"exposure analysis: {dt:.1f} s ({n_total * len(names) / dt / 1e6:.1f} M samples/s)")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (before analysis {rss0:.0f} MB)")
    c = res.channels[0]
    print(f"{c.channel}: p10/p50/p90 {c.apdf_p10_pct_mvc:.1f}/{c.apdf_p50_pct_mvc:.1f}/"
          f"{c.apdf_p90_pct_mvc:.1f} %MVC, {c.gaps_per_min:.1f} gaps/min, rest {c.rest_pct_time:.1f} %,"
          f" finding: {exposure_finding(res) is not None}")  # fmt: skip


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 8.0)
