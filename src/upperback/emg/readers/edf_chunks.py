"""An EDF/BDF file opened for reading in chunks (bounded memory), after a crash-safe probe.

Both the chunked analysis and the workday exposure read long files this way; the file is
first read once in a child process, so a damaged file fails there and not in this process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.emg.readers._common import display
from upperback.emg.readers.edf import edf_layout, open_edf
from upperback.emg.readers.isolated import probe_isolated


@dataclass(frozen=True)
class EdfChunks:
    read: Callable[[int, int], FloatArray]
    n_samples: int
    fs: float
    channels: tuple[str, ...]
    units: tuple[str, ...]
    source: str


@contextmanager
def edf_chunks(path: str | Path) -> Iterator[EdfChunks]:
    """Open `path` for chunk reads (`read(start, stop)` -> channels x samples); closes it after."""
    p = Path(path)
    probe_isolated("edf-probe", p)  # a damaged file fails in a child, not here
    reader = open_edf(p)
    try:
        idx, fs, labels, units = edf_layout(reader, display(p))
        n = min(int(reader.getNSamples()[i]) for i in idx)  # type: ignore[attr-defined]

        def read(start: int, stop: int) -> FloatArray:
            out = np.empty((len(idx), stop - start))
            for r, i in enumerate(idx):
                out[r] = reader.readSignal(i, start, stop - start)  # type: ignore[attr-defined]
            return out

        yield EdfChunks(read, n, fs, tuple(labels), tuple(units), display(p))
    finally:
        reader.close()  # type: ignore[attr-defined]
