"""Session logging under concurrent load on loopback: 100 simulated clients, one server.

Each simulated client reads its next session (GET /next) and logs it (POST /sessions), a
few times in a row; all clients run at once. Reports p50/p99 latency of the logging POSTs,
errors, and checks that every accepted log is in the database (no lost write).

Two load shapes, both reported: a burst (every client logs at the same moment, the worst
case for one SQLite writer) and paced arrivals (`--rate`, logs per second over all clients,
each client waiting an exponential think time between logs, as phones in a clinic would).

Usage: python benchmarks/web/bench_logging.py [--clients 100] [--sessions 4] [--rate 20]
The server runs in a subprocess (uvicorn, one worker) on 127.0.0.1 with a fresh embedded
SQLite database; loops are bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server_load import pct, run_load, seed_planned_clients, start_app_server, stop

TIME_LIMIT_S = 240.0


def prepare(db_path: Path, n_clients: int, today: dt.date) -> list[int]:
    """A clinician with n clients, each screened, assessed and with a program (no HTTP)."""
    from upperback.services import accounts
    from upperback.services.database import Database

    db = Database.open(db_path)
    acc = accounts.create_clinician_account(db, "Bench Clinician", "bench", "bench-password")
    start = today - dt.timedelta(days=1)
    ids = seed_planned_clients(
        db, acc.actor(), n_clients, start,
        name="Load client {i}", birth_year=lambda i: 1985, history_days=2,
    )  # fmt: skip
    db.close()
    return ids


def count_logs(db_path: Path) -> set[tuple[int, int, int]]:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        return {tuple(r) for r in conn.execute('SELECT client_id, week, "index" FROM session_log')}  # type: ignore[misc]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--sessions", type=int, default=4, help="sessions each client logs")
    ap.add_argument("--rate", type=float, default=20.0, help="paced run: logs/s over all clients")
    args = ap.parse_args()
    status = 0
    for label, rate in (("burst", 0.0), (f"paced {args.rate:g} logs/s", args.rate)):
        print(f"== {label}")
        status |= run_once(args.clients, args.sessions, rate)
    return status


def run_once(n_clients: int, n_sessions: int, rate: float) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="upperback-bench-"))
    db_path = tmp / "bench.sqlite3"
    today = dt.date.today()
    t = time.perf_counter()
    ids = prepare(db_path, n_clients, today)
    print(f"prepared {len(ids)} clients with programs in {time.perf_counter() - t:.1f} s")
    env = {**os.environ, "UPPERBACK_SECRET_KEY": "bench-secret-key-0123456789"}
    server, base = start_app_server(db_path, env)
    try:
        out = asyncio.run(run_load(base, ids, n_sessions, rate, time_limit=TIME_LIMIT_S))
    finally:
        stop(server)
    lat = [x * 1000 for x in out["latency"]]
    stored = count_logs(db_path)
    accepted = set(out["accepted"])
    lost = accepted - stored
    print(
        f"clients {len(ids)}, logging requests {len(lat)}, accepted {len(accepted)}, errors {len(out['errors'])}"
    )
    if lat:
        print(
            f"POST /sessions latency ms: p50 {statistics.median(lat):.1f}  p99 {pct(lat, 0.99):.1f}  "
            f"max {max(lat):.1f}; throughput {len(lat) / out['wall'][0]:.1f} logs/s over {out['wall'][0]:.1f} s"
        )
    print(
        f"lost writes: {len(lost)} (accepted but not in the database); rows in session_log: {len(stored)}"
    )
    for e in out["errors"][:5]:
        print("  error:", e)
    target_ok = bool(lat) and pct(lat, 0.99) < 50 and not out["errors"] and not lost
    print(f"target p99 < 50 ms, no errors, no lost write: {'met' if target_ok else 'NOT met'}")
    return 0 if not lost and not out["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
