"""Resistance-modulation controller: live ratio -> target load or instability level.

Control law (integral action with rate limit and bounds)::

    e(t)      = (target - ratio(t)) / target          (positive: good balance)
    dL/dt     = clip(gain * e(t), -max_rate, +max_rate)  while the muscle is active
    L(t + dt) = clip(L(t) + dL/dt * dt, level_min, level_max)

so the level (0-1 of the prescribed load or instability range) rises slowly while the
upper trapezius stays below the target ratio and falls when it is over-active; it never
moves faster than ``max_rate`` per second and holds at rest.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ResistanceController:
    """Integral controller with output rate limit and bounds (see module docstring)."""

    target: float = 2.0
    gain: float = 0.2
    max_rate: float = 0.05
    level_min: float = 0.0
    level_max: float = 1.0
    level: float = 0.5

    def update(self, ratio: float | None, *, dt: float) -> float:
        """Advance by ``dt`` seconds with the current ratio (None = at rest); return level."""
        if ratio is not None and dt > 0:
            err = (self.target - ratio) / self.target
            rate = max(-self.max_rate, min(self.max_rate, self.gain * err))
            self.level = max(self.level_min, min(self.level_max, self.level + rate * dt))
        return self.level
