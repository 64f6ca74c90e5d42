"""The one pass over the samples: causal filtering, block envelopes and epoch spectra.

Everything that needs full-rate samples happens here, chunk by chunk with carried filter
state, so that the in-memory and chunked paths compute identical features; everything
downstream (activations, ratios, fatigue, quality) works on these small feature arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import numpy as np
from scipy import fft as sfft

from upperback.emg._checks import FloatArray
from upperback.emg.offline.ecg import EcgChannel, find_beats, subtract
from upperback.emg.offline.envelope import block_mean_abs, block_mean_square, block_size
from upperback.emg.offline.filters import CausalFilter, FilterPlan, ZeroPhaseFilter
from upperback.errors import InvalidInput

#: Fatigue epoch length (DOMAIN.md section 5: MDF/MNF per 0.5-1 s epoch).
EPOCH_S = 0.5


def epoch_length(*, fs: float) -> int:
    """Samples per spectral epoch: about 0.5 s, a whole number of envelope blocks."""
    b = block_size(fs=fs)
    return b * max(1, round(EPOCH_S * fs / b))


#: Steps per octave of :func:`ratio_code`: rounding within +-4.4 %, far below the spread of a
#: 2-ms block mean square (tens of per cent); range 2^(+-15.9), wider than any ringing.
RATIO_STEPS = 8.0


def ratio_code(num: FloatArray, den: FloatArray) -> np.ndarray[Any, np.dtype[np.int8]]:
    """``num / den`` as int8 steps of 2^(1/8), within 2^(+-15.9) (1 byte instead of 4: the
    second envelope of a long record costs a quarter of the first)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.round(RATIO_STEPS * np.log2(num / den))
    q = np.where(np.isnan(q), 0.0, q)
    return np.clip(q, -127, 127).astype(np.int8)


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
    #: Beats whose QRS template was subtracted, per channel (ECG-contaminated channels only).
    ecg_beats: dict[int, int] | None = None
    #: Offline with mains notches: ``ms`` with the notches run backward (for offsets: a
    #: notch rings after a burst in the direction it runs), stored as its ratio to ``ms``
    #: in int8 steps of 2^(1/8) (:func:`ratio_code`); None otherwise.
    off_code: np.ndarray[Any, np.dtype[np.int8]] | None = None

    def ms_off(self, i: int) -> FloatArray:
        """Row ``i`` of ``ms`` with the notches run backward (``ms`` where not kept)."""
        if self.off_code is None:
            return np.asarray(self.ms[i], dtype=np.float64)
        # float32 throughout: a long record's row is tens of MB per temporary.
        g = self.off_code[i].astype(np.float32)
        g *= np.float32(1.0 / RATIO_STEPS)
        np.exp2(g, out=g)
        g *= self.ms[i]
        return cast(FloatArray, g)

    @property
    def fs_env(self) -> float:
        """Envelope rate in Hz."""
        return self.fs / self.block


def epoch_spectra(
    y: FloatArray, *, fs: float, epoch: int, low_hz: float, high_hz: float
) -> tuple[FloatArray, FloatArray]:
    """Median and mean frequency (Hz) of consecutive epochs of ``y`` (Welch spectra).

    Both are computed over the pass band only (``low_hz``-``high_hz``), as in the usual
    definitions (median: the frequency splitting the power spectrum into two equal halves;
    mean: the power-weighted mean frequency).
    """
    nch = y.shape[0]
    nep = y.shape[1] // epoch
    if nep == 0:
        return np.zeros((nch, 0)), np.zeros((nch, 0))
    v = y[:, : nep * epoch].reshape(nch, nep, epoch)
    # Welch (1967) inside each epoch: three Hann segments of half the epoch at 50 % overlap,
    # periodograms averaged (variance about half that of one periodogram). float32
    # transforms: MDF/MNF are needed to a fraction of a Hz, far above float32 rounding, and
    # each epoch is transformed alone, so chunking does not matter.
    seg = epoch // 2
    hop = seg // 2
    win = _hann(seg)
    freqs = sfft.rfftfreq(seg, 1.0 / fs)
    i0 = int(np.searchsorted(freqs, low_hz, side="left"))
    i1 = int(np.searchsorted(freqs, high_hz, side="right"))
    fb = freqs[i0:i1]
    p = np.zeros((nch, nep, i1 - i0))
    for start in (0, hop, 2 * hop):
        part = np.multiply(v[..., start : start + seg], win, dtype=np.float32)
        sb = sfft.rfft(part, axis=-1, overwrite_x=True)[..., i0:i1]
        p += np.square(sb.real, dtype=np.float64)
        p += np.square(sb.imag, dtype=np.float64)
    total = p.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    mnf = (p @ fb) / safe
    # Median: the bin where the cumulative power crosses one half, found in two levels
    # (sums of groups of bins, then within the crossing group) instead of a full cumsum.
    half = 0.5 * total
    nb = p.shape[-1]
    gsz = 16
    ng = -(-nb // gsz)
    pg = np.zeros((*p.shape[:-1], ng * gsz))
    pg[..., :nb] = p
    gs = np.cumsum(pg.reshape(*p.shape[:-1], ng, gsz).sum(axis=-1), axis=-1)
    gi = np.minimum(np.argmax(gs >= half[..., None], axis=-1), ng - 1)
    before = np.where(
        gi > 0, np.take_along_axis(gs, np.maximum(gi - 1, 0)[..., None], -1)[..., 0], 0.0
    )
    inner = np.take_along_axis(pg, (gi * gsz)[..., None] + np.arange(gsz), axis=-1)
    cin = before[..., None] + np.cumsum(inner, axis=-1)
    ki = np.minimum(np.argmax(cin >= half[..., None], axis=-1), gsz - 1)
    k = np.minimum(gi * gsz + ki, nb - 1)
    c_hi = np.take_along_axis(cin, ki[..., None], axis=-1)[..., 0]
    p_k = np.take_along_axis(p, k[..., None], axis=-1)[..., 0]
    c_lo = c_hi - p_k
    # Linear interpolation inside the bin where the cumulative power crosses one half.
    frac = np.where(p_k > 0, (half - c_lo) / np.where(p_k > 0, p_k, 1.0), 0.0)
    df = freqs[1] - freqs[0]
    mdf = fb[k] - df / 2 + frac * df
    mdf = np.where(total > 0, mdf, np.nan)
    mnf = np.where(total > 0, mnf, np.nan)
    return np.asarray(mdf, dtype=np.float64), np.asarray(mnf, dtype=np.float64)


@lru_cache(maxsize=8)
def _hann(n: int) -> np.ndarray[Any, np.dtype[np.float32]]:
    return np.hanning(n).astype(np.float32)


class FrontEnd:
    """Accumulate :class:`Features` from consecutive chunks of a recording."""

    def __init__(
        self,
        plan: FilterPlan,
        *,
        keep_linear: bool = False,
        n_samples: int | None = None,
        ecg: tuple[EcgChannel, ...] = (),
        lead_row: int | None = None,
        lead_beats: bool = False,
    ) -> None:
        self.plan = plan
        #: Row of an ECG reference lead in the chunks fed (dropped from the sEMG rows);
        #: with ``lead_beats`` the beats of every chunk are found on it.
        self.lead_row = lead_row
        self.lead_beats = lead_beats and lead_row is not None
        self.ecg = {e.channel: e for e in ecg}
        self.ecg_beats = dict.fromkeys(self.ecg, 0)
        # With the total length known, block mean squares go straight into one array
        # (no list of chunks to concatenate: half the peak memory on long records).
        self._ms_all: np.ndarray[Any, np.dtype[np.float32]] | None = None
        self._ms_pos = 0
        self.keep_linear = keep_linear
        self.fs = plan.fs
        self.block = block_size(fs=plan.fs)
        self.epoch = epoch_length(fs=plan.fs)
        self._filter = CausalFilter(plan)
        self._zero = ZeroPhaseFilter(plan) if plan.zero_phase else None
        #: Context samples wanted either side of a chunk (zero-phase filtering and beat
        #: detection near chunk edges).
        self.margin = round(plan.fs) if plan.zero_phase else 0
        if ecg and not plan.zero_phase:
            raise InvalidInput("ECG template subtraction needs the zero-phase (offline) plan")
        self._parts: dict[str, list[Any]] = {
            "ms": [], "mabs": [], "mdf": [], "mnf": [], "off": []
        }  # fmt: skip
        #: Offline with notches: a second envelope with the notches run backward (offsets).
        self.two_way = plan.zero_phase and any(g.notches_hz for g in plan.groups)
        self._off_all: np.ndarray[Any, np.dtype[np.int8]] | None = None
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
            if self.two_way:
                self._off_all = np.empty(self._ms_all.shape, dtype=np.int8)
        self._low = min(gr.low_hz for gr in g)
        self._high = max(gr.high_hz for gr in g)

    def _filtered(
        self, xc: FloatArray, left: int, right: int, last: bool, lead: FloatArray | None = None
    ) -> list[tuple[list[int], FloatArray, FloatArray | None]]:
        """Filter a chunk with its context and remove ECG templates.

        Per group: channel indices, the filtered rows (notches forward) and, offline with
        notches, the same with the notches run backward (else None); context included."""
        n = xc.shape[1]
        groups: list[tuple[list[int], FloatArray, FloatArray | None]]
        if self._zero is None:
            groups = [(idx, y, None) for idx, y in self._filter.filter_groups(xc)]
        else:
            per_channel = bool(self.ecg) and lead is None
            out = self._zero.filter_chunk(
                xc,
                at_start=self._n == 0,
                at_end=last,
                qrs_rows=list(self.ecg) if per_channel else None,
            )
            groups = out.groups
            lead_beats = None
            if self.ecg and lead is not None:
                band = self._zero.qrs(lead[None, :], at_start=self._n == 0, at_end=last)[0]
                lead_beats = find_beats(band, fs=self.fs)
            qrs = out.qrs
            if self.ecg and (qrs is not None or lead_beats is not None):
                rows = {ch: k for k, ch in enumerate(self.ecg)}
                for idx, y_f, y_b in groups:
                    for r, ch in enumerate(idx):
                        if ch not in self.ecg:
                            continue
                        if lead_beats is not None:
                            beats = lead_beats
                        elif qrs is not None:
                            beats = find_beats(qrs[rows[ch]], fs=self.fs)
                        subtract(y_f[r], beats, self.ecg[ch].template)
                        if y_b is not None:
                            subtract(y_b[r], beats, self.ecg[ch].template)
                        inside = (beats >= left) & (beats < n - right)
                        self.ecg_beats[ch] += int(np.count_nonzero(inside))
        return groups

    def feed(self, x: FloatArray, *, last: bool = False, left: int = 0, right: int = 0) -> None:
        """Process one chunk (channels, samples); all but the last must be whole epochs.

        ``left``/``right``: context samples included in ``x`` before and after the chunk
        (see :attr:`margin`); they are filtered with it and then dropped.
        """
        if self._done:
            raise InvalidInput("front end already finished")
        lead = None
        if self.lead_row is not None:
            lead = x[self.lead_row] if self.lead_beats else None
            x = np.delete(x, self.lead_row, axis=0)
        xc = x
        x = xc[:, left : xc.shape[1] - right]
        if not last and x.shape[1] % self.epoch:
            raise InvalidInput(f"chunk of {x.shape[1]} samples is not a multiple of {self.epoch}")
        self._track_extremes(x)
        nch = self.plan.n_channels
        ms = np.empty((nch, x.shape[1] // self.block))
        mdf = np.empty((nch, x.shape[1] // self.epoch))
        mnf = np.empty_like(mdf)
        mabs = np.empty_like(ms) if self.keep_linear else None
        ms_off = np.empty_like(ms) if self.two_way else None
        # Each filter group's output is reduced at once (no full-size filtered array).
        n = xc.shape[1]
        for idx, y_full, y_b in self._filtered(xc, left, right, last, lead):
            y = y_full[:, left : n - right]
            ms[idx] = block_mean_square(y, self.block)
            if ms_off is not None:
                # Backward notches ring before a burst, not after it: offsets come from
                # this envelope, onsets and amplitudes from the forward one.
                ms_off[idx] = (
                    ms[idx]
                    if y_b is None
                    else block_mean_square(y_b[:, left : n - right], self.block)
                )
            if mabs is not None:
                # Rectified block means for the linear envelope; off by default (memory).
                mabs[idx] = block_mean_abs(y, self.block)
            mdf[idx], mnf[idx] = epoch_spectra(
                y, fs=self.fs, epoch=self.epoch, low_hz=self._low, high_hz=self._high
            )
        if self._ms_all is not None:
            self._ms_all[:, self._ms_pos : self._ms_pos + ms.shape[1]] = ms
            if ms_off is not None and self._off_all is not None:
                self._off_all[:, self._ms_pos : self._ms_pos + ms.shape[1]] = ratio_code(ms_off, ms)
            self._ms_pos += ms.shape[1]
        else:
            self._parts["ms"].append(ms)
            if ms_off is not None:
                self._parts["off"].append(ratio_code(ms_off, ms))
        if mabs is not None:
            self._parts["mabs"].append(mabs)
        self._parts["mdf"].append(mdf)
        self._parts["mnf"].append(mnf)
        self._n += x.shape[1]
        if last:
            self._done = True

    def _track_extremes(self, x: FloatArray) -> None:
        """Running minimum/maximum per channel and how many samples sit exactly on them.

        Samples are counted only on channels whose chunk reaches the running extreme (the
        count of a chunk that stays inside the range cannot matter), which skips most of
        the counting passes on long records.
        """
        lo = x.min(axis=1)
        hi = x.max(axis=1)
        for i in np.flatnonzero(lo <= self._min):
            n_lo = np.count_nonzero(x[i] == lo[i])
            self._nmin[i] = n_lo if lo[i] < self._min[i] else self._nmin[i] + n_lo
        for i in np.flatnonzero(hi >= self._max):
            n_hi = np.count_nonzero(x[i] == hi[i])
            self._nmax[i] = n_hi if hi[i] > self._max[i] else self._nmax[i] + n_hi
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
            if self._off_all is not None:
                cat["off"] = cast(FloatArray, self._off_all[:, : self._ms_pos])
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
            ecg_beats=dict(self.ecg_beats),
            off_code=np.asarray(cat["off"], dtype=np.int8) if self.two_way else None,
        )


def run_front_end(
    fe: FrontEnd,
    read: Callable[[int, int], FloatArray],
    *,
    n_samples: int,
    chunk_s: float,
    head: FloatArray | None = None,
) -> Features:
    """Feed a whole recording to ``fe`` in chunks of about ``chunk_s`` (whole epochs), each
    read with :attr:`FrontEnd.margin` samples of context either side."""
    if fe.plan.zero_phase is False and head is not None:
        fe._filter.prime(head[:, : round(fe.fs) + 1])
    step = fe.epoch * max(1, int(chunk_s * fe.fs) // fe.epoch)
    m = fe.margin
    for start in range(0, n_samples, step):
        stop = min(n_samples, start + step)
        a, b = max(0, start - m), min(n_samples, stop + m)
        fe.feed(read(a, b), last=stop >= n_samples, left=start - a, right=b - stop)
    return fe.finish()
