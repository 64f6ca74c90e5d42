"""Bounded-memory analysis of long recordings, chunk by chunk with carried filter state.

Only the head (30 s, for the filter plan) and one chunk of samples are in memory at a time;
what is kept are the small feature arrays (about 1/4 of the samples at 2 kHz as block mean
squares plus epoch spectra). Because the front end is causal with carried state and chunks
are whole epochs, the results equal the in-memory path's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.emg.offline.analysis import HEAD_S, analyze_features, make_plan
from upperback.emg.offline.frontend import FrontEnd, epoch_length
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
) -> EmgAnalysis:
    """Analyse a recording given ``read(start, stop) -> (channels, stop - start)`` samples."""
    if n_samples < int(fs):
        raise InvalidInput(f"{source or 'recording'}: shorter than 1 s; too short to analyse")
    head = read(0, min(n_samples, int(HEAD_S * fs)))
    plan = make_plan(head, fs=fs, mains=mains)
    fe = FrontEnd(plan.filters, n_samples=n_samples)
    fe._filter.prime(head[:, : round(fs) + 1])
    del head
    ep = epoch_length(fs=fs)
    step = ep * max(1, int(chunk_s * fs) // ep)
    for start in range(0, n_samples, step):
        stop = min(n_samples, start + step)
        x = read(start, stop)
        if not np.isfinite(x).all():
            raise InvalidInput(
                f"{source or 'recording'}: NaN or infinite values near sample {start}"
            )
        fe.feed(x, last=stop >= n_samples)
    feats = fe.finish()
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
    from upperback.emg.readers._common import display
    from upperback.emg.readers.edf import edf_layout, open_edf
    from upperback.emg.readers.isolated import probe_isolated

    p = Path(path)
    probe_isolated("edf-probe", p)  # a damaged file fails in a child, not here
    reader = open_edf(p)
    try:
        idx, fs, labels, units = edf_layout(reader, display(p))
        n = min(int(reader.getNSamples()[i]) for i in idx)  # type: ignore[attr-defined]

        def read(start: int, stop: int) -> FloatArray:
            out = np.empty((len(idx), stop - start))
            for r, i in enumerate(idx):
                out[r] = reader.readSignal(i, start, stop - start)  # type: ignore[attr-defined]
            return out

        return analyze_chunked(
            read,
            n_samples=n,
            fs=fs,
            channels=tuple(labels),
            units=tuple(units),
            chunk_s=chunk_s,
            mains=mains,
            source=display(p),
        )
    finally:
        reader.close()  # type: ignore[attr-defined]
