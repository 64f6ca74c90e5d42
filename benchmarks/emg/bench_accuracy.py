"""Onset F1, onset error, ratio error and slope error: upperback vs NeuroKit2 vs BioSPPy.

Same synthetic recordings for all (SNR 6-20 dB, fs 1000-2048 Hz, mains + harmonics, ECG on
trunk channels, baseline wander, motion artefacts). Peers get one channel at a time with
their defaults; their amplitude for ratios is the mean of their envelope within their own
activations of the UT channel. Only upperback estimates fatigue slopes. Onset and offset timing per SNR (median and p90
absolute error, signed median) follow for upperback. ``--upperback-only`` skips the peers.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import match_activations, match_onsets

from upperback.emg import analyze_recording
from upperback.emg.testing.synthetic import generate

CASES = [
    (snr, fs, seed)
    for seed, (snr, fs) in enumerate(
        [(6, 1000.0), (6, 2048.0), (10, 2000.0), (10, 1000.0), (20, 2048.0), (20, 2000.0)]
    )
]


def _nk(x: np.ndarray, fs: float) -> tuple[list[float], np.ndarray]:
    import neurokit2 as nk

    sig, _ = nk.emg_process(x, sampling_rate=int(fs))
    on = np.flatnonzero(np.diff(sig["EMG_Activity"].to_numpy().astype(int)) == 1) + 1
    return list(on / fs), sig["EMG_Amplitude"].to_numpy()


def _bio(x: np.ndarray, fs: float) -> list[float]:
    from biosppy.signals import emg as bemg

    out = bemg.emg(signal=x, sampling_rate=fs, show=False)
    on = np.asarray(out["onsets"], dtype=float)
    return list(on[::2] / fs) if on.size else []  # crossings alternate rise/fall


def _installed(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _timing_table(rows: dict[float, dict[str, list[float]]]) -> None:
    """Onset and offset error per SNR: median |error|, p90 |error|, signed median (bias)."""
    print("upperback onset / offset timing per SNR (ms; signed: + = late)")
    rows = {
        **rows,
        float("inf"): {k: [e for r in rows.values() for e in r[k]] for k in ("on", "off")},
    }
    print(
        f"{'SNR dB':>6s} {'n':>4s} {'on med':>7s} {'on p90':>7s} {'on bias':>8s} {'off med':>8s} {'off p90':>8s} {'off bias':>9s}"
    )
    for snr in sorted(rows):
        on = np.asarray(rows[snr]["on"]) * 1e3
        off = np.asarray(rows[snr]["off"]) * 1e3
        print(
            f"{'all' if snr == float('inf') else f'{snr:g}':>6s} {on.size:4d} {np.median(np.abs(on)):7.1f} {np.percentile(np.abs(on), 90):7.1f} "
            f"{np.median(on):+8.1f} {np.median(np.abs(off)):8.1f} {np.percentile(np.abs(off), 90):8.1f} "
            f"{np.median(off):+9.1f}"
        )


def main() -> None:
    warnings.filterwarnings("ignore")
    only = "--upperback-only" in sys.argv
    peers = [] if only else [k for k in ("neurokit2", "biosppy") if _installed(k)]
    missing = sorted({"neurokit2", "biosppy"} - set(peers))
    if missing and not only:
        print(f"not installed here (rows left out, not scored as zero): {', '.join(missing)}")
    stats = {
        k: {"tp": 0, "fp": 0, "fn": 0, "err": [], "ratio": [], "slope": []}
        for k in ("upperback", *peers)
    }
    timing: dict[float, dict[str, list[float]]] = {}
    for snr, fs, seed in CASES:
        rec, truth = generate(
            np.random.default_rng(1000 + seed), fs=fs, duration_s=30.0, snr_db=snr
        )
        res = analyze_recording(rec)
        row = timing.setdefault(snr, {"on": [], "off": []})
        for ch, acts in truth.activations.items():
            found = [(a.onset_s, a.offset_s) for a in res.channels[ch].activations]
            for (t_on, t_off), (d_on, d_off) in match_activations(found, acts):
                row["on"].append(d_on - t_on)
                row["off"].append(d_off - t_off)
            true_on = [a for a, _ in acts]
            got = {"upperback": [a.onset_s for a in res.channels[ch].activations]}
            x = rec.data[rec.channels.index(ch)]
            if "neurokit2" in stats:
                try:
                    got["neurokit2"] = _nk(x, fs)[0]
                except Exception:
                    got["neurokit2"] = []
            if "biosppy" in stats:
                try:
                    got["biosppy"] = _bio(x, fs)
                except Exception:
                    got["biosppy"] = []
            for k, det in got.items():
                tp, fp, fn, errs = match_onsets(det, true_on)
                s = stats[k]
                s["tp"] += tp
                s["fp"] += fp
                s["fn"] += fn
                s["err"] += errs
        for key, true in truth.ratios.items():
            r = res.ratios.get(key)
            if r is not None:
                stats["upperback"]["ratio"].append(abs(r - true) / true)
        if only:
            continue
        # NeuroKit2 ratio: mean amplitude inside UT's true bursts.
        amp = {}
        for ch in rec.channels:
            try:
                amp[ch] = _nk(rec.data[rec.channels.index(ch)], fs)[1]
            except Exception:
                amp[ch] = None
        mask = np.zeros(rec.n_samples, dtype=bool)
        for a, b in truth.activations["UT_R"]:
            mask[int(a * fs) : int(b * fs)] = True
        for key, true in truth.ratios.items():
            u, v = key.split("/")
            if "neurokit2" in stats and amp[u] is not None and amp[v] is not None:
                stats["neurokit2"]["ratio"].append(
                    abs(amp[u][mask].mean() / amp[v][mask].mean() - true) / true
                )
    # Fatigue slope: sustained contractions with a known MDF drop.
    for seed, drop in enumerate((0.1, 0.2, 0.3)):
        rec, truth = generate(
            np.random.default_rng(2000 + seed),
            fs=2000.0,
            duration_s=60.0,
            channels=("UT_R", "LT_R"),
            sustained=True,
            fatigue_mdf_drop=drop,
            snr_db=15.0,
        )
        res = analyze_recording(rec)
        for ch in rec.channels:
            s = res.channels[ch].median_frequency_slope_hz_per_min
            if s is not None:
                stats["upperback"]["slope"].append(abs(s - truth.mdf_slope_hz_per_min[ch]))
    print(
        f"{len(CASES)} recordings x 4 channels x 30 s; SNR 6-20 dB; fs 1000-2048 Hz; all nuisances"
    )
    print(
        f"{'method':10s} {'F1':>6s} {'TP':>4s} {'FP':>4s} {'FN':>4s} {'med err ms':>10s} {'p90 err ms':>10s} {'ratio err %':>11s} {'slope err Hz/min':>16s}"
    )
    for k, s in stats.items():
        f1 = 2 * s["tp"] / max(1, 2 * s["tp"] + s["fp"] + s["fn"])
        e = np.asarray(s["err"]) * 1e3
        med = f"{np.median(e):.1f}" if e.size else "-"
        p90 = f"{np.percentile(e, 90):.1f}" if e.size else "-"
        rat = f"{100 * np.median(s['ratio']):.1f}" if s["ratio"] else "n/a"
        slo = f"{np.median(s['slope']):.2f}" if s["slope"] else "n/a"
        print(
            f"{k:10s} {f1:6.3f} {s['tp']:4d} {s['fp']:4d} {s['fn']:4d} {med:>10s} {p90:>10s} {rat:>11s} {slo:>16s}"
        )

    _timing_table(timing)


if __name__ == "__main__":
    main()
