"""Amplitude envelopes: block mean square / mean absolute value, RMS and linear envelopes.

The filtered signal is reduced once to blocks of ``block`` samples (envelope rate about
500 Hz, 2 ms resolution): the block mean square (for RMS) and the block mean absolute value
(full-wave rectification). Smoothing then runs at the envelope rate, which is what makes the
full analysis cheaper than a full-rate rectify + low-pass.

- RMS envelope: square root of a centred moving average of the block mean square over
  ``window_s`` (DOMAIN.md section 5: RMS in 50-250 ms windows; default 100 ms).
- Linear envelope: rectified signal low-passed by a 4th-order zero-lag Butterworth at
  6 Hz (DOMAIN.md section 5: 3-10 Hz, e.g. 6 Hz; pyCGM2 default), computed on the block means
  (a boxcar anti-alias before decimation).
- Causal RMS envelope for live use: square root of the block mean square low-passed by a
  causal 2nd-order Butterworth at ``live_cutoff_hz``; identical offline and streaming.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

from upperback.emg._checks import FloatArray, check_fs

ENVELOPE_RATE_HZ = 500.0


def block_size(*, fs: float) -> int:
    """Samples per envelope block: ``round(fs / 500)``, at least 1."""
    return max(1, round(check_fs(fs) / ENVELOPE_RATE_HZ))


def block_mean_square(y: FloatArray, block: int) -> FloatArray:
    """Mean of ``y**2`` over consecutive blocks (a trailing partial block is dropped)."""
    nb = y.shape[-1] // block
    v = y[:, : nb * block].reshape(y.shape[0], nb, block)
    return np.asarray(np.einsum("ijk,ijk->ij", v, v) / block, dtype=np.float64)


def block_mean_abs(y: FloatArray, block: int) -> FloatArray:
    """Mean of ``|y|`` over consecutive blocks: full-wave rectification + boxcar."""
    nb = y.shape[-1] // block
    a = np.abs(y[:, : nb * block])
    out = a[:, 0::block].copy()
    for k in range(1, block):
        out += a[:, k::block]
    out /= block
    return out


def moving_average(e: FloatArray, n: int) -> FloatArray:
    """Centred moving average over ``n`` samples along the last axis (zero phase).

    Edges average over the samples available, so a short record keeps its level.
    """
    n = max(1, int(n))
    if n == 1:
        return e.copy()
    c = np.zeros((e.shape[0], e.shape[1] + 1))
    np.cumsum(e, axis=1, out=c[:, 1:])
    half_lo = n // 2
    half_hi = n - half_lo
    idx = np.arange(e.shape[1])
    lo = np.clip(idx - half_lo, 0, e.shape[1])
    hi = np.clip(idx + half_hi, 0, e.shape[1])
    return np.asarray((c[:, hi] - c[:, lo]) / (hi - lo), dtype=np.float64)


def rms_envelope(ms: FloatArray, *, fs_env: float, window_s: float = 0.1) -> FloatArray:
    """RMS envelope from block mean squares (same units as the signal).

    Parameters
    ----------
    ms : ndarray, (channels, blocks)
        Block mean square (units²).
    fs_env : float
        Envelope rate in Hz.
    window_s : float
        RMS window in seconds (50-250 ms per DOMAIN.md section 5).
    """
    return np.sqrt(moving_average(ms, round(window_s * fs_env)))


def linear_envelope(mabs: FloatArray, *, fs_env: float, cutoff_hz: float = 6.0) -> FloatArray:
    """Linear envelope: zero-lag 4th-order Butterworth low-pass of the rectified blocks."""
    fs_env = check_fs(fs_env, "fs_env")
    sos = signal.butter(2, min(cutoff_hz, 0.4 * fs_env), fs=fs_env, output="sos")
    if mabs.shape[1] <= 15:
        return mabs.copy()
    # Two passes of order 2 give an order-4 zero-lag response.
    return np.asarray(signal.sosfiltfilt(sos, mabs, axis=-1), dtype=np.float64)


def live_envelope_sos(*, fs_env: float, cutoff_hz: float = 5.0) -> FloatArray:
    """Causal 2nd-order Butterworth low-pass used on the live block mean square."""
    return np.asarray(
        signal.butter(2, min(cutoff_hz, 0.4 * fs_env), fs=fs_env, output="sos"), dtype=np.float64
    )
