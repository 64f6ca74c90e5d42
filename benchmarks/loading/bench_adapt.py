"""Benchmark: adaptation over 100,000 logged sessions (run outside the test suite).

    .venv/bin/python benchmarks/loading/bench_adapt.py [n_logs]

Virtual clients log every planned session in order with random effort, pain, readiness,
technique and sEMG figures; only the adapt() call is timed.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from common import START, clients, random_log, summary

from upperback.feedback import adapt, next_session
from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.loading import generate_program
from upperback.model.session import SessionLogIn


def main(n_logs: int = 100_000) -> str:
    lib, rules = exercise_library(), loading_rules()
    rng = np.random.default_rng(7)
    times: list[float] = []
    fired = 0
    client = 0
    while len(times) < n_logs:
        profile, intake = clients(1, seed=1000 + client)[0]
        program = generate_program(
            profile, intake, start_date=START, seed=client, library=lib, rules=rules
        )
        client += 1
        logs: list[SessionLogIn] = []
        day = START
        while len(times) < n_logs and (plan := next_session(program, logs)) is not None:
            day = max(day, program.session_date(plan.week, plan.index)) + dt.timedelta(
                days=int(rng.choice([0, 0, 1, 3, 11]))
            )
            log = random_log(rng, program, plan.key, day)
            t0 = time.perf_counter()
            result = adapt(program, log, history=logs, profile=profile, library=lib, rules=rules)
            times.append(time.perf_counter() - t0)
            fired += len(result.adaptations)
            program = result.program
            logs.append(log)
    line = summary(f"adapt ({client} clients)", times, target_ms=1.0)
    return f"{line}; {fired / len(times):.2f} adaptations per log"


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
