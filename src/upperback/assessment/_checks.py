"""Small validators shared by the scoring modules; each error names where and what."""

from __future__ import annotations

import math

from upperback.errors import InvalidInput


def finite(x: float, where: str) -> float:
    """Reject NaN and infinities, which would pass range checks silently."""
    if not math.isfinite(x):
        raise InvalidInput(f"{where}: {x} is not a finite number")
    return float(x)


def in_range(x: float, lo: float, hi: float, unit: str, where: str) -> float:
    finite(x, where)
    if not lo <= x <= hi:
        raise InvalidInput(
            f"{where}: {fmt(x)} {unit} is outside the valid range {fmt(lo)}-{fmt(hi)} {unit}"
        )
    return x


def fmt(x: float) -> str:
    """A figure for statements: one decimal at most, no trailing '.0'."""
    if not math.isfinite(x):
        return str(x)
    return f"{round(x, 1) + 0.0:g}"
