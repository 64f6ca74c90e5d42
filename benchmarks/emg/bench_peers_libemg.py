"""Fatigue MDF slope: upperback vs libemg's MDF feature, same holds as ``bench_accuracy.py``.

libemg (myoelectric control) offers MDF/MNF features per window but no onset detector and no
ECG removal, so the fatigue slope is the one measure to set side by side. It pins an older
NumPy, so it runs in its own environment (``sh benchmarks/emg/peers_env.sh`` makes
``benchmarks/emg/.venv-libemg``): this script writes the recordings to a temporary ``.npz``,
runs libemg there on 0.5 s windows (the same epochs as upperback) after the same 20-450 Hz
zero-phase band-pass and 50 Hz notches, fits a least-squares slope, and prints both side
by side. Usage: python benchmarks/emg/bench_peers_libemg.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from upperback.emg import analyze_recording
from upperback.emg.testing.synthetic import generate

VENV = Path(__file__).resolve().parent / ".venv-libemg" / "bin" / "python"
LIBEMG = r"""
import json, sys
import numpy as np
from scipy import signal
from libemg.feature_extractor import FeatureExtractor
from libemg.utils import get_windows
d = np.load(sys.argv[1])
fs = float(d["fs"])
sos = signal.butter(4, [20, 450], btype="bandpass", fs=fs, output="sos")
out = {}
for key in d.files:
    if key == "fs":
        continue
    x = signal.sosfiltfilt(sos, d[key], axis=-1)
    for f0 in (50.0, 150.0, 250.0):
        b, a = signal.iirnotch(f0, f0 / 2.0, fs=fs)
        x = signal.filtfilt(b, a, x, axis=-1)
    w = int(0.5 * fs)
    win = get_windows(x.T, w, w)
    feats = FeatureExtractor().extract_features(["MDF"], win, feature_dic={"MDF_fs": fs})
    mdf = np.asarray(feats["MDF"])  # (windows, channels)
    t = (np.arange(mdf.shape[0]) + 0.5) * 0.5 / 60.0
    out[key] = [float(np.polyfit(t, mdf[:, c], 1)[0]) for c in range(mdf.shape[1])]
print(json.dumps(out))
"""


def main() -> None:
    truth_slopes: dict[str, list[float]] = {}
    ours: dict[str, list[float]] = {}
    arrays: dict[str, np.ndarray] = {}
    fs = 2000.0
    for seed, drop in enumerate((0.1, 0.2, 0.3)):
        rec, truth = generate(
            np.random.default_rng(2000 + seed), fs=fs, duration_s=60.0,
            channels=("UT_R", "LT_R"), sustained=True, fatigue_mdf_drop=drop, snr_db=15.0,
        )  # fmt: skip
        key = f"drop{int(drop * 100)}"
        arrays[key] = rec.data
        truth_slopes[key] = [truth.mdf_slope_hz_per_min[c] for c in rec.channels]
        res = analyze_recording(rec)
        ours[key] = [
            float(res.channels[c].median_frequency_slope_hz_per_min or np.nan)
            for c in rec.channels
        ]
    err_ours = [abs(o - t) for k in ours for o, t in zip(ours[k], truth_slopes[k], strict=True)]
    print(f"upperback MDF slope error: median {np.median(err_ours):.2f} Hz/min (6 channel-holds)")
    if not VENV.exists():
        print("libemg: no environment; run `sh benchmarks/emg/peers_env.sh` first")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "holds.npz"
        np.savez(path, fs=fs, **arrays)
        proc = subprocess.run(
            [str(VENV), "-c", LIBEMG, str(path)], capture_output=True, text=True, check=False
        )
    if proc.returncode:
        print("libemg failed:", proc.stderr.strip().splitlines()[-1:])
        return
    theirs = json.loads(proc.stdout.strip().splitlines()[-1])
    err_lib = [abs(o - t) for k in theirs for o, t in zip(theirs[k], truth_slopes[k], strict=True)]
    print(f"libemg MDF (0.5 s windows) slope error: median {np.median(err_lib):.2f} Hz/min")
    print(f"ratio libemg / upperback error: {np.median(err_lib) / np.median(err_ours):.2f}")
    for k in ours:
        print(
            f"  {k}: truth {', '.join(f'{t:.1f}' for t in truth_slopes[k])}; upperback "
            f"{', '.join(f'{o:.1f}' for o in ours[k])}; libemg "
            f"{', '.join(f'{o:.1f}' for o in theirs[k])} Hz/min"
        )


if __name__ == "__main__":
    sys.exit(main())
