"""Small valid recordings in every readable format, and byte mutations of them, for the
reader fuzz test (tests/emg) and the longer fuzz run (benchmarks/emg/fuzz_readers.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

FS = 1000
CHANNELS = ("UT_R", "LT_R")


def _signals(seconds: float = 2.0) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.standard_normal((len(CHANNELS), int(seconds * FS))) * 1e-4


def write_csv(path: Path) -> Path:
    x = _signals()
    t = np.arange(x.shape[1]) / FS
    rows = ["time," + ",".join(CHANNELS)]
    rows += [f"{t[k]:.4f},{x[0, k]:.6g},{x[1, k]:.6g}" for k in range(x.shape[1])]
    path.write_text("\n".join(rows) + "\n")
    return path


def write_edf(path: Path) -> Path:
    import pyedflib

    x = _signals() * 1e6  # microvolts
    w = pyedflib.EdfWriter(str(path), len(CHANNELS), file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        w.setSignalHeaders(
            [
                {
                    "label": name,
                    "dimension": "uV",
                    "sample_frequency": FS,
                    "physical_max": 1000.0,
                    "physical_min": -1000.0,
                    "digital_max": 32767,
                    "digital_min": -32768,
                }
                for name in CHANNELS
            ]
        )
        w.writeSamples(list(x))
    finally:
        w.close()
    return path


def write_c3d(path: Path) -> Path:
    import ezc3d

    x = _signals()
    c = ezc3d.c3d()
    c["parameters"]["POINT"]["RATE"]["value"] = [100]
    c["parameters"]["POINT"]["LABELS"]["value"] = ("m1",)
    c["parameters"]["ANALOG"]["RATE"]["value"] = [FS]
    c["parameters"]["ANALOG"]["LABELS"]["value"] = tuple(
        f"{n}.EMG{i + 1}" for i, n in enumerate(CHANNELS)
    )
    c["parameters"]["ANALOG"]["UNITS"]["value"] = ("V", "V")
    frames = x.shape[1] // 10
    c["data"]["points"] = np.zeros((4, 1, frames))
    c["data"]["points"][3] = 1.0
    c["data"]["analogs"] = x[None, :, : frames * 10]
    c.write(str(path))
    return path


def write_wfdb(path: Path) -> Path:
    import wfdb

    x = _signals()
    wfdb.wrsamp(
        path.stem,
        fs=FS,
        units=["mV", "mV"],
        sig_name=list(CHANNELS),
        p_signal=x.T * 1e3,
        fmt=["16", "16"],
        write_dir=str(path.parent),
    )
    return path.with_suffix(".hea")


WRITERS = {"csv": write_csv, "edf": write_edf, "c3d": write_c3d, "wfdb": write_wfdb}


def mutate(raw: bytes, rng: np.random.Generator, *, max_changes: int = 4) -> bytes:
    """Change 1..max_changes bytes (random values, biased to the first 4 kB where headers
    live), or truncate, or duplicate a slice: the damage files get on disk and in transit."""
    b = bytearray(raw)
    kind = rng.integers(0, 10)
    if kind == 0 and len(b) > 16:
        return bytes(b[: int(rng.integers(1, len(b)))])
    if kind == 1 and len(b) > 16:
        a = int(rng.integers(0, len(b) - 8))
        return bytes(b[:a] + b[a : a + int(rng.integers(1, 64))] + b[a:])
    for _ in range(int(rng.integers(1, max_changes + 1))):
        hi = min(len(b), 4096) if rng.random() < 0.8 else len(b)
        pos = int(rng.integers(0, hi))
        b[pos] = int(rng.integers(0, 256))
    return bytes(b)
