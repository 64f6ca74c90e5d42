"""Shared validators for signal functions (STYLE.md section 3: validate first, compute after).

Each checker takes the value and its name, and raises :class:`~upperback.errors.InvalidInput`
with a one-line message naming the parameter, what is allowed and what was received.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from upperback.errors import InvalidInput

FloatArray = NDArray[np.float64]


def check_fs(fs: float, name: str = "fs") -> float:
    """Return ``fs`` as a float after checking it is a finite sampling rate in Hz (> 0)."""
    try:
        value = float(fs)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a sampling rate in Hz, got {fs!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise InvalidInput(f"{name} must be a positive sampling rate in Hz, got {fs!r}")
    return value


def check_signal(x: object, name: str = "emg") -> FloatArray:
    """Return ``x`` as a C-contiguous float64 ``(channels, samples)`` array.

    A 1-D input is treated as one channel. Non-finite values are rejected because every
    IIR filter would spread them over the rest of the channel.
    """
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2:
        raise InvalidInput(f"{name} must be a (channels, samples) array, got {arr.ndim} dims")
    if arr.shape[1] == 0:
        raise InvalidInput(f"{name} has no samples")
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise InvalidInput(
            f"{name} has non-finite values (first at channel {bad[0]}, sample {bad[1]})"
        )
    return np.ascontiguousarray(arr)


def check_option(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``allowed``; otherwise raise InvalidInput."""
    if value not in allowed:
        raise InvalidInput(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def check_positive(name: str, value: float) -> float:
    """Return ``value`` as float if finite and > 0."""
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise InvalidInput(f"{name} must be a positive number, got {value!r}")
    return v
