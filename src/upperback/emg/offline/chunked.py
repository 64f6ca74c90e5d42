"""Bounded-memory analysis of long recordings, chunk by chunk with carried filter state.

Only the head (30 s, for the filter plan) and one chunk of samples are in memory at a time;
what is kept are the small feature arrays (block mean squares at ~500 Hz plus epoch
spectra). Chunks overlap by 1 s for the zero-phase filters and are whole epochs, so the
results equal the in-memory path's (to float32 rounding and beats at chunk edges).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.emg.offline.analysis import HEAD_S, analyze_features, front_end_for, make_plan
from upperback.emg.offline.ecg import find_ecg_lead
from upperback.emg.offline.frontend import run_front_end
from upperback.errors import InvalidInput
from upperback.model.emg import EmgAnalysis

Reader = Callable[[int, int], FloatArray]


def analyze_chunked(
    read: Reader,
    *,
    n_samples: int,
    fs: float,
    channels: tuple[str, ...],
    units: tuple[str, ...] = (),
    chunk_s: float = 60.0,
    mains: str = "auto",
    mapping: Mapping[str, str] | None = None,
    source: str = "",
    ecg_lead: str = "auto",
) -> EmgAnalysis:
    """Analyse a recording given ``read(start, stop) -> (channels, stop - start)`` samples
    (``ecg_lead`` as in :func:`~upperback.emg.offline.analysis.analyze_recording`)."""
    if n_samples < int(fs):
        raise InvalidInput(f"{source or 'recording'}: shorter than 1 s; too short to analyse")
    lead_row = find_ecg_lead(channels, ecg_lead)
    head = read(0, min(n_samples, int(HEAD_S * fs)))
    plan = make_plan(head, fs=fs, mains=mains, offline=True, lead_row=lead_row)
    fe = front_end_for(plan, n_samples=n_samples)
    del head

    def checked(start: int, stop: int) -> FloatArray:
        x = read(start, stop)
        if not np.isfinite(x).all():
            raise InvalidInput(
                f"{source or 'recording'}: NaN or infinite values near sample {start}"
            )
        return x

    feats = run_front_end(fe, checked, n_samples=n_samples, chunk_s=chunk_s)
    return analyze_features(
        feats,
        plan,
        channels=channels,
        units=units or ("",) * len(channels),
        mapping=mapping,
        source=source,
    )


def analyze_edf_chunked(
    path: str | Path, *, chunk_s: float = 60.0, mains: str = "auto"
) -> EmgAnalysis:
    """Analyse an EDF/BDF file in bounded memory (reads ``chunk_s`` at a time)."""
    from upperback.emg.readers.edf_chunks import edf_chunks

    with edf_chunks(path) as f:
        return analyze_chunked(
            f.read,
            n_samples=f.n_samples,
            fs=f.fs,
            channels=f.channels,
            units=f.units,
            chunk_s=chunk_s,
            mains=mains,
            source=f.source,
        )
