"""File readers. :func:`read_recording` picks one by file suffix."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from upperback.emg.channels import resolve_channels
from upperback.emg.readers.c3d import read_c3d
from upperback.emg.readers.csv import read_csv
from upperback.emg.readers.edf import read_edf
from upperback.emg.readers.wfdb import read_wfdb
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput, NotFound

__all__ = ["read_c3d", "read_csv", "read_edf", "read_recording", "read_wfdb"]


def read_recording(
    path: str | Path, *, fs: float | None = None, mapping: Mapping[str, str] | None = None
) -> Recording:
    """Read a recording from CSV/TXT, EDF/EDF+/BDF, C3D or WFDB (``.hea``/``.dat``).

    Parameters
    ----------
    path : str or Path
        The file.
    fs : float, optional
        Sampling rate in Hz, needed for text files without a time column; overrides the
        file's rate otherwise.
    mapping : mapping, optional
        Channel -> muscle overrides (``{"EMG6": "UT_R"}``), checked against the channels.

    Raises
    ------
    NotFound
        If the file does not exist.
    InvalidInput
        If the file is malformed, truncated, has NaN/empty channels or an unknown suffix.
    """
    p = Path(path)
    if not p.exists() and not p.with_suffix(".hea").exists():
        raise NotFound(f"{p.name}: file not found")
    if p.is_dir():
        raise InvalidInput(f"{p.name}: is a directory, expected a recording file")
    if fs is not None and not fs > 0:
        raise InvalidInput(f"--fs must be a positive sampling rate in Hz, got {fs}")
    suffix = p.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        rec = read_csv(p, fs=fs)
    elif suffix in (".edf", ".bdf", ".rec"):
        rec = read_edf(p, fs=fs)
    elif suffix == ".c3d":
        rec = read_c3d(p, fs=fs)
    elif suffix in (".hea", ".dat") or p.with_suffix(".hea").exists():
        rec = read_wfdb(p, fs=fs)
    else:
        raise InvalidInput(
            f"{p.name}: unknown recording format {suffix or '(no suffix)'!r}; "
            "expected .csv/.txt, .edf/.bdf, .c3d or WFDB .hea/.dat"
        )
    if mapping:
        resolve_channels(rec.channels, mapping)  # validate names and muscles now
        rec = Recording(rec.data, rec.fs, rec.channels, rec.units, rec.source, dict(mapping))
    return rec
