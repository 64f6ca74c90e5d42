"""Activation (burst) detection with onsets and offsets.

Method (per channel, on the block mean square ``ms`` of the filtered signal, ~500 Hz):

1. **Robust baseline.** The noise floor is read from the low tail of the 150 ms running
   median ``e`` of 20 ms means of ``ms``: with ``p5``/``p20`` its 5th/20th percentiles, the
   floor spread is ``sd = (p20 - p5) / 0.8`` (the distance between those Gaussian quantiles)
   and the floor ``mu = p5 + 1.645 sd``. This stays valid while the muscle is active less
   than about 80 % of the time and does not depend on the absolute level, so it works on
   volts and counts alike. (Hodges & Bui 1996, EEG Clin Neurophysiol 101:511, threshold on
   baseline mean + k SD; here the baseline is estimated from the record instead of a
   hand-picked rest window.)
2. **Double threshold with hysteresis** (after Bonato et al. 1998, IEEE TBME 45:287): a burst
   is a run of ``e > mu + k_off sd`` that reaches ``mu + k_on sd`` somewhere.
3. **Minimum durations:** bursts closer than ``min_off_s`` merge, bursts shorter than
   ``min_on_s`` are dropped (Hodges & Bui's sustained-duration criterion).
4. **Onset/offset refinement** (:func:`refine_onsets`), for all bursts of a channel at once:

   a. the end of the rise is where the 10 ms mean of ``ms`` first reaches ``fit_level`` of
      the burst's mean excess power over the floor;
   b. from there, walk back to where that 10 ms mean last stood at the floor,
      ``mu + k_walk sd`` (sd scaled to the 10 ms window): Hodges & Bui's backward search,
      which bounds the fit to one contiguous rise (an ECG beat or motion bump earlier in the
      rest period cannot pull the onset back);
   c. the onset is the join point of a **continuous two-phase regression** (Hudson 1966,
      JASA 61:1097; Hinkley 1971, JASA 66:736) on the excess amplitude
      ``sign(q) sqrt(|q|)``, ``q`` = 20 ms mean of ``ms`` minus ``mu``, from ``fit_margin_s``
      before the walk-back point to the end of the rise: zero (floor) before the join and
      rising linearly after it. Least squares over every candidate join, in closed form from
      cumulative sums. A threshold (step) model puts the onset where the rise has climbed
      out of the noise, i.e. late by a noise-dependent part of the rise time; a continuous
      ramp model extrapolates the rise back to where it leaves the floor. This is the
      change-point idea of the approximated generalized likelihood ratio (Staude et al. 2001,
      EURASIP J Appl Signal Process 2:67) with a ramp instead of a step as the alternative.
   Offsets use the same steps in reversed time.
5. **Filter delay.** The causal band-pass/notch cascade delays the envelope by its group
   delay; :func:`upperback.emg.offline.filters.envelope_delay_s` is subtracted from onsets and
   offsets.

The Teager-Kaiser energy operator (Solnik et al. 2010, Eur J Appl Physiol 110:489) sharpens
onsets against low-frequency noise (ECG, motion); it needs one more full-rate pass over the
samples and was not used: here the ECG and motion bands are removed by the band-pass and the
ECG high-pass before the envelope.

Times are returned in seconds from the first sample. Always allow visual QC (DOMAIN.md 5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from upperback.emg._checks import FloatArray, check_fs, check_positive


@dataclass(frozen=True)
class Baseline:
    """Noise floor (mean and spread) of the 100 ms mean-square envelope, per channel."""

    mu: FloatArray
    sd: FloatArray


@dataclass(frozen=True)
class ActivationParams:
    """Parameters of :func:`detect_activations` (seconds, multiples of the floor spread)."""

    k_on: float = 8.0
    k_off: float = 4.0
    min_on_s: float = 0.1
    min_off_s: float = 0.1
    smooth_s: float = 0.15
    #: How far before a coarse onset (after a coarse offset) the refinement may move it.
    refine_before_s: float = 0.25
    #: How far after a coarse onset (before a coarse offset) the end of the rise is sought.
    refine_after_s: float = 0.1
    #: Walk-back threshold in floor SDs (of a ``walk_s`` mean).
    k_walk: float = 1.0
    walk_s: float = 0.01
    #: Smoothing of the excess amplitude that the two-phase regression fits.
    fit_smooth_s: float = 0.02
    #: Floor kept before the walk-back point in the fit window.
    fit_margin_s: float = 0.05
    #: End of the rise: this fraction of the burst's mean excess power.
    fit_level: float = 0.8


def row_percentiles(e: FloatArray, q: list[float]) -> FloatArray:
    """Percentiles ``q`` of each row of ``e`` in float64, (len(q), rows); one row at a time,
    so a long record needs no full-size copy."""
    out = np.empty((len(q), e.shape[0]))
    for i in range(e.shape[0]):
        out[:, i] = np.percentile(np.asarray(e[i], dtype=np.float64), q)
    return out


def estimate_baseline(e: FloatArray) -> Baseline:
    """Estimate the noise floor of the smoothed mean-square envelope ``e`` (ch, n)."""
    p5, p20 = row_percentiles(e, [5.0, 20.0])
    sd = (p20 - p5) / 0.8
    mu = p5 + 1.645 * sd
    # A floor spread below 5 % of the floor happens for quantised or synthetic-clean data;
    # keep thresholds meaningfully above the floor.
    sd = np.maximum(sd, 0.05 * mu)
    return Baseline(mu=np.asarray(mu, dtype=np.float64), sd=np.asarray(sd, dtype=np.float64))


def robust_smooth(ms: FloatArray, *, fs_env: float, window_s: float = 0.1) -> FloatArray:
    """Spike-robust smoothing of ``ms`` at the rate of ``ms`` (see :func:`robust_smooth_coarse`)."""
    med, k = robust_smooth_coarse(ms, fs_env=fs_env, window_s=window_s)
    return np.repeat(med, k, axis=1)[:, : ms.shape[1]]


def robust_smooth_coarse(
    ms: FloatArray, *, fs_env: float, window_s: float = 0.1
) -> tuple[FloatArray, int]:
    """20 ms means of ``ms``, then a running median over ``window_s``; returns (env, k).

    ``env`` has one value per ``k`` blocks of ``ms`` (20 ms). A running median ignores events
    shorter than half its window, so residual ECG beats (QRS about 40-100 ms) and electrode
    spikes do not open or extend bursts. Working at 50 Hz keeps long records small.
    """
    k = max(1, round(0.02 * fs_env))
    nb = ms.shape[1] // k
    coarse = ms[:, : nb * k].reshape(ms.shape[0], nb, k).mean(axis=-1)
    if ms.shape[1] % k:
        coarse = np.concatenate([coarse, ms[:, nb * k :].mean(axis=1, keepdims=True)], axis=1)
    w = max(1, round(window_s / 0.02))
    w += 1 - w % 2
    return running_median(coarse, w), k


def running_median(x: FloatArray, w: int) -> FloatArray:
    """Centred running median over an odd ``w`` along the last axis, edges repeated.

    Equal to ``scipy.ndimage.median_filter(x, size=(1, w), mode="nearest")``; a partial
    sort of a strided window view is about twice as fast for the short windows used here.
    """
    # float32 input stays float32: a median picks input values, so nothing is lost, and a
    # long record's envelope takes half the memory.
    x = np.asarray(x, dtype=np.float32 if np.asarray(x).dtype == np.float32 else np.float64)
    if w <= 1 or x.shape[-1] == 0:
        return x.copy()
    h = w // 2
    n = x.shape[1]
    out = np.empty_like(x)
    # The partial sort copies its windows (w values per sample): work in column pieces so
    # that a long record does not need w times its size in memory.
    step = max(1, (1 << 20) // (w * x.shape[0]))
    for a in range(0, n, step):
        b = min(n, a + step)
        lo, hi = max(0, a - h), min(n, b + h)
        piece = np.pad(x[:, lo:hi], ((0, 0), (h - (a - lo), h - (hi - b))), mode="edge")
        v = np.partition(sliding_window_view(piece, w, axis=-1), h, axis=-1)
        out[:, a:b] = v[..., h]
    return out


def _runs(mask: FloatArray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) indices of True runs of a 1-D boolean array."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def _means_at(cm: FloatArray, idx: np.ndarray, width: int) -> FloatArray:
    """Centred means over ``width`` samples at indices ``idx``, from cumulative sums ``cm``.

    ``cm`` has a leading zero (length n + 1); edges average over the samples available,
    as :func:`upperback.emg.offline.envelope.moving_average` does.
    """
    n = cm.size - 1
    lo = np.clip(idx - width // 2, 0, n)
    hi = np.clip(idx + width - width // 2, 0, n)
    return np.asarray((cm[hi] - cm[lo]) / np.maximum(hi - lo, 1), dtype=np.float64)


def refine_onsets(
    cm: FloatArray,
    starts: np.ndarray,
    ends: np.ndarray,
    lower: np.ndarray,
    *,
    mu: float,
    level: FloatArray,
    walk_thr: float,
    search: int,
    margin: int,
    n_walk: int,
    n_fit: int,
) -> np.ndarray:
    """Refine the coarse onsets ``starts`` of one channel (all bursts at once).

    Works on windows gathered around the bursts, from the cumulative sum of the block mean
    square, so the cost grows with the number of bursts and not with the record length.

    Parameters
    ----------
    cm : ndarray (n + 1,)
        Cumulative sum of the block mean square with a leading zero.
    starts, ends : ndarray of int (bursts,)
        Coarse onsets and (exclusive) offsets, block indices.
    lower : ndarray of int (bursts,)
        Earliest index each onset may take (previous burst, search range).
    mu : float
        Noise floor (mean square).
    level : ndarray (bursts,)
        Value of the ``n_walk`` mean that marks the end of each rise.
    walk_thr : float
        Floor level of the ``n_walk`` mean for the backward walk (Hodges & Bui 1996).
    search : int
        Blocks after the coarse onset in which the end of the rise is sought.
    margin : int
        Blocks of floor kept before the walk-back point.
    n_walk, n_fit : int
        Blocks in the short mean (end of rise, walk) and in the fitted excess amplitude.

    Returns
    -------
    ndarray of int (bursts,)
        Onsets: the join point of a continuous two-phase regression, zero then rising
        linearly (Hudson 1966; Hinkley 1971), fitted by least squares in closed form.
    """
    n = cm.size - 1
    if starts.size == 0:
        return starts.copy()
    search = max(1, search)
    # a. End of the rise: first block after the coarse onset where the short mean reaches
    #    the level (else the end of the search range).
    g = np.minimum(starts[:, None] + np.arange(search)[None, :], n - 1)
    stop = np.minimum(np.minimum(ends, n), starts + search)
    cross = (_means_at(cm, g, n_walk) >= level[:, None]) & (g < stop[:, None])
    hi = np.where(cross.any(axis=1), starts + np.argmax(cross, axis=1), stop - 1) + 1
    hi = np.clip(hi, lower + 1, n)
    # b. Backward walk from the end of the rise to the last block at the floor.
    back = (hi - 1)[:, None] - np.arange(int(np.max(hi - lower)))[None, :]
    at_floor = (_means_at(cm, np.maximum(back, 0), n_walk) <= walk_thr) & (back >= lower[:, None])
    walk = np.where(at_floor.any(axis=1), hi - 1 - np.argmax(at_floor, axis=1), lower)
    lo = np.maximum(lower, walk - margin)
    # c. Continuous two-phase regression amp = c (t - t0)+ over [lo, hi), amp the signed
    #    square root of the excess power. For each candidate t0 the least-squares c gives
    #    SSE = sum(amp^2) - S_uy^2 / S_uu, so the best join maximises S_uy^2 / S_uu over
    #    rising fits (S_uy > 0). Suffix sums give S_uy for every t0 at once.
    span = hi - lo
    j = np.arange(int(np.max(span)))[None, :]
    valid = j < span[:, None]
    q = _means_at(cm, np.minimum(lo[:, None] + j, n - 1), n_fit) - mu
    amp = np.where(valid, np.sign(q) * np.sqrt(np.abs(q)), 0.0)
    s_y = np.cumsum(amp[:, ::-1], axis=1)[:, ::-1]
    s_jy = np.cumsum((amp * j)[:, ::-1], axis=1)[:, ::-1]
    s_uy = s_jy - j * s_y
    length = (span[:, None] - 1 - j).astype(np.float64)
    s_uu = length * (length + 1) * (2 * length + 1) / 6.0
    ok = (length >= 2) & (s_uy > 0)
    score = np.where(ok, s_uy * s_uy / np.where(s_uu > 0, s_uu, 1.0), -1.0)
    best = np.argmax(score, axis=1)
    has_fit = score[np.arange(best.size), best] > 0
    return np.asarray(np.where(has_fit, lo + best, walk), dtype=np.int64)


def _merge(
    starts: np.ndarray, ends: np.ndarray, min_gap: int, min_len: int
) -> tuple[np.ndarray, np.ndarray]:
    """Merge bursts separated by less than ``min_gap`` (or overlapping), drop short ones."""
    if starts.size == 0:
        return starts, ends
    gap_ok = starts[1:] - ends[:-1] >= min_gap
    starts = starts[np.concatenate([[True], gap_ok])]
    ends = ends[np.concatenate([gap_ok, [True]])]
    keep = ends - starts >= min_len
    return starts[keep], ends[keep]


def _trim_ends(ok: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Each run's end moved back to just after its last ``ok`` index (kept if it has none)."""
    out = ends.copy()
    for k, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        hit = np.flatnonzero(ok[a:b])
        if hit.size:
            out[k] = a + int(hit[-1]) + 1
    return out


def detect_activations(
    ms: FloatArray,
    *,
    fs_env: float,
    params: ActivationParams | None = None,
    baseline: Baseline | None = None,
    smoothed: FloatArray | None = None,
    delay_s: FloatArray | float = 0.0,
    ms_off: Callable[[int], FloatArray] | None = None,
) -> list[list[tuple[float, float]]]:
    """Detect activations on block mean squares ``ms`` (channels, blocks).

    Parameters
    ----------
    ms : ndarray
        Block mean square of the band-passed signal, (channels, blocks), units².
    fs_env : float
        Rate of ``ms`` in Hz (sampling rate / block size).
    params : ActivationParams, optional
        Thresholds and minimum durations.
    baseline : Baseline, optional
        Noise floor to use instead of estimating it from ``ms``.
    smoothed : ndarray, optional
        :func:`robust_smooth_coarse` of ``ms`` if the caller already has it.
    delay_s : float or ndarray (channels,)
        Delay of the envelope behind the raw signal (the causal filters' group delay),
        subtracted from onsets and offsets (added to offsets found on ``ms_off``).
    ms_off : callable, optional
        Channel index -> the envelope its offsets are refined on (a row like ``ms``'s):
        offline, ``ms`` with the mains notches run backward, which do not ring after a
        burst; default ``ms``.

    Returns
    -------
    list of list of (onset_s, offset_s)
        One list per channel, in time order.
    """
    fs_env = check_fs(fs_env, "fs_env")
    p = params or ActivationParams()
    check_positive("k_on", p.k_on)
    nch, n = ms.shape
    if n < 4:
        return [[] for _ in range(nch)]
    if smoothed is not None:
        e = smoothed
    else:
        e, _ = robust_smooth_coarse(ms, fs_env=fs_env, window_s=p.smooth_s)
    kc = max(1, round(0.02 * fs_env))  # blocks per coarse value
    base = baseline or estimate_baseline(e)
    delays = np.broadcast_to(np.asarray(delay_s, dtype=np.float64), (nch,))
    on_thr = base.mu + p.k_on * base.sd
    off_thr = base.mu + p.k_off * base.sd
    above_off = e > off_thr[:, None]
    # Runs end where ``ms_off`` last stood above the threshold: the forward notches ring
    # after a burst and would carry the run on (the backward ones ring before it instead).
    tail_ok = None
    if ms_off is not None:
        tail_ok = np.zeros(above_off.shape, dtype=bool)
        for ch in range(nch):
            e_off, _ = robust_smooth_coarse(ms_off(ch)[None, :], fs_env=fs_env, window_s=p.smooth_s)
            tail_ok[ch] = e_off[0] > off_thr[ch]
    above_on = e > on_thr[:, None]
    min_on = max(1, round(p.min_on_s * fs_env))
    min_on_c = max(1, round(p.min_on_s * fs_env / kc))
    min_off_c = max(1, round(p.min_off_s * fs_env / kc))
    before = round(p.refine_before_s * fs_env)
    search = max(1, round(p.refine_after_s * fs_env))
    margin = round(p.fit_margin_s * fs_env)
    nwalk = max(1, round(p.walk_s * fs_env))
    nfit = max(1, round(p.fit_smooth_s * fs_env))
    # Floor spread of a walk_s mean: the baseline sd is that of a smooth_s mean.
    walk_thr = base.mu + p.k_walk * base.sd * np.sqrt(p.smooth_s / (nwalk / fs_env))
    out: list[list[tuple[float, float]]] = []
    for ch in range(nch):
        if not base.mu[ch] > 0 or not above_on[ch].any():
            out.append([])
            continue
        starts, ends = _runs(above_off[ch])
        cs = np.concatenate([[0], np.cumsum(above_on[ch])])
        keep = cs[ends] - cs[starts] > 0  # hysteresis: the run must reach the on-threshold
        starts, ends = _merge(starts[keep], ends[keep], min_off_c, min_on_c)
        if starts.size == 0:
            out.append([])
            continue
        ends_off = ends if tail_ok is None else _trim_ends(tail_ok[ch], starts, ends)
        # Coarse (20 ms) indices -> block indices.
        starts = np.minimum(starts * kc, n)
        ends = np.minimum(ends * kc, n)
        ends_off = np.minimum(ends_off * kc, n)
        mu = float(base.mu[ch])
        cm = np.empty(n + 1)
        cm[0] = 0.0
        np.cumsum(ms[ch], dtype=np.float64, out=cm[1:])
        excess = (cm[ends] - cm[starts]) / np.maximum(ends - starts, 1) - mu
        kw = {
            "mu": mu,
            "level": mu + p.fit_level * excess,
            "walk_thr": float(walk_thr[ch]),
            "search": search,
            "margin": margin,
            "n_walk": nwalk,
            "n_fit": nfit,
        }
        prev_end = np.concatenate([[0], ends[:-1]])
        next_start = np.concatenate([starts[1:], [n]])
        onsets = refine_onsets(cm, starts, ends, np.maximum(prev_end, starts - before), **kw)
        # Offsets: the same in reversed time (index i -> n - i, exclusive ends). The reversed
        # cumulative sum is total - cm[n - i]: computed in place (long records) and viewed.
        if ms_off is not None:
            # Offsets on the envelope whose notches ran backward, from the run's trimmed
            # end, with the rise level of that run (onsets above are as without it).
            np.cumsum(ms_off(ch), dtype=np.float64, out=cm[1:])
            ends = ends_off
            excess = (cm[ends] - cm[starts]) / np.maximum(ends - starts, 1) - mu
            kw["level"] = mu + p.fit_level * excess
        np.subtract(cm[-1], cm, out=cm)
        cm_rev = cm[::-1]
        upper = np.minimum(next_start, ends + before)
        offsets = n - refine_onsets(cm_rev, n - ends, n - starts, n - upper, **kw)
        offsets = np.maximum(offsets, onsets + 1)
        onsets, offsets = _merge(onsets, offsets, 0, min_on)
        d = float(delays[ch]) * fs_env
        d_off = -d if ms_off is not None else d  # a backward filter advances by its delay
        out.append(
            [
                (max(0.0, (a - d) / fs_env), max(0.0, (b - d_off) / fs_env))
                for a, b in zip(onsets.tolist(), offsets.tolist(), strict=True)
            ]
        )
    return out


def activation_mask(acts: list[tuple[float, float]], *, n: int, fs_env: float) -> np.ndarray:
    """Boolean mask (n,) at the envelope rate, True inside activations."""
    mask = np.zeros(n, dtype=bool)
    for on, off in acts:
        mask[round(on * fs_env) : round(off * fs_env)] = True
    return mask
