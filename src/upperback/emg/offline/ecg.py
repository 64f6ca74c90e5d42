"""ECG contamination detection on sEMG channels.

Trunk muscles (middle/lower trapezius, serratus, rhomboids, latissimus, pectoralis) pick up
the ECG. A channel is called contaminated when its 10-40 Hz band (QRS energy) shows sharp
peaks at a regular interval of a heart rate between 40 and 180 beats/min. The reduction
(:data:`upperback.emg.offline.filters.ECG_LOW_HZ`) raises the high-pass corner to 30 Hz, which
Drake & Callaghan 2006 (J Electromyogr Kinesiol 16:175) found as effective as more
complex methods for amplitude and most timing measures.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

from upperback.emg._checks import FloatArray, check_fs, check_signal


def detect_ecg(emg: FloatArray, *, fs: float) -> list[int]:
    """Return the indices of channels of ``emg`` (channels, samples) with ECG contamination.

    Parameters
    ----------
    emg : ndarray
        Raw signal, (channels, samples); at least 5 s are needed.
    fs : float
        Sampling rate in Hz.
    """
    fs = check_fs(fs)
    x = check_signal(emg)
    if x.shape[1] < 5 * fs:
        return []
    sos = signal.butter(2, [10.0, 40.0], btype="bandpass", fs=fs, output="sos")
    # One causal pass: only the beat rate and regularity matter, not the peak times.
    y = signal.sosfilt(sos, x, axis=-1)
    dec = max(1, round(fs / 200.0))
    fe = fs / dec
    e = (y * y)[:, : (y.shape[1] // dec) * dec].reshape(x.shape[0], -1, dec).mean(axis=-1)
    k = max(1, round(0.04 * fe))
    e = signal.fftconvolve(e, np.ones((1, k)) / k, mode="same", axes=-1)
    hits: list[int] = []
    for ch in range(x.shape[0]):
        ec = e[ch]
        med = float(np.median(ec))
        if med <= 0:
            continue
        peaks, _props = signal.find_peaks(
            ec, height=8.0 * med, distance=int(0.33 * fe), width=(None, 0.12 * fe)
        )
        if peaks.size < 5:
            continue
        rr = np.diff(peaks) / fe
        rr_med = float(np.median(rr))
        regular = float(np.median(np.abs(rr - rr_med))) < 0.08 * rr_med
        expected = x.shape[1] / fs / rr_med
        if 60 / 180 <= rr_med <= 60 / 40 and regular and peaks.size >= 0.7 * expected:
            hits.append(ch)
    return hits
