"""Child-process side of :mod:`upperback.emg.readers.isolated`.

Two ways in, the same read:

- ``python -m upperback.emg.readers._worker KIND PATH OUTDIR MEM_BYTES CPU_S`` reads one
  file in a fresh interpreter (the fallback);
- ``python -m upperback.emg.readers._worker --serve`` is a warm reader server: it imports
  NumPy and the native reader once, then for each request line forks a child that reads the
  file and exits. Only the forked child touches the file's bytes, so a damaged file kills
  that child, never the server or the caller; the fork costs milliseconds where a fresh
  interpreter costs ~0.3 s of CPU (start-up and imports).

The read limits its own address space and CPU time first, then writes ``data.npy`` +
``meta.json`` (or ``error.txt`` with one line) into OUTDIR. Exit 0 on success, 2 on a file
error, 3 on anything else.

Server protocol (one JSON object per line): request ``{"kind", "path", "out", "mem",
"cpu", "timeout"}`` on stdin; reply ``{"status", "cpu"}`` on stdout, where ``status`` is the
child's exit code or minus the signal that ended it, and ``cpu`` the CPU seconds used so far
by the server and all its children (so the caller can account for them).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
from pathlib import Path
from typing import Any


def _limit(mem_bytes: int, cpu_s: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _reader(kind: str) -> Any:
    """The in-process reader of ``kind`` (imported on first use)."""
    if kind == "edf-probe":
        from upperback.emg.readers.edf import probe_edf_native

        return probe_edf_native
    if kind == "c3d":
        from upperback.emg.readers.c3d import read_c3d_native

        return read_c3d_native
    from upperback.emg.readers.edf import read_edf_native

    return read_edf_native


def read_into(kind: str, path: str, out: Path) -> int:
    """Read ``path`` and write the result (or one error line) into ``out``; the exit code."""
    from upperback.errors import UpperbackError

    try:
        read = _reader(kind)
        if kind == "edf-probe":
            read(Path(path))
            (out / "meta.json").write_text("{}")
            return 0
        import numpy as np

        rec = read(Path(path))
        np.save(out / "data.npy", rec.data, allow_pickle=False)
        meta = {"fs": rec.fs, "channels": list(rec.channels), "units": list(rec.units)}
        (out / "meta.json").write_text(json.dumps(meta))
        return 0
    except UpperbackError as exc:
        (out / "error.txt").write_text(exc.message.splitlines()[0] if exc.message else "")
        return 2
    except MemoryError:
        name = Path(path).name
        (out / "error.txt").write_text(f"{name}: reading the file needs more memory than allowed")
        return 2
    except Exception as exc:
        first = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        (out / "error.txt").write_text(f"{Path(path).name}: cannot read file ({first})")
        return 3


def main(argv: list[str]) -> int:
    kind, path, outdir, mem, cpu = argv
    _limit(int(mem), int(cpu))
    return read_into(kind, path, Path(outdir))


# --- The warm server ------------------------------------------------------------------------


def _child(req: dict[str, Any], keep: tuple[int, ...]) -> None:
    """In the forked child: drop the server's pipes, limit, read, and exit (never return)."""
    code = 3
    try:
        for fd in keep:
            os.close(fd)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the wall-clock limit kills the child
        signal.setitimer(signal.ITIMER_REAL, float(req["timeout"]))
        _limit(int(req["mem"]), int(req["cpu"]))
        code = read_into(str(req["kind"]), str(req["path"]), Path(str(req["out"])))
    finally:
        os._exit(code)


def _cpu_so_far() -> float:
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def serve() -> int:
    """Answer read requests from stdin until it closes (the caller exited or let go)."""
    reply = os.fdopen(os.dup(1), "w", buffering=1)  # replies on a private copy of stdout
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # a native library printing to stdout cannot garble the replies
    os.close(devnull)
    import numpy  # noqa: F401  (warm: every child starts with NumPy loaded)

    _reader("edf")  # the common kind, warm too; others are imported on first request
    for line in sys.stdin:
        req = json.loads(line)
        _reader(str(req["kind"]))  # importing a library parses no file: safe here
        pid = os.fork()
        if pid == 0:
            _child(req, (0, reply.fileno()))
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        reply.write(json.dumps({"status": code, "cpu": _cpu_so_far()}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(serve() if sys.argv[1:] == ["--serve"] else main(sys.argv[1:]))
