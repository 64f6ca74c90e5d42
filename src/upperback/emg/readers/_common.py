"""Helpers shared by the readers: sampling-rate inference and final checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.errors import InvalidInput

#: Rates used by common sEMG amplifiers; an inferred rate within 0.1 % snaps to one of them.
COMMON_RATES: tuple[float, ...] = (
    500.0,
    512.0,
    1000.0,
    1024.0,
    1111.111,
    1200.0,
    1259.259,
    1500.0,
    2000.0,
    2048.0,
    2148.1481,
    2400.0,
    4000.0,
    4096.0,
    4800.0,
    5000.0,
    8000.0,
    10000.0,
)


def infer_fs(time_s: FloatArray, source: str) -> float:
    """Infer the sampling rate in Hz from a time column (seconds).

    The rate from the first and last time stamps, ``(n - 1) / (t[-1] - t[0])``, is exact
    when time stamps are merely rounded in the file (they stay within half a step of the
    straight line); otherwise (gaps) the rate from the median step is used, and a rate within
    0.1 % of a common amplifier rate snaps to it.
    """
    t = np.asarray(time_s, dtype=np.float64)
    if t.size < 3:
        raise InvalidInput(f"{source}: need at least 3 samples to infer fs from the time column")
    d = np.diff(t)
    if not np.all(d > 0):
        row = int(np.flatnonzero(d <= 0)[0]) + 1
        raise InvalidInput(f"{source}: time column does not increase at sample {row}")
    fs_med = 1.0 / float(np.median(d))
    fs_span = (t.size - 1) / float(t[-1] - t[0])
    # Rounded stamps stay within a fraction of a step of the straight line; gaps do not.
    resid = t - (t[0] + np.arange(t.size) / fs_span)
    fs = fs_span if float(np.max(np.abs(resid))) < 0.5 / fs_span else fs_med
    for rate in COMMON_RATES:
        if abs(fs - rate) <= 1e-3 * rate:
            return rate
    return float(round(fs, 4))


def check_data(data: FloatArray, names: list[str], source: str, first_row: int = 1) -> None:
    """Reject empty channels and NaN/inf samples with a message naming channel and row."""
    if data.shape[1] == 0:
        raise InvalidInput(f"{source}: no samples")
    finite = np.isfinite(data)
    if finite.all():
        return
    for i, name in enumerate(names):
        if not finite[i].any():
            raise InvalidInput(f"{source}: channel {name!r} is empty (no numeric values)")
    i, j = np.argwhere(~finite)[0]
    count = int((~finite[i]).sum())
    raise InvalidInput(
        f"{source}: channel {names[i]!r} has {count} NaN/missing value(s), first at row "
        f"{int(j) + first_row}"
    )


def display(path: Path) -> str:
    """How a file is named in messages: its name only (one line, no directories)."""
    return path.name
