"""Run every benchmark script (outside the test suite) and print their tables in one run.

Usage: `make bench` or `python benchmarks/run_all.py [area ...]` with areas emg, loading, web, scale.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
AREAS = {
    "emg": ["emg/run_all.py"],
    "loading": ["loading/run.py"],
    "web": ["web/bench_logging.py", "web/bench_login_flood.py", "web/bench_dashboard.py"],
    "scale": [
        "scale/bench_scale_logging.py",
        "scale/bench_cohort_emg.py",
        "scale/bench_storage.py",
    ],
}


def main(argv: list[str]) -> int:
    chosen = argv or list(AREAS)
    unknown = [a for a in chosen if a not in AREAS]
    if unknown:
        print(f"error: unknown benchmark area {unknown[0]!r}; choose from {', '.join(AREAS)}", file=sys.stderr)
        return 2
    status = 0
    for area in chosen:
        for script in AREAS[area]:
            path = HERE / script
            if not path.exists():
                print(f"== {area}: {script} missing", flush=True)
                status = 1
                continue
            print(f"== {area}: {script}", flush=True)
            status |= subprocess.call([sys.executable, str(path)])
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
