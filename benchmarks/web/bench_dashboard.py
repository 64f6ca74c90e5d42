"""Dashboard for many clients: aggregate queries (services.dashboard) vs per-client reads.

Seeds the demo client plus N-1 registered clients into a temporary SQLite file and times
one dashboard page (best of k) side by side with services.progress.dashboard, which reads
each client's screening, logs and progress in turn. Prints milliseconds and the ratio.
Measured 2026-11-30 on the shared 2-core machine: 200 clients, 38 ms vs 2183 ms (58x).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from upperback.model.client import ClientIn
from upperback.model.common import Sex
from upperback.services import clients, progress
from upperback.services.access import Actor
from upperback.services.dashboard import dashboard_page
from upperback.services.database import Database
from upperback.services.seed import seed_demo

TODAY = dt.date(2026, 3, 2)


def best(fn: Callable[[], object], k: int) -> float:
    out = float("inf")
    for _ in range(k):
        t = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t)
    return out


def main(n: int = 200) -> None:
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "bench.sqlite3")
        seed_demo(db, today=TODAY)
        demo = Actor(role="clinician", clinician_id=1, name="demo")
        for i in range(n - 1):
            data = ClientIn(name=f"Client {i:03d}", sex=Sex.female, birth_year=1980)
            clients.add_client(db, demo, data, today=TODAY)
        page = best(lambda: dashboard_page(db, demo, today=TODAY), 5)
        each = best(lambda: progress.dashboard(db, demo, today=TODAY), 2)
        db.close()
    print(f"{'clients':>8} {'page (ms)':>10} {'per-client (ms)':>16} {'ratio':>6}")
    print(f"{n:>8} {page * 1000:>10.0f} {each * 1000:>16.0f} {each / page:>6.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
