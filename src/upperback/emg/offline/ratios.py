"""Amplitude ratios between channels and onset delays against the upper trapezius.

Ratios (UT/LT, UT/MT, UT/SA) are computed from normalized amplitudes over the same phase
window (DOMAIN.md section 5): the union of both channels' activations. Amplitude is the
noise-corrected RMS, ``sqrt(max(mean(ms) - noise_floor, 0))``, so that a low SNR does not
pull ratios towards 1. With MVC values, each amplitude is divided by its channel's MVC RMS.
"""

from __future__ import annotations

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.emg.channels import RATIO_PARTNERS, ChannelInfo, delay_reference, ut_partners

__all__ = [
    "RATIO_PARTNERS",
    "amplitude_ratios",
    "corrected_rms",
    "delay_table",
    "onset_delays",
]


def corrected_rms(ms: FloatArray, mask: np.ndarray, floor_ms: float) -> float | None:
    """Noise-corrected RMS of block mean squares ``ms`` where ``mask`` is True."""
    if not mask.any():
        return None
    return float(np.sqrt(max(float(ms[mask].mean()) - floor_ms, 0.0)))


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


def amplitude_ratios(
    infos: list[ChannelInfo],
    ms: FloatArray,
    masks: list[np.ndarray],
    floors: list[float],
    usable: list[bool],
    mvc_rms: list[float | None] | None = None,
) -> dict[str, float | None]:
    """``"UT/partner"`` -> amplitude ratio over the union of both channels' windows.

    With ``mvc_rms`` (per channel, None where unmatched) each amplitude is divided by its
    MVC RMS first; a ratio with a missing amplitude or MVC is None, never a guess.
    """
    out: dict[str, float | None] = {}
    for i, j in ut_partners(infos, usable):
        union = masks[i] | masks[j]
        a = corrected_rms(ms[i], union, floors[i])
        b = corrected_rms(ms[j], union, floors[j])
        if mvc_rms is not None:
            mi, mj = mvc_rms[i], mvc_rms[j]
            a = a / mi if (a is not None and mi) else None
            b = b / mj if (b is not None and mj) else None
        out[f"{infos[i].name}/{infos[j].name}"] = float(a / b) if (a is not None and b) else None
    return out


def delay_table(
    infos: list[ChannelInfo], onsets: list[list[float]], usable: list[bool]
) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Onset delays of every channel against its upper-trapezius reference, and the
    reference channel's name per channel (see :func:`~upperback.emg.channels.delay_reference`)."""
    delays: dict[str, list[float]] = {}
    refs: dict[str, str] = {}
    for j, inf in enumerate(infos):
        k = delay_reference(infos, j, usable)
        if k is None:
            continue
        delays[inf.name] = [round(d, 4) for d in onset_delays(onsets[k], onsets[j])]
        refs[inf.name] = infos[k].name
    return delays, refs
