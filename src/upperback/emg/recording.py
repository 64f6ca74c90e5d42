"""The in-memory recording every reader returns and every analysis step takes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from upperback.emg._checks import FloatArray, check_fs
from upperback.errors import InvalidInput


@dataclass(frozen=True)
class Recording:
    """A multichannel sEMG recording.

    Attributes
    ----------
    data : ndarray, shape (channels, samples), float64
        Samples in ``units`` (V, mV, uV or ADC counts, as the file holds them).
    fs : float
        Sampling rate in Hz.
    channels : tuple of str
        One name per row of ``data``; unique.
    units : tuple of str
        One unit string per channel ("" when the file does not say).
    source : str
        Where the data came from (path or "synthetic"/"lsl:NAME").
    mapping : dict
        User-supplied channel -> muscle overrides (see :mod:`upperback.emg.channels`).
    """

    data: FloatArray
    fs: float
    channels: tuple[str, ...]
    units: tuple[str, ...] = ()
    source: str = ""
    mapping: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        data = np.asarray(self.data, dtype=np.float64)
        if data.ndim != 2:
            raise InvalidInput(f"{self.source or 'recording'}: data must be (channels, samples)")
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "fs", check_fs(self.fs))
        if len(self.channels) != data.shape[0]:
            raise InvalidInput(
                f"{self.source or 'recording'}: {len(self.channels)} channel names for "
                f"{data.shape[0]} channels"
            )
        if len(set(self.channels)) != len(self.channels):
            dup = sorted({c for c in self.channels if self.channels.count(c) > 1})
            raise InvalidInput(
                f"{self.source or 'recording'}: duplicate channel names {', '.join(dup)}"
            )
        if not self.units:
            object.__setattr__(self, "units", ("",) * data.shape[0])
        elif len(self.units) != data.shape[0]:
            raise InvalidInput(f"{self.source or 'recording'}: units do not match channels")

    @property
    def n_channels(self) -> int:
        """Number of channels."""
        return int(self.data.shape[0])

    @property
    def n_samples(self) -> int:
        """Number of samples per channel."""
        return int(self.data.shape[1])

    @property
    def duration_s(self) -> float:
        """Duration in seconds."""
        return self.n_samples / self.fs

    def select(self, names: list[str] | tuple[str, ...]) -> Recording:
        """Return a recording holding only ``names`` (in that order)."""
        missing = [n for n in names if n not in self.channels]
        if missing:
            raise InvalidInput(f"{self.source or 'recording'}: no channel named {missing[0]!r}")
        idx = [self.channels.index(n) for n in names]
        return Recording(
            data=self.data[idx],
            fs=self.fs,
            channels=tuple(names),
            units=tuple(self.units[i] for i in idx),
            source=self.source,
            mapping=dict(self.mapping),
        )
