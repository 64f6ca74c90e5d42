"""Chunked exposure analysis: raw samples in, a 10 Hz %MVC envelope per channel, metrics out.

Only one chunk of raw samples (``chunk_s``) is in memory at a time; what is kept is the
0.1 s mean square per channel (float32, 1/200 of the samples at 2 kHz: 8 h x 4 channels
is 4.6 MB). Filtering is the offline front end's causal band-pass/notch cascade, planned
from the first 30 s and carried across chunks. Amplitude: noise-corrected RMS,
``sqrt(max(ms - noise^2, 0))`` / MVC RMS x 100 (INTEROP-AND-EXPOSURE.md B.3: subtract the
resting noise before sub-1 % thresholds). Noise: given (a rest recording), else the 0.5th
percentile of the 1 s RMS over the day ([design], stated in the flags), unless that
is above a quarter of the 90th percentile (the muscle never fell quiet): then none is
subtracted and a flag says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.emg.channels import resolve_channels
from upperback.emg.exposure.metrics import ExposureResult, Thresholds, channel_exposure
from upperback.emg.offline.analysis import HEAD_S, make_plan
from upperback.emg.offline.filters import CausalFilter
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput
from upperback.knowledge.exposure import exposure_knowledge

Reader = Callable[[int, int], FloatArray]
#: The quietest 1 s RMS above this fraction of the 90th percentile is activity, not rest
#: (the muscle never fell quiet; [design]).
NO_REST_RATIO = 0.25
NOISE_NOTE = "noise estimated from the quietest 0.5 % of 1 s windows"


def default_thresholds() -> Thresholds:
    """Thresholds and EVA classes from ``knowledge/data/exposure.yaml``."""
    k = exposure_knowledge()
    return Thresholds(
        window_s=k.value("envelope", "window_s"),
        rest_pct_mvc=k.value("thresholds", "rest_pct_mvc"),
        gap_pct_mvc=k.value("thresholds", "gap_pct_mvc"),
        gap_min_s=k.value("thresholds", "gap_min_s"),
        sustained_pct_mvc=k.value("thresholds", "sustained_pct_mvc"),
        sustained_min_s=k.value("thresholds", "sustained_min_s"),
        eva_amplitude_pct_mvc=list(k.eva["amplitude_pct_mvc"].value),
        eva_duration_s=list(k.eva["duration_s"].value),
    )


def window_mean_square(
    read: Reader,
    *,
    n_samples: int,
    fs: float,
    n_channels: int,
    win: int,
    chunk_s: float,
    mains: str,
) -> tuple[np.ndarray[Any, np.dtype[np.float32]], list[str]]:
    """Mean square of the filtered signal per ``win`` samples, chunk by chunk."""
    head = read(0, min(n_samples, int(HEAD_S * fs)))
    if head.shape[0] != n_channels:
        raise InvalidInput(f"reader gave {head.shape[0]} channels, expected {n_channels}")
    plan = make_plan(head, fs=fs, mains=mains)
    filt = CausalFilter(plan.filters)
    filt.prime(head[:, : round(fs) + 1])
    del head
    n_win = n_samples // win
    out = np.empty((n_channels, n_win), dtype=np.float32)
    step = win * max(1, int(chunk_s * fs) // win)
    pos = 0
    for start in range(0, n_win * win, step):
        stop = min(n_win * win, start + step)
        x = read(start, stop)
        if not np.isfinite(x).all():
            raise InvalidInput(f"NaN or infinite values near sample {start}")
        k = (stop - start) // win
        for idx, y in filt.filter_groups(x):
            out[idx, pos : pos + k] = np.mean(
                np.square(y[:, : k * win]).reshape(len(idx), k, win), axis=-1
            )
        pos += k
    return out, list(plan.filters.description)


def analyze_exposure(
    read: Reader,
    *,
    n_samples: int,
    fs: float,
    channels: tuple[str, ...],
    mvc_rms: Mapping[str, float],
    noise_rms: Mapping[str, float] | None = None,
    mapping: Mapping[str, str] | None = None,
    chunk_s: float = 60.0,
    mains: str = "auto",
    source: str = "",
    thresholds: Thresholds | None = None,
) -> ExposureResult:
    """Exposure metrics of a long recording given ``read(start, stop)`` in samples.

    ``mvc_rms`` (channel -> MVC RMS in the recording's units, e.g. from
    :func:`upperback.emg.offline.analysis.mvc_amplitudes`) is required: the metrics are in
    %MVC. Channels without an MVC are refused, not guessed.
    """
    th = thresholds or default_thresholds()
    missing = [c for c in channels if not mvc_rms.get(c)]
    if missing:
        raise InvalidInput(
            f"exposure: no MVC for channel {missing[0]!r}; give an MVC recording of the same montage"
        )
    if n_samples < 60 * fs:
        raise InvalidInput(f"{source or 'recording'}: exposure needs at least 1 minute")
    win = max(1, round(th.window_s * fs))
    fs_env = fs / win
    ms, filt_desc = window_mean_square(
        read, n_samples=n_samples, fs=fs, n_channels=len(channels), win=win, chunk_s=chunk_s,
        mains=mains,
    )  # fmt: skip
    infos = resolve_channels(channels, mapping)
    flags: list[str] = []
    out = []
    k1 = max(1, round(fs_env))
    for i, info in enumerate(infos):
        m = ms[i].astype(np.float64)
        if noise_rms is not None and info.name in noise_rms:
            noise = float(noise_rms[info.name])
        else:
            sec = m[: (m.size // k1) * k1].reshape(-1, k1).mean(axis=1)
            noise = float(np.sqrt(np.percentile(sec, 0.5))) if sec.size else 0.0
            busy = float(np.sqrt(np.percentile(sec, 90))) if sec.size else 0.0
            if noise > NO_REST_RATIO * busy:
                # The quietest second is activity, not rest: subtracting it would invent rest.
                noise = 0.0
                flags.append(
                    f"{info.name}: no rest to estimate the noise from; noise not subtracted "
                    "(rest and gaps may be under-counted): give a rest recording"
                )
            elif NOISE_NOTE not in flags:
                flags.append(NOISE_NOTE)
        pct = np.sqrt(np.maximum(m - noise * noise, 0.0)) / float(mvc_rms[info.name]) * 100.0
        out.append(
            channel_exposure(
                pct,
                fs_env=fs_env,
                th=th,
                channel=info.name,
                muscle=info.muscle,
                side=info.side,
                noise_rms=noise,
                mvc_rms=float(mvc_rms[info.name]),
            )
        )
    return ExposureResult(
        source=source,
        fs=fs,
        duration_s=n_samples / fs,
        channels=out,
        thresholds=th,
        processing=[
            *filt_desc,
            f"envelope: RMS over {th.window_s:g} s windows, resting noise subtracted in power, "
            "divided by MVC RMS (%MVC)",
            "APDF p10/p50/p90 (Jonsson 1982); gaps (Veiersted 1990); muscular rest (Nordander "
            "2000); sustained low-level activity (Hanvold 2013); EVA (Mathiassen & Winkel 1991)",
            f"chunked: {chunk_s:g} s of samples in memory at a time",
        ],
        flags=flags,
    )


def exposure_of_recording(
    rec: Recording,
    mvc: Recording,
    *,
    rest: Recording | None = None,
    chunk_s: float = 60.0,
    mains: str = "auto",
) -> ExposureResult:
    """Exposure of an in-memory recording, normalised to an MVC recording (and noise from
    an optional rest recording), both matched by channel name, else muscle and side."""
    per = mvc_for_channels(rec.channels, rec.mapping or None, mvc, mains=mains)
    noise = None
    if rest is not None:
        if rest.channels != rec.channels:
            raise InvalidInput("rest recording: channels differ from the recording's")
        th = default_thresholds()
        win = max(1, round(th.window_s * rest.fs))
        rest_ms, _ = window_mean_square(
            lambda a, b: rest.data[:, a:b], n_samples=rest.n_samples, fs=rest.fs,
            n_channels=rest.n_channels, win=win, chunk_s=chunk_s, mains=mains,
        )  # fmt: skip
        noise = {c: float(np.sqrt(np.median(rest_ms[i]))) for i, c in enumerate(rest.channels)}
    return analyze_exposure(
        lambda a, b: rec.data[:, a:b], n_samples=rec.n_samples, fs=rec.fs, channels=rec.channels,
        mvc_rms=per, noise_rms=noise, mapping=rec.mapping or None, chunk_s=chunk_s, mains=mains,
        source=rec.source,
    )  # fmt: skip


def mvc_for_channels(
    channels: tuple[str, ...], mapping: Mapping[str, str] | None, mvc: Recording, *, mains: str
) -> dict[str, float]:
    """MVC RMS per recording channel, matched by name, else muscle and side."""
    from upperback.emg.offline.analysis import match_mvc, mvc_amplitudes

    vals = mvc_amplitudes(mvc, mains=mains)
    infos = resolve_channels(channels, mapping)
    mvc_infos = resolve_channels(mvc.channels, mvc.mapping or None)
    out: dict[str, float] = {}
    for info in infos:
        v = match_mvc(info, vals, mvc_infos)
        if v:
            out[info.name] = v
    return out


def exposure_of_edf(
    path: str | Path, mvc: Recording, *, chunk_s: float = 60.0, mains: str = "auto"
) -> ExposureResult:
    """Exposure of an EDF/BDF file read ``chunk_s`` at a time (after a crash-safe probe)."""
    from upperback.emg.readers.edf_chunks import edf_chunks

    with edf_chunks(path) as f:
        return analyze_exposure(
            f.read, n_samples=f.n_samples, fs=f.fs, channels=f.channels,
            mvc_rms=mvc_for_channels(f.channels, None, mvc, mains=mains), chunk_s=chunk_s,
            mains=mains, source=f.source,
        )  # fmt: skip
