"""EDF / EDF+ / BDF reader (pyedflib). Signals at the highest sampling rate are kept;
slower signals (annotations, accelerometers at lower rates) are dropped."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from upperback.emg.readers._common import check_data, display
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput


def open_edf(path: Path) -> object:
    """Open an EDF/BDF file with pyedflib, turning its errors into InvalidInput."""
    import pyedflib

    try:
        return pyedflib.EdfReader(str(path))
    except (OSError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput(f"{display(path)}: not a readable EDF/BDF file ({msg})") from None


def edf_layout(reader: object, source: str) -> tuple[list[int], float, list[str], list[str]]:
    """Return (signal indices kept, fs, labels, units) of an open pyedflib reader."""
    n = int(reader.signals_in_file)  # type: ignore[attr-defined]
    if n == 0:
        raise InvalidInput(f"{source}: EDF file has no signals")
    rates = [float(reader.getSampleFrequency(i)) for i in range(n)]  # type: ignore[attr-defined]
    fs = max(rates)
    idx = [i for i in range(n) if rates[i] == fs]
    labels = [str(reader.getLabel(i)).strip() or f"EMG{i + 1}" for i in idx]  # type: ignore[attr-defined]
    units = [str(reader.getPhysicalDimension(i)).strip() for i in idx]  # type: ignore[attr-defined]
    return idx, fs, labels, units


def read_edf(path: Path, *, fs: float | None = None) -> Recording:
    """Read an EDF, EDF+ or BDF file into a Recording (physical units).

    ``fs`` overrides the header's rate (rarely needed). pyedflib (C) runs in a child
    process (:mod:`.isolated`), so a damaged file cannot crash the caller.
    """
    from upperback.emg.readers.isolated import read_isolated

    return read_isolated("edf", path, fs=fs)


def read_edf_native(path: Path, *, fs: float | None = None) -> Recording:
    """In-process pyedflib read; only :mod:`._worker` calls it (a crash kills the caller)."""
    source = display(path)
    reader = open_edf(path)
    try:
        idx, file_fs, labels, units = edf_layout(reader, source)
        nsamp = [int(reader.getNSamples()[i]) for i in idx]  # type: ignore[attr-defined]
        n = min(nsamp)
        if n == 0:
            raise InvalidInput(f"{source}: EDF signal {labels[0]!r} is empty")
        data = np.empty((len(idx), n), dtype=np.float64)
        for row, i in enumerate(idx):
            data[row] = reader.readSignal(i, 0, n)  # type: ignore[attr-defined]
    finally:
        reader.close()  # type: ignore[attr-defined]
    check_data(data, labels, source)
    return Recording(
        data=data,
        fs=fs if fs is not None else file_fs,
        channels=tuple(labels),
        units=tuple(units),
        source=source,
    )


def probe_edf_native(path: Path, *, chunk: int = 1 << 20) -> None:
    """Open and read every kept signal in chunks, keeping nothing (for :mod:`._worker`)."""
    reader = open_edf(path)
    try:
        idx, _fs, _labels, _units = edf_layout(reader, display(path))
        n = min(int(reader.getNSamples()[i]) for i in idx)  # type: ignore[attr-defined]
        for i in idx:
            for start in range(0, n, chunk):
                reader.readSignal(i, start, min(chunk, n - start))  # type: ignore[attr-defined]
    finally:
        reader.close()  # type: ignore[attr-defined]
