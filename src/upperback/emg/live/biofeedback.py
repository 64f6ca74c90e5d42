"""Biofeedback cues from the live envelope, e.g. "upper trapezius over-active: ratio 2.8,
target below 2.0" (UT/LT, UT/SA or UT/MT ratio classes, DOMAIN.md sections 1.1 and 5)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.model.emg import Cue


@dataclass
class RatioFeedback:
    """Watch the ratio of two envelope channels and issue cues.

    The ratio is of the rest-corrected envelopes (power subtraction, divided by MVC RMS
    when ``scale`` is given) while the reference channel is active
    (above 3 times its rest level); a cue is issued when it stays above ``target`` for
    ``hold_s`` seconds, at most every ``cooldown_s`` seconds.
    """

    ref: int
    partner: int
    pair_name: str
    target: float = 2.0
    rest: FloatArray = field(default_factory=lambda: np.zeros(0))
    scale: tuple[float, float] = (1.0, 1.0)  # 1 / MVC RMS of (ref, partner); 1 when raw
    hold_s: float = 1.0
    cooldown_s: float = 5.0
    smooth_s: float = 0.5
    t_s: float = 0.0
    over_s: float = 0.0
    active_s: float = 0.0
    _num: float = 0.0
    _den: float = 0.0
    _sum_ratio: float = 0.0
    _n_ratio: int = 0
    _last_cue: float = -1e9
    _above_since: float | None = None
    ratio: float | None = None

    def update(self, env: FloatArray, *, fs_env: float) -> list[Cue]:
        """Feed new envelope samples (channels, k); return cues issued."""
        cues: list[Cue] = []
        if env.shape[1] == 0:
            return cues
        dt = env.shape[1] / fs_env
        # Noise-corrected amplitude, sqrt(env^2 - rest^2), as the offline corrected RMS.
        r_a, r_b = float(self.rest[self.ref]), float(self.rest[self.partner])
        a = np.sqrt(np.maximum(env[self.ref] ** 2 - r_a * r_a, 0.0)) * self.scale[0]
        b = np.sqrt(np.maximum(env[self.partner] ** 2 - r_b * r_b, 0.0)) * self.scale[1]
        active = env[self.ref] > 3.0 * max(float(self.rest[self.ref]), 1e-300)
        alpha = min(1.0, dt / self.smooth_s)
        self.t_s += dt
        if active.mean() >= 0.5:
            self._num += alpha * (float(a.mean()) - self._num)
            self._den += alpha * (float(b.mean()) - self._den)
            self.active_s += dt
            if self._den > 0:
                self.ratio = self._num / self._den
                self._sum_ratio += self.ratio
                self._n_ratio += 1
        else:
            self.ratio = None
        if self.ratio is not None and self.ratio > self.target:
            self.over_s += dt
            if self._above_since is None:
                self._above_since = self.t_s
            if (
                self.t_s - self._above_since >= self.hold_s
                and self.t_s - self._last_cue >= self.cooldown_s
            ):
                self._last_cue = self.t_s
                cues.append(
                    Cue(
                        t_s=round(self.t_s, 3),
                        kind="ratio_high",
                        message=(
                            f"upper trapezius over-active: ratio {self.ratio:.1f}, "
                            f"target below {self.target:.1f} ({self.pair_name})"
                        ),
                        value=round(self.ratio, 3),
                        target=self.target,
                    )
                )
        else:
            self._above_since = None
        return cues

    @property
    def mean_ratio(self) -> float | None:
        """Mean of the smoothed ratio over active time."""
        return self._sum_ratio / self._n_ratio if self._n_ratio else None
