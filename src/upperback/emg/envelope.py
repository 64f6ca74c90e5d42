"""Compatibility name: envelopes live in :mod:`upperback.emg.offline.envelope`."""

from upperback.emg.offline.envelope import rms_envelope

__all__ = ["rms_envelope"]
