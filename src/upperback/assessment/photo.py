"""Craniovertebral angle from two points on a lateral photo."""

from __future__ import annotations

import math

from upperback.assessment._checks import finite
from upperback.errors import InvalidInput


def cva_from_points(tragus: tuple[float, float], c7: tuple[float, float]) -> float:
    """Angle in degrees between the horizontal through C7 and the line C7 -> tragus.

    Points are image coordinates with x to the right and y up (any unit). The photo may
    face either way, so the horizontal distance is taken as absolute. Pixel coordinates
    with y pointing down must be flipped (y = height - row) before calling.
    """
    tx, ty = (finite(v, "tragus") for v in tragus)
    cx, cy = (finite(v, "c7") for v in c7)
    dx, dy = abs(tx - cx), ty - cy
    if dx == 0 and dy == 0:
        raise InvalidInput("tragus: the tragus and C7 points are the same point")
    if dy < 0:
        raise InvalidInput("tragus: the tragus must lie above C7 (y axis points up)")
    return math.degrees(math.atan2(dy, dx))
