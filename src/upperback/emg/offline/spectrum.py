"""The model sEMG power spectrum used to weight filter delays (and by the test generator).

Shwedyk et al. 1977: P(f) ~ f^2 fh^4 / ((f^2 + fl^2)(f^2 + fh^2)^2), fl = 60 Hz, fh = 120 Hz.
"""

from __future__ import annotations

import numpy as np

from upperback.emg._checks import FloatArray

FL_HZ = 60.0
FH_HZ = 120.0


def emg_psd(f: FloatArray, scale: float = 1.0) -> FloatArray:
    """Shwedyk sEMG power spectral density shape at frequencies ``f`` (Hz), compressed by ``scale``."""
    g = np.asarray(f, dtype=np.float64) / scale
    return np.asarray(
        g**2 * FH_HZ**4 / ((g**2 + FL_HZ**2) * (g**2 + FH_HZ**2) ** 2), dtype=np.float64
    )
