"""Compatibility name: the offline analysis lives in :mod:`upperback.emg.offline.analysis`."""

from upperback.emg.offline.analysis import (
    HEAD_S,
    Plan,
    analyze_features,
    analyze_recording,
    extract_features,
    make_plan,
    mvc_amplitudes,
)

__all__ = [
    "HEAD_S",
    "Plan",
    "analyze_features",
    "analyze_recording",
    "extract_features",
    "make_plan",
    "mvc_amplitudes",
]
