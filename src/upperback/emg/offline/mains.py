"""Mains interference detection (50/60 Hz and harmonics).

A routine notch removes real EMG power (Physiol Meas 2009, PMID 19242048; DOMAIN.md
section 5), so lines are notched only where a Welch spectrum shows them: a harmonic counts
as present when its 1 Hz bin stands at least ``min_ratio`` (default 3, about 5 dB) above
the median of the neighbouring bins 3-8 Hz away on either side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from upperback.emg._checks import FloatArray, check_fs, check_option, check_signal

MAINS_OPTIONS = ("auto", "50", "60", "none")


@dataclass(frozen=True)
class MainsDetection:
    """Result of :func:`detect_mains`."""

    frequency_hz: float | None
    harmonics_hz: tuple[float, ...]
    line_ratio_db: dict[float, float]
    #: Per channel: share of 20-450 Hz power that lies in the detected lines (0-1).
    line_power_fraction: FloatArray


def _line_ratios(f: FloatArray, pxx: FloatArray, f0: float, fmax: float) -> dict[float, FloatArray]:
    out: dict[float, FloatArray] = {}
    f[1] - f[0]
    h = 1
    while h * f0 <= fmax:
        fl = h * f0
        near = np.abs(f - fl)
        neigh = (near >= 3) & (near <= 8)
        at = near <= 1.0
        if at.any() and neigh.any():
            peak = pxx[:, at].max(axis=1)
            base = np.median(pxx[:, neigh], axis=1)
            out[fl] = peak / np.maximum(base, 1e-300)
        h += 1
    return out


def head_spectrum(emg: FloatArray, *, fs: float) -> tuple[FloatArray, FloatArray]:
    """Welch PSD (Hann, 50 % overlap, mean removed) of ``emg`` (channels, samples).

    0.5 Hz bins when there are at least 8 s (a narrower bin lifts a line above the EMG),
    else 1 Hz. Computed once per recording head and shared by :func:`detect_mains` and
    :func:`upperback.emg.offline.quality.motion_ratio`.
    """
    x = check_signal(emg)
    nper = int(2 * fs) if x.shape[1] >= 8 * fs else int(fs)
    f, pxx = signal.welch(x, fs=fs, nperseg=min(nper, x.shape[1]), axis=-1, detrend="constant")
    return np.asarray(f, dtype=np.float64), np.asarray(pxx, dtype=np.float64)


def detect_mains(
    emg: FloatArray,
    *,
    fs: float,
    mains: str = "auto",
    high_hz: float = 450.0,
    min_ratio: float = 3.0,
    spectrum: tuple[FloatArray, FloatArray] | None = None,
) -> MainsDetection:
    """Detect mains lines in ``emg`` (channels, samples), typically the first 30 s.

    Parameters
    ----------
    emg : ndarray
        Raw signal, (channels, samples).
    fs : float
        Sampling rate in Hz.
    mains : {"auto", "50", "60", "none"}
        "auto" picks the family (50 or 60 Hz) with more evidence; "50"/"60" force it (the
        fundamental is always notched, harmonics when present); "none" disables.
    high_hz : float
        Highest harmonic considered, in Hz (the band-pass upper corner).
    min_ratio : float
        Peak-to-neighbourhood power ratio for a line to count (3 = 4.8 dB).
    spectrum : (f, pxx), optional
        :func:`head_spectrum` of ``emg`` if the caller already has it.
    """
    fs = check_fs(fs)
    mains = check_option("mains", str(mains), MAINS_OPTIONS)
    x = check_signal(emg)
    nch = x.shape[0]
    if mains == "none" or x.shape[1] < int(fs):
        return MainsDetection(None, (), {}, np.zeros(nch))
    f, pxx = spectrum if spectrum is not None else head_spectrum(x, fs=fs)
    nper = round(fs / (f[1] - f[0]))
    fmax = min(high_hz, 0.45 * fs)
    # Few Welch averages give a noisy spectrum: demand 10 dB then.
    n_avg = 2 * x.shape[1] // nper - 1
    if n_avg < 20:
        min_ratio = max(min_ratio, 10.0)
    scores: dict[float, tuple[float, list[float], dict[float, float]]] = {}
    for f0 in (50.0, 60.0):
        ratios = _line_ratios(f, pxx, f0, fmax)
        present = [fl for fl, r in ratios.items() if float(r.max()) >= min_ratio]
        score = float(sum(np.log10(ratios[fl].max()) for fl in present))
        db = {fl: float(10 * np.log10(max(float(r.max()), 1e-300))) for fl, r in ratios.items()}
        scores[f0] = (score, present, db)
    if mains == "auto":
        best = max(scores, key=lambda k: scores[k][0])
        if not scores[best][1]:
            return MainsDetection(None, (), {}, np.zeros(nch))
        f0 = best
        lines = scores[best][1]
    else:
        f0 = float(mains)
        lines = sorted(set(scores[f0][1]) | {f0})
    band = (f >= 20) & (f <= fmax)
    total = pxx[:, band].sum(axis=1)
    line_mask = np.zeros_like(f, dtype=bool)
    for fl in lines:
        line_mask |= np.abs(f - fl) <= 1.0
    frac = pxx[:, line_mask & band].sum(axis=1) / np.maximum(total, 1e-300)
    return MainsDetection(
        f0, tuple(sorted(lines)), scores[f0][2], np.asarray(frac, dtype=np.float64)
    )
