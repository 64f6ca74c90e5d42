"""Throughput of the full analysis vs bare SciPy, NeuroKit2 and BioSPPy (8 ch, 2 kHz, 10 min)."""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bare_scipy, best_of

from upperback.emg import analyze_recording
from upperback.emg.testing.synthetic import generate


def main() -> None:
    fs = 2000.0
    channels = ("UT_R", "MT_R", "LT_R", "SA_R", "UT_L", "MT_L", "LT_L", "SA_L")
    rec, _ = generate(np.random.default_rng(0), fs=fs, duration_s=600.0, channels=channels)
    n = rec.data.size
    t_up = best_of(lambda: analyze_recording(rec))
    t_bare = best_of(lambda: bare_scipy(rec.data, fs))
    rows = [
        ("upperback analyze_recording (full)", n, t_up),
        ("bare SciPy band-pass + envelope", n, t_bare),
    ]
    warnings.filterwarnings("ignore")
    try:
        import neurokit2 as nk

        x1 = rec.data[0, : int(60 * fs)]
        t0 = time.perf_counter()
        nk.emg_process(x1, sampling_rate=int(fs))
        rows.append(("NeuroKit2 emg_process (1 ch x 60 s)", x1.size, time.perf_counter() - t0))
    except ImportError:
        pass
    try:
        from biosppy.signals import emg as bemg

        x1 = rec.data[0]
        t0 = time.perf_counter()
        bemg.emg(signal=x1, sampling_rate=fs, show=False)
        rows.append(("BioSPPy emg (1 ch x 600 s)", x1.size, time.perf_counter() - t0))
    except ImportError:
        pass
    print(f"{'pipeline':42s} {'samples':>10s} {'time s':>8s} {'M samples/s':>12s} {'vs bare':>8s}")
    bare_rate = n / t_bare
    for name, ns, t in rows:
        rate = ns / t
        print(f"{name:42s} {ns:10d} {t:8.3f} {rate / 1e6:12.2f} {rate / bare_rate:8.3f}")
    print(
        f"upperback / NeuroKit2 throughput: {(n / t_up) / (rows[2][1] / rows[2][2]):.0f}x"
        if len(rows) > 2
        else ""
    )


if __name__ == "__main__":
    main()
