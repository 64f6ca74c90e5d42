"""2-hour, 16-channel, 2 kHz recording analysed in bounded memory (chunked), peak RSS.

The samples are generated chunk by chunk (seeded), so no 1.8 GB array ever exists; the
chunked analysis keeps only feature arrays. Equality with the in-memory path is a test
(tests/emg/test_emg_processing.py::test_chunked_equals_in_memory).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_mb

from upperback.emg.offline.chunked import analyze_chunked
from upperback.emg.testing.synthetic import generate


def main(hours: float = 2.0, n_channels: int = 16, fs: float = 2000.0) -> None:
    names = tuple(
        f"{m}_{s}" for s in "RL" for m in ("UT", "MT", "LT", "SA", "RH", "LS", "SCM", "DNF")
    )[:n_channels]
    block_s = 60.0
    template, _ = generate(np.random.default_rng(0), fs=fs, duration_s=block_s, channels=names)
    n_total = int(hours * 3600 * fs)
    blk = template.n_samples
    rng = np.random.default_rng(1)
    gains = rng.uniform(0.8, 1.2, (int(np.ceil(n_total / blk)) + 1, n_channels, 1))

    def read(start: int, stop: int) -> np.ndarray:
        # A 60 s template repeated with per-minute gains: realistic content, no big array.
        out = np.empty((n_channels, stop - start))
        pos = start
        while pos < stop:
            k, off = divmod(pos, blk)
            take = min(stop - pos, blk - off)
            out[:, pos - start : pos - start + take] = template.data[:, off : off + take] * gains[k]
            pos += take
        return out

    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    res = analyze_chunked(read, n_samples=n_total, fs=fs, channels=names, chunk_s=60.0)
    dt = time.perf_counter() - t0
    acts = sum(len(c.activations) for c in res.channels.values())
    print(
        f"recording: {hours:g} h x {n_channels} ch x {fs:g} Hz = {n_total * n_channels / 1e6:.0f} M samples "
        f"({n_total * n_channels * 8 / 1e9:.2f} GB as float64)"
    )
    print(
        f"chunked analysis: {dt:.1f} s ({n_total * n_channels / dt / 1e6:.1f} M samples/s), {acts} activations"
    )
    print(f"peak RSS: {peak_rss_mb():.0f} MB (before analysis {rss0:.0f} MB)")


if __name__ == "__main__":
    main()
