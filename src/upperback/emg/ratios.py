"""Amplitude ratios between channels and onset delays against the upper trapezius.

Ratios (UT/LT, UT/MT, UT/SA) are computed from normalized amplitudes over the same phase
window (DOMAIN.md section 5): the union of both channels' activations. Amplitude is the
noise-corrected RMS, ``sqrt(max(mean(ms) - noise_floor, 0))``, so that a low SNR does not
pull ratios towards 1. With MVC values, each amplitude is divided by its channel's MVC RMS.
"""

from __future__ import annotations

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.emg.channels import ChannelInfo

RATIO_PARTNERS = ("lower_trapezius", "serratus_anterior", "middle_trapezius")


def corrected_rms(ms: FloatArray, mask: np.ndarray, floor_ms: float) -> float | None:
    """Noise-corrected RMS of block mean squares ``ms`` where ``mask`` is True."""
    if not mask.any():
        return None
    return float(np.sqrt(max(float(ms[mask].mean()) - floor_ms, 0.0)))


def ratio_pairs(infos: list[ChannelInfo], usable: list[bool]) -> list[tuple[int, int]]:
    """(UT index, partner index) pairs on the same side (or both without side)."""
    pairs = []
    for i, a in enumerate(infos):
        if a.muscle != "upper_trapezius" or not usable[i]:
            continue
        for partner in RATIO_PARTNERS:
            for j, b in enumerate(infos):
                if (
                    b.muscle == partner
                    and usable[j]
                    and (a.side == b.side or None in (a.side, b.side))
                ):
                    pairs.append((i, j))
    return pairs


def onset_delays(
    ref_onsets: list[float], onsets: list[float], *, window_s: tuple[float, float] = (-0.5, 1.0)
) -> list[float]:
    """Delay of the nearest onset of a channel after (or before) each reference onset.

    For each reference (upper trapezius) onset, the channel's onset closest to it within
    ``window_s`` gives one delay in seconds (positive = later than the reference).
    """
    if not ref_onsets or not onsets:
        return []
    on = np.asarray(onsets)
    out = []
    for r in ref_onsets:
        d = on - r
        ok = (d >= window_s[0]) & (d <= window_s[1])
        if ok.any():
            cand = d[ok]
            out.append(float(cand[np.argmin(np.abs(cand))]))
    return out
