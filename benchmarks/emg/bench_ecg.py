"""ECG during activity: beat detection and template subtraction against known truth.

Synthetic recordings from the project's generator (``emg/testing``), the ECG scaled by
``ecg_gain`` on trunk channels; the same seed with ``ecg_gain=0`` gives the identical
recording without ECG (the generator draws the same random numbers), the reference for the
amplitude and onset effect. Beats are matched to the true R peaks within 30 ms; "during
activity" counts only beats inside the true activations (sustained holds: all of them).
Compared: no ECG reduction, the previous 30 Hz high-pass, template subtraction (now).
Peers: NeuroKit2 ``ecg_clean`` + ``ecg_peaks`` (its ``ecg_process`` steps) at its defaults, BioSPPy ``ecg``
(Hamilton) at its defaults, where they run.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import match_onsets

from upperback.emg import analyze_recording
from upperback.emg.offline.analysis import (
    Plan,
    analyze_features,
    extract_features,
    make_plan,
)
from upperback.emg.offline.ecg import find_beats, qrs_band
from upperback.emg.offline.filters import FilterPlan
from upperback.emg.testing.synthetic import generate

CASES = [
    (snr, fs, seed, sustained)
    for seed, (snr, fs) in enumerate([(6, 1000.0), (10, 2000.0), (20, 2048.0)])
    for sustained in (False, True)
]


def _beats_score(found: np.ndarray, truth: list[float], fs: float, inside) -> tuple[int, int, int]:
    t = [b for b in truth if inside(b)]
    d = [b / fs for b in found if inside(b / fs)]
    tp, fp, fn, _ = match_onsets(d, t, tol=0.03)
    return tp, fp, fn


def _analyse(rec, mode: str):
    head = rec.data[:, : int(30 * rec.fs)]
    plan = make_plan(head, fs=rec.fs, offline=True)
    if mode == "none":
        plan = Plan(plan.filters, plan.mains, (), plan.motion, ())
    elif mode == "hp30":
        fp = FilterPlan.build(
            fs=rec.fs,
            n_channels=rec.n_channels,
            notches_hz=list(plan.mains.harmonics_hz),
            ecg_channels=list(plan.ecg_channels),
            zero_phase=True,
        )
        plan = Plan(fp, plan.mains, plan.ecg_channels, plan.motion, ())
    feats = extract_features(rec.data, plan)
    return analyze_features(feats, plan, channels=rec.channels, units=rec.units), plan


def _peer_beats(x: np.ndarray, fs: float) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import neurokit2 as nk

            clean = nk.ecg_clean(x, sampling_rate=int(fs))
            _, info = nk.ecg_peaks(clean, sampling_rate=int(fs))
            out["NeuroKit2 ecg_clean+ecg_peaks"] = np.asarray(info["ECG_R_Peaks"])
        except Exception as exc:
            print("neurokit2 failed:", type(exc).__name__, exc)
        try:
            from biosppy.signals import ecg as becg

            r = becg.ecg(signal=x, sampling_rate=fs, show=False)
            out["BioSPPy ecg (Hamilton)"] = np.asarray(r["rpeaks"])
        except Exception as exc:
            print("biosppy failed:", type(exc).__name__, exc)
    return out


def lead_section() -> None:
    """Reference lead (issue 14 item 2): recordings with one heart on the trunk channels and
    an ``ECG`` channel; beats from the lead vs beats sought on each channel (the same
    recordings, ``ecg_lead="none"``), against the truth and the no-ECG copy."""
    det = {"reference lead": [0, 0, 0], "each channel": [0, 0, 0]}
    eff: dict[str, list[float]] = {"auto": [], "none": []}
    on_err: dict[str, list[float]] = {"auto": [], "none": []}
    flagged = {"auto": 0, "none": 0}
    n_trunk = 0
    for snr, fs, seed, sustained in CASES:
        kw = dict(
            fs=fs, duration_s=60.0 if sustained else 30.0, snr_db=snr, sustained=sustained,
            ecg_lead=True,
        )  # fmt: skip
        rec, truth = generate(np.random.default_rng(300 + seed), **kw)
        clean, _ = generate(np.random.default_rng(300 + seed), ecg_gain=0.0, **kw)
        ref = analyze_recording(clean)
        band = qrs_band(rec.data, fs=fs)
        lead_beats = find_beats(band[rec.channels.index("ECG")], fs=fs)
        for mode in ("auto", "none"):
            res = analyze_recording(rec, ecg_lead=mode)
            for name in truth.ecg_beats_s:
                if name == "ECG":
                    continue
                a, b = res.channels[name], ref.channels[name]
                flagged[mode] += a.quality.ecg_detected
                n_trunk += mode == "auto"
                if a.rms and b.rms and len(a.activations) == len(b.activations):
                    eff[mode].append(abs(a.rms / b.rms - 1) * 100)
                if not sustained:
                    ons_a = [x.onset_s for x in a.activations]
                    ons_b = [x.onset_s for x in b.activations]
                    on_err[mode].extend(1000 * np.asarray(match_onsets(ons_a, ons_b)[3]))
        for name, beats in truth.ecg_beats_s.items():
            if name == "ECG":
                continue
            acts = truth.activations[name]

            def active(t: float, acts=acts) -> bool:
                return any(on <= t <= off for on, off in acts)

            own = find_beats(band[rec.channels.index(name)], fs=fs)
            for key, f in (("reference lead", lead_beats), ("each channel", own)):
                tp, fp, fn = _beats_score(f, beats, fs, active)
                det[key][0] += tp
                det[key][1] += fp
                det[key][2] += fn
    print("reference lead (one heart, an ECG channel beside the sEMG channels):")
    for key, (tp, fp, fn) in det.items():
        sens, ppv = tp / max(tp + fn, 1), tp / max(tp + fp, 1)
        print(
            f"  beats from {key:16s} sensitivity {sens:.3f}  PPV {ppv:.3f}  (TP {tp}, FP {fp}, FN {fn})"
        )
    for mode, label in (("auto", "--ecg-lead auto (lead)"), ("none", "--ecg-lead none")):
        e, o = np.asarray(eff[mode]), np.asarray(on_err[mode])
        print(
            f"  {label:24s} flagged {flagged[mode]}/{n_trunk}; |RMS change| median "
            f"{np.median(e):4.1f} % max {e.max():4.1f} %; onset shift p90 "
            f"{np.percentile(o, 90):5.1f} ms"
        )


def main() -> None:
    if "--lead-only" in sys.argv:
        lead_section()
        return
    det: dict[str, list[int]] = {}
    eff: dict[str, list[float]] = {"none": [], "hp30": [], "template": []}
    on_err: dict[str, list[float]] = {"none": [], "hp30": [], "template": []}
    flagged = [0, 0]
    skipped: list[str] = []
    for snr, fs, seed, sustained in CASES:
        kw = dict(fs=fs, duration_s=60.0 if sustained else 30.0, snr_db=snr, sustained=sustained)
        rec, truth = generate(np.random.default_rng(100 + seed), **kw)
        clean, _ = generate(np.random.default_rng(100 + seed), ecg_gain=0.0, **kw)
        ref, _ = _analyse(clean, "template")
        for mode in ("none", "hp30", "template"):
            res, _plan = _analyse(rec, mode)
            for name in truth.ecg_beats_s:
                a, b = res.channels[name], ref.channels[name]
                if mode == "template":
                    flagged[0] += a.quality.ecg_detected
                    flagged[1] += 1
                if a.rms and b.rms and len(a.activations) == len(b.activations):
                    eff[mode].append(abs(a.rms / b.rms - 1) * 100)
                elif mode == "template":
                    skipped.append(f"{snr} dB {fs:g} Hz {name}")
                if not sustained:
                    ons_a = [x.onset_s for x in a.activations]
                    ons_b = [x.onset_s for x in b.activations]
                    _, _, _, errs = match_onsets(ons_a, ons_b, tol=0.1)
                    on_err[mode].extend(1000 * np.asarray(errs))
        band = qrs_band(rec.data, fs=fs)
        for name, beats in truth.ecg_beats_s.items():
            i = rec.channels.index(name)
            acts = truth.activations[name]

            def active(t: float, acts=acts) -> bool:
                return any(on <= t <= off for on, off in acts)

            found = {
                "upperback energy detector (default)": find_beats(band[i], fs=fs),
                "upperback + NeuroKit2 findpeaks on 5-25 Hz": find_beats(
                    band[i], fs=fs, detector="neurokit"
                ),
            }
            found.update(_peer_beats(rec.data[i], fs))
            for key, f in found.items():
                s = det.setdefault(key, [0, 0, 0])
                tp, fp, fn = _beats_score(f, beats, fs, active)
                s[0] += tp
                s[1] += fp
                s[2] += fn
    print(f"channels with ECG flagged: {flagged[0]} / {flagged[1]} trunk channels")
    print("beat detection during activity (within 30 ms of the true R peak):")
    for key, (tp, fp, fn) in det.items():
        sens = tp / max(tp + fn, 1)
        ppv = tp / max(tp + fp, 1)
        print(f"  {key:40s} sensitivity {sens:.3f}  PPV {ppv:.3f}  (TP {tp}, FP {fp}, FN {fn})")
    print(
        "effect on trunk channels vs the same recording without ECG (channels whose "
        f"activation count differs from the reference left out: {skipped or 'none'}):"
    )
    for mode, label in (
        ("none", "no reduction"),
        ("hp30", "30 Hz high-pass (before)"),
        ("template", "template subtraction (now)"),
    ):
        e, o = np.asarray(eff[mode]), np.asarray(on_err[mode])
        print(
            f"  {label:28s} |RMS change| median {np.median(e):5.1f} %  max {e.max():5.1f} %;"
            f"  onset shift median {np.median(o):5.1f} ms  p90 {np.percentile(o, 90):5.1f} ms"
        )
    lead_section()


if __name__ == "__main__":
    main()
