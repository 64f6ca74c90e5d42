"""Fatigue: median and mean frequency per epoch within one contraction, and their trend.

MDF/MNF per 0.5 s epoch (Welch spectra, :func:`.frontend.epoch_spectra`) during
contraction, regressed on time (DOMAIN.md section 5; Luttmann et al. 2000: RMS up with MDF
down indicates fatigue; Merletti & Parker 2004, ch. 9: spectral compression during a
sustained isometric contraction). The window is one contraction, not a pool of separate
ones (each contraction starts from a recovered spectrum, so pooling mixes recovery into the
slope): a window given by the caller (``--hold START:END``), else the whole recording when
it is one sustained contraction, else the longest activation. Epochs count only when at
least 90 % of them lies inside the window. The slope is reported in Hz/min and in %/min of
the fitted start value, with a 95 % confidence interval (Student t on n - 2 degrees of
freedom) and R2; when the interval spans zero the result is "no fatigue trend".

[design] At least :data:`MIN_EPOCHS` epochs (10 s) are needed for a slope: with about 2 Hz
epoch-to-epoch scatter, 20 epochs give a CI half-width near 4 Hz/min on a 10 s hold. [U]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import stdtrit

from upperback.emg._checks import FloatArray

#: Minimum epochs in the window for a slope ([design]; 20 x 0.5 s = 10 s of contraction).
MIN_EPOCHS = 20


@dataclass(frozen=True)
class Trend:
    """Least-squares trend of one spectral variable over time."""

    slope_per_min: float
    ci95: tuple[float, float]
    r2: float
    pct_per_min: float | None  # slope / fitted value at the window start x 100

    @property
    def verdict(self) -> str:
        """ "decline", "rise" or "no fatigue trend" (95 % CI spans zero)."""
        lo, hi = self.ci95
        if lo <= 0.0 <= hi:
            return "no fatigue trend"
        return "decline" if hi < 0 else "rise"


@dataclass(frozen=True)
class FatigueResult:
    """Fatigue estimates of one channel (slopes None where there are too few epochs)."""

    median_frequency_hz: float | None
    mean_frequency_hz: float | None
    mdf_slope_hz_per_min: float | None
    mnf_slope_hz_per_min: float | None
    n_epochs: int
    mdf_trend: Trend | None = None
    mnf_trend: Trend | None = None
    note: str | None = None


def epochs_inside(
    mask_env: np.ndarray, *, epoch_blocks: int, n_epochs: int, min_fraction: float = 0.9
) -> np.ndarray:
    """Boolean (n_epochs,) for epochs mostly inside ``mask_env`` (envelope-rate mask)."""
    m = mask_env[: n_epochs * epoch_blocks]
    if m.size < n_epochs * epoch_blocks:
        m = np.concatenate([m, np.zeros(n_epochs * epoch_blocks - m.size, dtype=bool)])
    return np.asarray(m.reshape(n_epochs, epoch_blocks).mean(axis=1) >= min_fraction)


def trend(t_s: FloatArray, v: FloatArray, *, min_points: int = MIN_EPOCHS) -> Trend | None:
    """Slope of ``v`` on ``t_s`` per minute with 95 % CI and R2 (None if too few points)."""
    ok = np.isfinite(v)
    if ok.sum() < max(3, min_points):
        return None
    t = t_s[ok]
    y = v[ok]
    n = t.size
    tc = t - t.mean()
    sxx = float(tc @ tc)
    if sxx <= 0:
        return None
    b = float(tc @ (y - y.mean())) / sxx
    a = float(y.mean()) - b * float(t.mean())
    resid = y - (a + b * t)
    sse = float(resid @ resid)
    syy = float(((y - y.mean()) ** 2).sum())
    se = np.sqrt(sse / (n - 2) / sxx) if n > 2 else np.inf
    half = float(stdtrit(n - 2, 0.975)) * float(se)
    start = a + b * float(t[0])
    return Trend(
        slope_per_min=b * 60.0,
        ci95=((b - half) * 60.0, (b + half) * 60.0),
        r2=1.0 - sse / syy if syy > 0 else 0.0,
        pct_per_min=b * 60.0 / start * 100.0 if start > 0 else None,
    )


def slope_per_min(t_s: FloatArray, v: FloatArray) -> float | None:
    """Least-squares slope of ``v`` on ``t_s`` in units per minute (None if < 3 points)."""
    tr = trend(t_s, v, min_points=3)
    return tr.slope_per_min if tr is not None else None


def longest_run(acts: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The longest activation (the hold a fatigue test asks for), or None."""
    return max(acts, key=lambda a: a[1] - a[0]) if acts else None


def fatigue(
    ep_mdf: FloatArray, ep_mnf: FloatArray, selected: np.ndarray, *, epoch_s: float
) -> FatigueResult:
    """Summarise one channel's epoch MDF/MNF over the ``selected`` epochs.

    Parameters
    ----------
    ep_mdf, ep_mnf : ndarray (epochs,)
        Median / mean frequency per epoch, Hz.
    selected : ndarray of bool (epochs,)
        Epochs inside the fatigue window.
    epoch_s : float
        Epoch length in seconds (epoch k is centred at (k + 0.5) epoch_s).
    """
    idx = np.flatnonzero(selected)
    if idx.size == 0:
        return FatigueResult(None, None, None, None, 0)
    t = np.asarray((idx + 0.5) * epoch_s, dtype=np.float64)
    mdf = np.asarray(ep_mdf[idx], dtype=np.float64)
    mnf = np.asarray(ep_mnf[idx], dtype=np.float64)
    t_mdf = trend(t, mdf)
    t_mnf = trend(t, mnf)
    note = None
    if t_mdf is None:
        note = (
            f"no fatigue trend: {idx.size * epoch_s:g} s of contraction in the window, fewer "
            f"than the {MIN_EPOCHS} epochs ({MIN_EPOCHS * epoch_s:g} s) a slope needs"
        )
    return FatigueResult(
        median_frequency_hz=float(np.nanmedian(mdf)),
        mean_frequency_hz=float(np.nanmean(mnf)),
        mdf_slope_hz_per_min=t_mdf.slope_per_min if t_mdf else None,
        mnf_slope_hz_per_min=t_mnf.slope_per_min if t_mnf else None,
        n_epochs=int(idx.size),
        mdf_trend=t_mdf,
        mnf_trend=t_mnf,
        note=note,
    )
