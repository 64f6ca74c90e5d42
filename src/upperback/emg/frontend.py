"""The one pass over the samples: causal filtering, block envelopes and epoch spectra.

Everything that needs full-rate samples happens here, chunk by chunk with carried filter
state, so that the in-memory and chunked paths compute identical features; everything
downstream (activations, ratios, fatigue, quality) works on these small feature arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from scipy import fft as sfft

from upperback.emg._checks import FloatArray
from upperback.emg.envelope import block_mean_abs, block_mean_square, block_size
from upperback.emg.filters import CausalFilter, FilterPlan
from upperback.errors import InvalidInput

#: Fatigue epoch length (DOMAIN.md section 5: MDF/MNF per 0.5-1 s epoch).
EPOCH_S = 0.5


def epoch_length(*, fs: float) -> int:
    """Samples per spectral epoch: about 0.5 s, a whole number of envelope blocks."""
    b = block_size(fs=fs)
    return b * max(1, round(EPOCH_S * fs / b))


@dataclass
class Features:
    """Per-channel features of a whole recording (small arrays)."""

    fs: float
    block: int
    epoch: int
    n_samples: int
    ms: FloatArray  # (ch, blocks) block mean square of the filtered signal
    mabs: FloatArray  # (ch, blocks) block mean |filtered| (empty unless keep_linear)
    ep_mdf: FloatArray  # (ch, epochs) median frequency, Hz
    ep_mnf: FloatArray  # (ch, epochs) mean frequency, Hz
    raw_min: FloatArray
    raw_max: FloatArray
    n_at_min: FloatArray
    n_at_max: FloatArray

    @property
    def fs_env(self) -> float:
        """Envelope rate in Hz."""
        return self.fs / self.block


def epoch_spectra(
    y: FloatArray, *, fs: float, epoch: int, low_hz: float, high_hz: float
) -> tuple[FloatArray, FloatArray]:
    """Median and mean frequency (Hz) of consecutive Hann-windowed epochs of ``y``.

    Both are computed over the pass band only (``low_hz``-``high_hz``), as in the usual
    definitions (median: the frequency splitting the power spectrum into two equal halves;
    mean: the power-weighted mean frequency).
    """
    nch = y.shape[0]
    nep = y.shape[1] // epoch
    if nep == 0:
        return np.zeros((nch, 0)), np.zeros((nch, 0))
    v = y[:, : nep * epoch].reshape(nch, nep, epoch)
    win = np.hanning(epoch)
    spec = sfft.rfft(v * win, axis=-1)
    freqs = sfft.rfftfreq(epoch, 1.0 / fs)
    band = (freqs >= low_hz) & (freqs <= high_hz)
    fb = freqs[band]
    p = spec[..., band]
    p = p.real**2 + p.imag**2
    total = p.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    mnf = (p @ fb) / safe
    cum = np.cumsum(p, axis=-1)
    half = 0.5 * total
    k = np.argmax(cum >= half[..., None], axis=-1)
    # Linear interpolation inside the bin where the cumulative power crosses one half.
    c_hi = np.take_along_axis(cum, k[..., None], axis=-1)[..., 0]
    p_k = np.take_along_axis(p, k[..., None], axis=-1)[..., 0]
    c_lo = c_hi - p_k
    frac = np.where(p_k > 0, (half - c_lo) / np.where(p_k > 0, p_k, 1.0), 0.0)
    df = freqs[1] - freqs[0]
    mdf = fb[k] - df / 2 + frac * df
    mdf = np.where(total > 0, mdf, np.nan)
    mnf = np.where(total > 0, mnf, np.nan)
    return np.asarray(mdf, dtype=np.float64), np.asarray(mnf, dtype=np.float64)


class FrontEnd:
    """Accumulate :class:`Features` from consecutive chunks of a recording."""

    def __init__(
        self, plan: FilterPlan, *, keep_linear: bool = False, n_samples: int | None = None
    ) -> None:
        self.plan = plan
        # With the total length known, block mean squares go straight into one array
        # (no list of chunks to concatenate: half the peak memory on long records).
        self._ms_all: np.ndarray[Any, np.dtype[np.float32]] | None = None
        self._ms_pos = 0
        self.keep_linear = keep_linear
        self.fs = plan.fs
        self.block = block_size(fs=plan.fs)
        self.epoch = epoch_length(fs=plan.fs)
        self._filter = CausalFilter(plan)
        self._parts: dict[str, list[FloatArray]] = {"ms": [], "mabs": [], "mdf": [], "mnf": []}
        self._n = 0
        self._done = False
        n = plan.n_channels
        self._min = np.full(n, np.inf)
        self._max = np.full(n, -np.inf)
        self._nmin = np.zeros(n)
        self._nmax = np.zeros(n)
        g = plan.groups
        if n_samples is not None:
            # float32: 7 significant digits are plenty for an envelope and halve memory.
            self._ms_all = np.empty((n, n_samples // self.block), dtype=np.float32)
        self._low = min(gr.low_hz for gr in g)
        self._high = max(gr.high_hz for gr in g)

    def feed(self, x: FloatArray, *, last: bool = False) -> None:
        """Process one chunk (channels, samples); all but the last must be whole epochs."""
        if self._done:
            raise InvalidInput("front end already finished")
        if not last and x.shape[1] % self.epoch:
            raise InvalidInput(f"chunk of {x.shape[1]} samples is not a multiple of {self.epoch}")
        self._track_extremes(x)
        y = self._filter(x)
        ms = block_mean_square(y, self.block)
        if self._ms_all is not None:
            self._ms_all[:, self._ms_pos : self._ms_pos + ms.shape[1]] = ms
            self._ms_pos += ms.shape[1]
        else:
            self._parts["ms"].append(ms)
        if self.keep_linear:
            # Rectified block means for the linear envelope; off by default (memory).
            self._parts["mabs"].append(block_mean_abs(y, self.block))
        mdf, mnf = epoch_spectra(
            y, fs=self.fs, epoch=self.epoch, low_hz=self._low, high_hz=self._high
        )
        self._parts["mdf"].append(mdf)
        self._parts["mnf"].append(mnf)
        self._n += x.shape[1]
        if last:
            self._done = True

    def _track_extremes(self, x: FloatArray) -> None:
        lo = x.min(axis=1)
        hi = x.max(axis=1)
        n_lo = (x == lo[:, None]).sum(axis=1)
        n_hi = (x == hi[:, None]).sum(axis=1)
        self._nmin = np.where(
            lo < self._min, n_lo, np.where(lo == self._min, self._nmin + n_lo, self._nmin)
        )
        self._nmax = np.where(
            hi > self._max, n_hi, np.where(hi == self._max, self._nmax + n_hi, self._nmax)
        )
        self._min = np.minimum(self._min, lo)
        self._max = np.maximum(self._max, hi)

    def finish(self) -> Features:
        """Concatenate the accumulated features."""
        nch = self.plan.n_channels
        cat = {
            k: np.concatenate(v, axis=1) if v else np.zeros((nch, 0))
            for k, v in self._parts.items()
        }
        if self._ms_all is not None:
            cat["ms"] = cast(FloatArray, self._ms_all[:, : self._ms_pos])
        return Features(
            fs=self.fs,
            block=self.block,
            epoch=self.epoch,
            n_samples=self._n,
            ms=cat["ms"],
            mabs=cat["mabs"],
            ep_mdf=cat["mdf"],
            ep_mnf=cat["mnf"],
            raw_min=self._min,
            raw_max=self._max,
            n_at_min=self._nmin,
            n_at_max=self._nmax,
        )
