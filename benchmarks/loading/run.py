"""Run the loading/feedback benchmarks and the 1,000-client simulation, printing the figures.

    .venv/bin/python benchmarks/loading/run.py [--quick]

Each benchmark runs in its own process so peak memory is measured per batch.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent

SIMULATE = (
    "import time; from upperback.sim import simulate, render_report; t=time.perf_counter(); "
    "r=simulate({n}, seed=2025); print(render_report(r)); print(f'simulation: {n} clients in "
    "{{time.perf_counter()-t:.1f}} s')"
)


def main() -> None:
    quick = "--quick" in sys.argv
    jobs = [
        [sys.executable, str(HERE / "bench_generate.py"), "1000" if quick else "10000"],
        [sys.executable, str(HERE / "bench_adapt.py"), "10000" if quick else "100000"],
        [sys.executable, "-c", SIMULATE.format(n=100 if quick else 1000)],
    ]
    for cmd in jobs:
        t0 = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()
        print(out)
        print(f"  (wall {time.perf_counter() - t0:.1f} s)\n")


if __name__ == "__main__":
    main()
