"""Run a native (C/C++) reader in a child process, so a damaged file cannot crash the caller.

ezc3d (C++) and pyedflib (C) parse untrusted bytes in native code: one changed byte in a
C3D file can make ezc3d read out of bounds and kill the process with SIGSEGV, which in the
web server takes every user down. Here the reader runs in a fresh interpreter
(``python -m upperback.emg.readers._worker``) that sets its own address-space and CPU
limits before importing the library; the samples come back through a ``.npy`` file in a
private temporary directory. A crash, a limit or a timeout becomes one
:class:`~upperback.errors.InvalidInput` line naming the file.

[design] A child per file costs about 0.2-0.5 s of interpreter start-up; uploads and CLI
reads are rare and seconds long anyway, so safety wins over that cost.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from upperback.emg.readers._common import display
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput

#: Native readers that run isolated, by kind.
NATIVE_KINDS: dict[str, str] = {"c3d": "C3D", "edf": "EDF/BDF", "edf-probe": "EDF/BDF"}
#: Wall-clock limit of one read, seconds.
TIMEOUT_S = 30.0
#: Address-space allowance on top of the file's size (interpreter, NumPy, the library).
BASE_MEMORY_BYTES = 1536 * 1024 * 1024
#: Per byte of file: float64 samples from 16-bit data are 4x, plus the library's own copy.
MEMORY_PER_FILE_BYTE = 12


def probe_isolated(kind: str, path: Path) -> None:
    """Read the whole file in a child and discard it: afterwards the parent may read it
    chunk by chunk in-process (the long-recording path) without risking a crash."""
    read_isolated(kind, path)


def memory_limit(path: Path) -> int:
    """Address-space limit for reading ``path``: base + a multiple of its size."""
    return BASE_MEMORY_BYTES + MEMORY_PER_FILE_BYTE * path.stat().st_size


def read_isolated(kind: str, path: Path, *, fs: float | None = None) -> Recording:
    """Read ``path`` with the native reader ``kind`` ("c3d" or "edf") in a child process."""
    if kind not in NATIVE_KINDS:
        raise ValueError(f"no isolated reader for {kind!r}")
    source = display(path)
    label = NATIVE_KINDS[kind]
    with tempfile.TemporaryDirectory(prefix="upperback-read-") as tmp:
        out = Path(tmp)
        env = dict(os.environ)
        env.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
        cmd = [
            sys.executable,
            "-m",
            "upperback.emg.readers._worker",
            kind,
            str(path.resolve()),
            str(out),
            str(memory_limit(path)),
            str(int(TIMEOUT_S) + 1),
        ]
        try:
            proc = subprocess.run(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=TIMEOUT_S,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise InvalidInput(
                f"{source}: reading the {label} file took longer than {TIMEOUT_S:g} s"
            ) from None
        return _collect(proc, out, source, label, fs)


def _collect(
    proc: subprocess.CompletedProcess[bytes], out: Path, source: str, label: str, fs: float | None
) -> Recording:
    """Turn the child's exit status and files into a Recording or one error line."""
    if proc.returncode == 0 and (out / "meta.json").exists():
        meta = json.loads((out / "meta.json").read_text())
        if not meta:  # a probe: the file read cleanly, no samples returned
            return Recording(data=np.zeros((1, 1)), fs=1.0, channels=("probe",), source=source)
        data = np.load(out / "data.npy", allow_pickle=False)
        return Recording(
            data=data,
            fs=fs if fs is not None else float(meta["fs"]),
            channels=tuple(meta["channels"]),
            units=tuple(meta["units"]),
            source=source,
        )
    err = out / "error.txt"
    if err.exists():
        msg = err.read_text().strip().splitlines()
        raise InvalidInput(msg[0] if msg else f"{source}: cannot read {label} file")
    code = proc.returncode
    if code < 0:
        try:
            why = signal.Signals(-code).name
        except ValueError:
            why = f"signal {-code}"
        raise InvalidInput(
            f"{source}: the {label} reader crashed on this file ({why}); the file is damaged "
            "or not supported"
        )
    raise InvalidInput(f"{source}: cannot read {label} file (reader exited with status {code})")
