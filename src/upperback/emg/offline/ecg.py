"""ECG contamination on sEMG channels: beat detection during activity and template subtraction.

Trunk muscles (middle/lower trapezius, serratus, rhomboids, latissimus, pectoralis) pick up
the ECG. The QRS complex has most of its energy at 5-25 Hz, where trapezius sEMG has
little (its power lies mostly at 40-150 Hz), so beats are found on each channel's
5-25 Hz band (zero-phase, decimated to 250 Hz) with NeuroKit2's gradient detector
(``ecg_findpeaks(method="neurokit")``; Makowski et al. 2021, Behav Res Methods 53:1689) and
refined to the largest |QRS-band| sample within 25 ms at full rate. This works while the
muscle is active: the detector's threshold follows a 0.75 s average of the signal's
gradient, not a fixed share of a quiet period.

A channel is called contaminated when the median of its band-passed (20-450 Hz) segments
aligned on the beats (the QRS template) stands out from the median of the same number of
segments taken half-way between beats (at least :data:`CONTAMINATION_RATIO` times its RMS):
sEMG is zero-mean noise to the median, the ECG is time-locked to the beat. The template
is then subtracted at every beat (Bartolo et al. 1996, IEEE EMBS 18:2; Drake & Callaghan
2006, J Electromyogr Kinesiol 16:175: template subtraction keeps the low-frequency sEMG
that a 30 Hz high-pass removes). The residual is the RMS of the template re-measured after
subtraction over its RMS before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import fft as sfft
from scipy import signal
from scipy.ndimage import uniform_filter1d

from upperback.emg._checks import FloatArray, check_fs, check_signal
from upperback.emg.offline.filters import extend_ends, line_free_spectrum, qrs_gain
from upperback.errors import InvalidInput

#: Rate the detector runs at (Hz); NeuroKit2's detector is tuned for ECG rates.
DETECT_FS = 250.0
#: QRS-band energy over its 2 s moving mean that marks a beat ([design]; Pan & Tompkins
#: adapt their threshold to running signal and noise levels in the same way).
ENERGY_RATIO = 3.0
#: Template window around each R peak, seconds (QRS and T wave).
TEMPLATE_S = (-0.12, 0.38)
#: Half-width of the QRS part of the template, seconds.
QRS_S = 0.06
#: Template RMS over the off-beat template RMS above which a channel is contaminated
#: ([design], on the synthetic set: 1.8-12.6 on contaminated channels; clean channels are
#: already refused by :func:`plausible`, no regular beats).
CONTAMINATION_RATIO = 1.5
#: Least-squares gain below which a detected beat is not subtracted ([design]).
MIN_GAIN = 0.5
#: Fewest beats for a template.
MIN_BEATS = 8
METHOD = (
    "beats: 5-25 Hz QRS-band energy peaks above 3x their 2 s moving mean (scipy "
    "find_peaks); median QRS template subtracted at every beat, gain fitted per beat"
)


def qrs_band(x: FloatArray, *, fs: float) -> FloatArray:
    """Zero-phase 5-25 Hz band of ``x`` (channels, samples): the ``sosfiltfilt`` response of
    an order-2 Butterworth band-pass applied in the frequency domain, the ends extended as the
    front end does (:func:`~upperback.emg.offline.filters.extend_ends`)."""
    ext, pre, post = extend_ends(x, fs=fs, at_start=True, at_end=True)
    spec, n_fft = line_free_spectrum(ext, fs=fs)
    band = sfft.irfft(spec * qrs_gain(n_fft, fs=fs), n=n_fft, axis=-1)
    return np.asarray(band[:, pre : ext.shape[1] - post])


def find_beats(band: FloatArray, *, fs: float, detector: str = "energy") -> np.ndarray:
    """R-peak sample indices of one channel's QRS band (1-D), empty when none are found.

    ``detector``: ``"energy"`` (default): peaks of the 40 ms QRS-band energy above 3 times
    its 2 s moving mean (``scipy.signal.find_peaks``, at least 0.3 s apart), an adaptive
    threshold in the spirit of Pan & Tompkins 1985 (IEEE TBME 32:230); ``"neurokit"``:
    NeuroKit2's ``ecg_findpeaks(method="neurokit")``. Both scored the same on the synthetic
    set (``bench_ecg.py``); NeuroKit2 costs 2-3 s of import per process (pandas,
    scikit-learn), which alone broke the whole-process budget.
    """
    dec = max(1, round(fs / DETECT_FS))
    if band.size < 2 * fs:
        return np.zeros(0, dtype=np.int64)
    # Mean over blocks of ``dec`` after a zero-phase 5-25 Hz band-pass: no aliasing to care
    # about (the band ends far below the decimated Nyquist).
    n = (band.size // dec) * dec
    low = band[:n].reshape(-1, dec) @ np.full(dec, 1.0 / dec, dtype=band.dtype)
    fe = fs / dec
    if detector == "neurokit":
        from neurokit2 import ecg_findpeaks

        found: dict[str, Any] = ecg_findpeaks(low, sampling_rate=round(fe), method="neurokit")
        peaks = np.asarray(found.get("ECG_R_Peaks", []), dtype=np.int64) * dec
    else:
        e = uniform_filter1d(low * low, max(1, round(0.04 * fe)))
        floor = uniform_filter1d(e, max(1, round(2.0 * fe)))
        idx, _ = signal.find_peaks(e, height=ENERGY_RATIO * floor, distance=max(1, round(0.3 * fe)))
        peaks = np.asarray(idx, dtype=np.int64) * dec
    if peaks.size == 0:
        return peaks
    # Refine to the largest |band| within 25 ms at full rate (polarity-free).
    w = max(1, round(0.025 * fs))
    width = 2 * w + dec
    padded = np.full(band.size + 2 * width, -1.0)
    np.abs(band, out=padded[width : width + band.size])
    win = peaks[:, None] + (np.arange(-w, w + dec) + width)[None, :]
    out = peaks - w + np.argmax(padded[win], axis=1)
    return drop_extra_beats(np.unique(out), band)


def drop_extra_beats(beats: np.ndarray, band: FloatArray) -> np.ndarray:
    """Remove the weaker of two beats closer than 0.6 of the median RR interval: a burst of
    sEMG leaking into the QRS band reads as an extra beat, a heart does not beat twice in
    0.6 RR (premature beats are rare and only cost one template subtraction)."""
    b = beats
    while b.size >= 3:
        rr = np.diff(b)
        short = np.flatnonzero(rr < 0.6 * np.median(rr))
        if short.size == 0:
            break
        k = int(short[0])
        weaker = k if abs(band[b[k]]) < abs(band[b[k + 1]]) else k + 1
        b = np.delete(b, weaker)
    return b


def plausible(beats: np.ndarray, *, fs: float) -> bool:
    """At least :data:`MIN_BEATS` beats at a heart rate of 40-200/min, two thirds of the
    intervals within 25 % of the median (a sinus rhythm, not scattered sEMG peaks)."""
    if beats.size < MIN_BEATS:
        return False
    d = np.diff(beats)
    rr = float(np.median(d))
    regular = float(np.mean(np.abs(d - rr) <= 0.25 * rr)) >= 2 / 3
    return 0.3 <= rr / fs <= 1.5 and regular


def _segments(y: FloatArray, at: np.ndarray, lo: int, hi: int) -> FloatArray:
    ok = at[(at + lo >= 0) & (at + hi <= y.size)]
    idx = ok[:, None] + np.arange(lo, hi)[None, :]
    return np.asarray(y[idx], dtype=np.float64)


@dataclass(frozen=True)
class EcgTemplate:
    """A channel's QRS template in the band-passed domain and what it is measured against."""

    template: FloatArray  # samples from TEMPLATE_S[0] to TEMPLATE_S[1] around the R peak
    lo: int  # offset of the template's first sample from the R peak (negative)
    ratio: float  # template RMS / off-beat template RMS
    n_beats: int

    @property
    def contaminated(self) -> bool:
        return self.ratio >= CONTAMINATION_RATIO


def build_template(filtered: FloatArray, beats: np.ndarray, *, fs: float) -> EcgTemplate | None:
    """Median QRS template of one band-passed channel and its contamination ratio."""
    lo, hi = round(TEMPLATE_S[0] * fs), round(TEMPLATE_S[1] * fs)
    seg = _segments(filtered, beats, lo, hi)
    if seg.shape[0] < MIN_BEATS:
        return None
    tmpl = np.median(seg, axis=0)
    # Contamination is judged on the QRS part only (+-QRS_S): the off-beat segments
    # half-way between beats must not reach the next QRS.
    q = round(QRS_S * fs)
    mid = (beats[:-1] + beats[1:]) // 2
    off = _segments(filtered, mid, -q, q + 1)
    off_rms = float(np.sqrt(np.mean(np.median(off, axis=0) ** 2))) if off.shape[0] else 0.0
    t_rms = float(np.sqrt(np.mean(tmpl[-lo - q : -lo + q + 1] ** 2)))
    ratio = t_rms / off_rms if off_rms > 0 else (np.inf if t_rms > 0 else 0.0)
    return EcgTemplate(np.asarray(tmpl, dtype=np.float64), lo, float(ratio), int(seg.shape[0]))


def subtract(filtered: FloatArray, beats: np.ndarray, tmpl: EcgTemplate) -> FloatArray:
    """``filtered`` (1-D) with the template removed at every beat (in place; returned).

    Beat-to-beat amplitude (respiration, posture) is followed by a least-squares gain per
    beat, bounded so that sEMG under the beat cannot inflate it; a beat whose gain is below
    :data:`MIN_GAIN` has no QRS of this shape (a motion bump read as a beat) and is skipped.
    """
    m = tmpl.template.size
    t = tmpl.template
    tt = float(t @ t)
    starts = np.asarray(beats, dtype=np.int64) + tmpl.lo
    if (starts.size > 1 and int(np.diff(starts).min()) < m) or tt <= 0:
        return _subtract_each(filtered, starts, t, tt)
    # Windows do not overlap (the usual case: RR longer than the template): the beats that
    # lie wholly inside are done at once, the one or two cut by the edges one by one.
    whole = (starts >= 0) & (starts + m <= filtered.size)
    idx = starts[whole][:, None] + np.arange(m)[None, :]
    g = (filtered[idx] @ t) / tt
    ok = g >= MIN_GAIN
    filtered[idx[ok]] -= np.minimum(g[ok], 1.5)[:, None] * t
    return _subtract_each(filtered, starts[~whole], t, tt)


def _subtract_each(
    filtered: FloatArray, starts: np.ndarray, t: FloatArray, tt: float
) -> FloatArray:
    """:func:`subtract` one beat after the other (overlapping windows, edges)."""
    m = t.size
    for a in starts.tolist():
        s0, s1 = max(0, a), min(filtered.size, a + m)
        if s1 > s0:
            part = t[s0 - a : s1 - a]
            g = float(filtered[s0:s1] @ part) / tt if s1 - s0 == m and tt > 0 else 1.0
            if g < MIN_GAIN:
                continue
            filtered[s0:s1] -= min(g, 1.5) * part
    return filtered


def residual(
    filtered_clean: FloatArray, beats: np.ndarray, tmpl: EcgTemplate, *, fs: float
) -> float:
    """QRS energy left after subtraction: RMS of the mean beat-aligned QRS segment of the
    cleaned channel over the template's QRS RMS (the mean, not the median, so that what
    the template missed on individual beats still shows)."""
    q = round(QRS_S * fs)
    seg = _segments(filtered_clean, beats, -q, q + 1)
    core = tmpl.template[-tmpl.lo - q : -tmpl.lo + q + 1]
    t_rms = float(np.sqrt(np.mean(core**2)))
    if seg.shape[0] == 0 or t_rms <= 0:
        return float("nan")
    return float(np.sqrt(np.mean(seg.mean(axis=0) ** 2))) / t_rms


@dataclass(frozen=True)
class EcgChannel:
    """Head-of-recording ECG decision for one channel."""

    channel: int
    template: EcgTemplate
    beats_in_head: int
    residual: float


def detect_ecg_channels(
    raw: FloatArray,
    filtered: FloatArray,
    *,
    fs: float,
    candidates: list[int] | None = None,
    band: FloatArray | None = None,
) -> list[EcgChannel]:
    """Contaminated channels of a recording head (raw and band-passed, channels x samples),
    each with its template; channels without plausible beats or template are left out.
    ``band``: the QRS band of the candidate rows when already computed."""
    fs = check_fs(fs)
    x = check_signal(raw)
    if x.shape[1] < 5 * fs:
        return []
    chans = list(range(x.shape[0])) if candidates is None else candidates
    if band is None:
        band = qrs_band(x[chans], fs=fs)
    out: list[EcgChannel] = []
    for row, ch in enumerate(chans):
        beats = find_beats(band[row], fs=fs)
        if not plausible(beats, fs=fs):
            continue
        found = channel_ecg(filtered[ch], beats, fs=fs, channel=ch)
        if found is not None:
            out.append(found)
    return out


def channel_ecg(
    filtered: FloatArray, beats: np.ndarray, *, fs: float, channel: int
) -> EcgChannel | None:
    """Template of one band-passed channel (1-D) at the given beats, or None when the channel
    is not contaminated (its template does not stand out from the off-beat segments)."""
    tmpl = build_template(filtered, beats, fs=fs)
    if tmpl is None or not tmpl.contaminated:
        return None
    clean = subtract(filtered.copy(), beats, tmpl)
    return EcgChannel(channel, tmpl, int(beats.size), residual(clean, beats, tmpl, fs=fs))


#: Channel names read as an ECG reference lead by ``ecg_lead="auto"`` ([design]).
LEAD_NAME = re.compile(r"^(ECG|EKG)", re.IGNORECASE)
LEAD_METHOD = (
    "beats: 5-25 Hz QRS-band energy peaks of the reference lead (as on a channel, scipy "
    "find_peaks); each sEMG channel's median template at those beats subtracted where it "
    "stands out, gain fitted per beat"
)


def find_ecg_lead(channels: Sequence[str], choice: str = "auto") -> int | None:
    """Row of the ECG reference lead among ``channels``, or None.

    ``choice``: ``"auto"`` (the first channel whose name starts with ECG or EKG), ``"none"``
    (no lead: beats are sought on each sEMG channel), or a channel name (case-insensitive).
    """
    key = choice.strip()
    if key.lower() == "none":
        return None
    if key.lower() == "auto":
        hits = [i for i, c in enumerate(channels) if LEAD_NAME.match(c.strip())]
        row = hits[0] if hits else None
    else:
        named = [i for i, c in enumerate(channels) if c.strip().lower() == key.lower()]
        if not named:
            raise InvalidInput(
                f"ECG lead: no channel named {choice!r}; channels: {', '.join(channels)}"
            )
        row = named[0]
    if row is not None and len(channels) < 2:
        raise InvalidInput(
            f"ECG lead: {channels[row]!r} is the only channel; there is no sEMG to analyse "
            "(give --ecg-lead none to analyse it as sEMG)"
        )
    return row


def detect_ecg(emg: FloatArray, *, fs: float) -> list[int]:
    """Indices of channels of ``emg`` (channels, samples; >= 5 s) with ECG contamination.

    For the live path, which reduces ECG by a 30 Hz high-pass (a causal filter cannot wait
    for a template); the offline path subtracts templates (:func:`detect_ecg_channels`).
    """
    from upperback.emg.offline.filters import design_bandpass

    fs = check_fs(fs)
    x = check_signal(emg)
    if x.shape[1] < 5 * fs:
        return []
    y = signal.sosfiltfilt(design_bandpass(fs=fs), x, axis=-1)
    return [e.channel for e in detect_ecg_channels(x, y, fs=fs)]
