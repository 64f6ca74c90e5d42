"""Benchmark: program generation for 10,000 virtual clients (run outside the test suite).

    .venv/bin/python benchmarks/loading/bench_generate.py [n_clients]

Reports the median and p90 milliseconds per client and the process's peak memory. Programs
are not retained (a service persists each one), so peak memory is the working set.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import START, clients, summary

from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.loading import generate_program


def main(n: int = 10_000) -> str:
    lib, rules = exercise_library(), loading_rules()
    inputs = clients(n, seed=42)
    generate_program(*inputs[0], start_date=START, seed=0, library=lib, rules=rules)  # warm caches
    times: list[float] = []
    prescriptions = 0
    for i, (profile, intake) in enumerate(inputs):
        t0 = time.perf_counter()
        program = generate_program(
            profile, intake, start_date=START, seed=i, library=lib, rules=rules
        )
        times.append(time.perf_counter() - t0)
        prescriptions += sum(len(s.prescriptions) for s in program.sessions)
    line = summary(f"generate_program ({len(lib)}-exercise library)", times, target_ms=10.0)
    return f"{line}; {prescriptions / n:.0f} prescriptions per program"


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
