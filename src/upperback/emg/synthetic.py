"""Compatibility name: the generator lives in :mod:`upperback.emg.testing.synthetic`."""

from upperback.emg.testing.synthetic import (
    FH_HZ,
    FL_HZ,
    Truth,
    emg_psd,
    generate,
    true_median_frequency,
)

__all__ = ["FH_HZ", "FL_HZ", "Truth", "emg_psd", "generate", "true_median_frequency"]
