"""Streaming processor: filter state carried across blocks, causal RMS envelope.

Its output equals :func:`causal_rms_envelope` on the concatenated blocks (the offline
causal pipeline), to floating-point rounding.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

from upperback.emg._checks import FloatArray
from upperback.emg.offline.envelope import block_mean_square, block_size, live_envelope_sos
from upperback.emg.offline.filters import CausalFilter, FilterPlan


def causal_rms_envelope(
    x: FloatArray, *, plan: FilterPlan, head: FloatArray | None = None
) -> FloatArray:
    """Offline causal RMS envelope (channels, blocks) of ``x`` with the live pipeline.

    Causal band-pass/notches (primed from ``head``, default the first block), block mean
    square, causal 2nd-order low-pass at 5 Hz started at the first block's value, sqrt.
    """
    cf = CausalFilter(plan)
    cf.prime(x[:, : round(plan.fs) + 1] if head is None else head)
    y = cf(x)
    b = block_size(fs=plan.fs)
    ms = block_mean_square(y, b)
    if ms.shape[1] == 0:
        return ms
    sos = live_envelope_sos(fs_env=plan.fs / b)
    zi = signal.sosfilt_zi(sos)[:, None, :] * ms[None, :, 0, None]
    env, _ = signal.sosfilt(sos, ms, axis=-1, zi=zi)
    return np.sqrt(np.maximum(np.asarray(env, dtype=np.float64), 0.0))


class StreamProcessor:
    """Process blocks (channels, samples) of any length; returns new envelope samples."""

    def __init__(self, plan: FilterPlan, *, head: FloatArray | None = None) -> None:
        self.plan = plan
        self.block = block_size(fs=plan.fs)
        self.fs_env = plan.fs / self.block
        self._filter = CausalFilter(plan)
        if head is not None:
            self._filter.prime(head)
        self._sos = live_envelope_sos(fs_env=self.fs_env)
        self._zi: FloatArray | None = None
        self._rest = np.zeros((plan.n_channels, 0))
        self.n_in = 0

    def process(self, x: FloatArray) -> FloatArray:
        """Filter one block and return the RMS envelope samples it completes (ch, k)."""
        x = np.asarray(x, dtype=np.float64)
        self.n_in += x.shape[1]
        y = self._filter(x)
        if self._rest.shape[1]:
            y = np.concatenate([self._rest, y], axis=1)
        nb = y.shape[1] // self.block
        self._rest = y[:, nb * self.block :]
        if nb == 0:
            return np.zeros((x.shape[0], 0))
        ms = block_mean_square(y, self.block)
        if self._zi is None:
            self._zi = signal.sosfilt_zi(self._sos)[:, None, :] * ms[None, :, 0, None]
        env, self._zi = signal.sosfilt(self._sos, ms, axis=-1, zi=self._zi)
        return np.sqrt(np.maximum(np.asarray(env, dtype=np.float64), 0.0))
