"""Longer fuzz run over every reader: N mutated files per format through read_recording.

Counts files read, refused with one line, and anything else (a traceback or a dead process
would be a bug). Usage: python benchmarks/emg/fuzz_readers.py [N per format] [seed]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from upperback.emg import read_recording
from upperback.emg.testing.corpus import WRITERS, mutate
from upperback.errors import UpperbackError


def main(n: int = 200, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        print(
            f"{'format':6s} {'files':>6s} {'read':>6s} {'refused':>8s} {'crashes':>8s} "
            f"{'other':>6s} {'s/file':>7s}"
        )
        for kind, writer in WRITERS.items():
            src = writer(d / f"small.{kind}")
            c: Counter[str] = Counter()
            t0 = time.perf_counter()
            for k in range(n):
                sub = d / f"{kind}{k}"
                sub.mkdir()
                if kind == "wfdb":
                    for f in (src, src.with_suffix(".dat")):
                        (sub / f.name).write_bytes(f.read_bytes())
                    target = sub / (src.with_suffix(".dat").name if k % 2 else src.name)
                    target.write_bytes(mutate(target.read_bytes(), rng, max_changes=16))
                    path = sub / src.name
                else:
                    path = sub / src.name
                    path.write_bytes(mutate(src.read_bytes(), rng, max_changes=16))
                try:
                    read_recording(path)
                    c["read"] += 1
                except UpperbackError as exc:
                    c["refused"] += 1
                    c["crashes"] += "crashed" in exc.message
                except Exception as exc:
                    c["other"] += 1
                    print(f"  {kind} #{k}: {type(exc).__name__}: {exc}"[:200])
            dt = (time.perf_counter() - t0) / n
            print(
                f"{kind:6s} {n:6d} {c['read']:6d} {c['refused']:8d} {c['crashes']:8d} "
                f"{c['other']:6d} {dt:7.3f}"
            )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
