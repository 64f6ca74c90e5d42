"""Child-process entry of :mod:`upperback.emg.readers.isolated`.

``python -m upperback.emg.readers._worker KIND PATH OUTDIR MEM_BYTES CPU_S`` limits its own
address space and CPU time first, then reads PATH with the native reader KIND and writes
``data.npy`` + ``meta.json`` (or ``error.txt`` with one line) into OUTDIR. Exit 0 on
success, 2 on a file error, 3 on anything else. It imports only the reader it needs.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path


def _limit(mem_bytes: int, cpu_s: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str]) -> int:
    kind, path, outdir, mem, cpu = argv
    out = Path(outdir)
    _limit(int(mem), int(cpu))
    from upperback.errors import UpperbackError

    try:
        if kind == "edf-probe":
            from upperback.emg.readers.edf import probe_edf_native

            probe_edf_native(Path(path))
            (out / "meta.json").write_text("{}")
            return 0
        if kind == "c3d":
            from upperback.emg.readers.c3d import read_c3d_native as read
        else:
            from upperback.emg.readers.edf import read_edf_native as read
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
