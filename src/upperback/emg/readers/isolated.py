"""Run a native (C/C++) reader in a child process, so a damaged file cannot crash the caller.

ezc3d (C++) and pyedflib (C) parse untrusted bytes in native code: one changed byte in a
C3D file can make ezc3d read out of bounds and kill the process with SIGSEGV, which in the
web server takes every user down. Here each read runs in a child process that sets its own
address-space, CPU and wall-clock limits before touching the file; the samples come back
through a ``.npy`` file in a private temporary directory (on tmpfs when there is room). A
crash, a limit or a timeout becomes one :class:`~upperback.errors.InvalidInput` line naming
the file.

The child is forked from a warm reader server (``_worker --serve``, one per calling
process, NumPy and pyedflib already imported), so a read costs no interpreter start-up;
if the server cannot be used, the read runs in a fresh interpreter as before.
[design] Measured on a 10-minute, 8-channel EDF: the fresh interpreter spent ~0.2 s of
CPU on start-up and imports before a 0.14 s read, a third of the file's whole analysis in
a cohort run; the fork costs milliseconds.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
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
#: Per byte of file, the samples handed back (float64 from 16-bit data is 4x; some slack).
PAYLOAD_PER_FILE_BYTE = 5
#: tmpfs for the hand-back, when the machine has one with room.
SHM = "/dev/shm"
#: How much longer than TIMEOUT_S the caller waits for a server's answer before dropping it.
SERVER_GRACE_S = 10.0


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
    with tempfile.TemporaryDirectory(prefix="upperback-read-", dir=payload_dir(path)) as tmp:
        out = Path(tmp)
        code = _SERVER.read(kind, path.resolve(), out, memory_limit(path))
        if code is None:  # no server (could not start, or gone): a fresh interpreter
            code = _read_in_fresh_child(kind, path, out, source, label)
        return _collect(code, out, source, label, fs)


def payload_dir(path: Path) -> str | None:
    """Where the child leaves the samples: tmpfs (/dev/shm) when it has room, else the
    default temporary folder. [design] Memory to memory; a disk-backed /tmp would write
    ~77 MB of float64 per 10-minute 8-channel recording only to read it back and delete it."""
    need = PAYLOAD_PER_FILE_BYTE * path.stat().st_size + (64 << 20)
    try:
        st = os.statvfs(SHM)
    except OSError:
        return None
    if st.f_bavail * st.f_frsize >= need and os.access(SHM, os.W_OK | os.X_OK):
        return SHM
    return None


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    return env


def _read_in_fresh_child(kind: str, path: Path, out: Path, source: str, label: str) -> int:
    """One read in a new interpreter (``python -m ..._worker``); its exit status."""
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
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT_S,
            env=_child_env(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InvalidInput(
            f"{source}: reading the {label} file took longer than {TIMEOUT_S:g} s"
        ) from None
    return proc.returncode


class _ReaderServer:
    """This process's warm reader server (``_worker --serve``), started on first use.

    [design] One server per process, one read at a time (a lock): uploads are rare and a
    cohort runs one read per worker process anyway. A server that dies or stops answering
    is dropped (and killed); that read falls back to a fresh interpreter and the next read
    starts a new server.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self._pid = 0  # the process that started it (a forked caller starts its own)
        self._cpu_done = 0.0  # CPU of servers already let go
        self._cpu_live = 0.0  # CPU of the current server, as last reported

    def cpu_seconds(self) -> float:
        """CPU used by reader servers and their children on behalf of this process."""
        with self._lock:
            return self._cpu_done + self._cpu_live

    def read(self, kind: str, path: Path, out: Path, mem: int) -> int | None:
        """The child's exit status (or -signal), or None when no server could answer."""
        request = {
            "kind": kind,
            "path": str(path),
            "out": str(out),
            "mem": mem,
            "cpu": int(TIMEOUT_S) + 1,
            "timeout": TIMEOUT_S,
        }
        with self._lock:
            proc = self._running()
            if proc is None or proc.stdin is None or proc.stdout is None:
                return None
            try:
                proc.stdin.write(json.dumps(request) + "\n")
                proc.stdin.flush()
                ready, _, _ = select.select([proc.stdout], [], [], TIMEOUT_S + SERVER_GRACE_S)
                line = proc.stdout.readline() if ready else ""
                answer = json.loads(line) if line else None
            except (OSError, ValueError):
                answer = None
            if not isinstance(answer, dict) or not isinstance(answer.get("status"), int):
                self._drop()
                return None
            self._cpu_live = float(answer.get("cpu") or 0.0)
            return int(answer["status"])

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _running(self) -> subprocess.Popen[str] | None:
        if self._proc is not None and (self._pid != os.getpid() or self._proc.poll() is not None):
            if self._pid == os.getpid():
                self._drop()
            else:  # inherited through fork: the pipes belong to the parent's server
                self._proc, self._cpu_live, self._cpu_done = None, 0.0, 0.0
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-m", "upperback.emg.readers._worker", "--serve"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=_child_env(),
                    text=True,
                    close_fds=True,
                )
            except OSError:
                return None
            self._pid = os.getpid()
        return self._proc

    def _drop(self) -> None:
        proc, self._proc = self._proc, None
        self._cpu_done += self._cpu_live
        self._cpu_live = 0.0
        if proc is None:
            return
        for pipe in (proc.stdin, proc.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=1.0)  # stdin closed: it leaves its loop
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


_SERVER = _ReaderServer()
atexit.register(_SERVER.close)


def reader_cpu_seconds() -> float:
    """CPU seconds the warm reader servers used for this process (not in its own
    ``RUSAGE_CHILDREN`` until they exit): benchmarks add it to count every read."""
    return _SERVER.cpu_seconds()


def _collect(code: int, out: Path, source: str, label: str, fs: float | None) -> Recording:
    """Turn the child's exit status and files into a Recording or one error line."""
    if code == 0 and (out / "meta.json").exists():
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
    if code == -signal.SIGALRM:  # the server's child ran out of wall-clock time
        raise InvalidInput(f"{source}: reading the {label} file took longer than {TIMEOUT_S:g} s")
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
