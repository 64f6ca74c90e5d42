"""CPU per logged session: the whole log use case in-process, on SQLite and PostgreSQL.

The figure that limits one web worker is the CPU a log costs in that worker's process,
not wall time (on a shared machine wall time mostly measures the neighbours). This runs
`services.sessions.log_session` for `--logs` sessions (over `--clients` planned clients,
each logging its next session in turn, as phones would) and reports:
- process CPU per log (`time.process_time`, this process only: PostgreSQL's own server
  work is in its processes, SQLite's is in this one), and beside it the CPU of the read
  that precedes each log (the next session, with its audit entry, as GET /next does): a
  log now puts the version it stores into the program cache, which the read then finds;
- wall per log, and SQL statements per log (the log only, counted on the engine);
- with `--profile`, the functions that take the most CPU (cProfile, cumulative and own).

Usage: python benchmarks/scale/bench_log_cpu.py [--logs 500] [--clients 50]
       [--dbs sqlite,postgresql] [--profile] [--json out.json]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parents[1] / "tests")]

from server_load import seed_planned_clients  # noqa: E402


def prepare(url: str, n_clients: int, start: dt.date) -> tuple[Any, Any, list[int]]:
    from upperback.services import accounts
    from upperback.services.database import Database

    db = Database.open(url)
    acc = accounts.create_clinician_account(db, "Bench Clinician", "bench", "bench-password")
    actor = acc.actor()
    ids = seed_planned_clients(
        db, actor, n_clients, start,
        name="CPU client {i}", birth_year=lambda i: 1980, history_days=2,
    )  # fmt: skip
    return db, actor, ids


def run(url: str, n_logs: int, n_clients: int, profile: bool) -> dict[str, Any]:
    from sqlalchemy import event

    from upperback.services import program, sessions
    from upperback.services.demo import perform

    start = dt.date.today() - dt.timedelta(days=1)
    db, actor, ids = prepare(url, n_clients, start)
    statements = [0]

    def count(*_a: Any) -> None:
        statements[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    prof = cProfile.Profile() if profile else None
    rng = random.Random(0)
    cpu = wall = read_cpu = 0.0
    done = 0
    warm = min(len(ids), 10)  # first logs import and compile: not measured
    while done < n_logs + warm:
        for cid in ids:
            if done >= n_logs + warm:
                break
            before = statements[0]
            n0 = time.process_time()
            if prof is not None and done >= warm:
                prof.enable()
            # the phone's read of its next session, audited in its transaction as the API does
            view = program.next_view(db, actor, cid, audit_read=True)
            if prof is not None:
                prof.disable()
            n1 = time.process_time()
            if view.session is None:
                continue
            plan = view.session
            log = perform(plan, view.program.session_date(plan.week, plan.index), plan.week, rng)
            c0, w0 = time.process_time(), time.perf_counter()
            if prof is not None and done >= warm:
                prof.enable()
            sessions.log_session(db, actor, cid, log)
            if prof is not None:
                prof.disable()
            c1, w1 = time.process_time(), time.perf_counter()
            if done >= warm:
                cpu += c1 - c0
                wall += w1 - w0
                read_cpu += n1 - n0
            else:
                statements[0] = before  # not counted either
            done += 1
    n = done - warm
    out: dict[str, Any] = {
        "logs": n,
        "cpu_ms_per_log": 1000 * cpu / n,
        # the GET of the next session before each log (next_view + its audit entry)
        "read_cpu_ms_per_log": 1000 * read_cpu / n,
        "wall_ms_per_log": 1000 * wall / n,
        "statements_per_log": None,
    }
    db.close()
    if prof is not None:
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf).sort_stats("cumulative")
        st.print_stats(35)
        st.sort_stats("tottime").print_stats(20)
        out["profile"] = buf.getvalue()
    out["statements_total"] = statements[0]
    return out


def count_statements(url: str, n_clients: int) -> float:
    """SQL statements one log issues (the log alone, after warm-up)."""
    from sqlalchemy import event

    from upperback.services import program, sessions
    from upperback.services.demo import perform

    start = dt.date.today() - dt.timedelta(days=1)
    db, actor, ids = prepare(url, n_clients, start)
    seen = [0]
    event.listen(db.engine, "before_cursor_execute", lambda *_a: seen.__setitem__(0, seen[0] + 1))
    rng = random.Random(1)
    counts = []
    for cid in ids:
        view = program.next_view(db, actor, cid)
        assert view.session is not None
        plan = view.session
        log = perform(plan, view.program.session_date(plan.week, plan.index), plan.week, rng)
        before = seen[0]
        sessions.log_session(db, actor, cid, log)
        counts.append(seen[0] - before)
    db.close()
    return sum(counts[1:]) / max(1, len(counts) - 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--logs", type=int, default=500)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--dbs", default="sqlite,postgresql")
    ap.add_argument("--profile", action="store_true", help="print the cProfile tables")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    import pg_server

    tmp = Path(tempfile.mkdtemp(prefix="upperback-logcpu-"))
    pg = None
    results: dict[str, Any] = {}
    try:
        for kind in args.dbs.split(","):
            if kind == "sqlite":
                url, url2 = str(tmp / "cpu.sqlite3"), str(tmp / "count.sqlite3")
            else:
                if pg is None:
                    pg = pg_server.start(durable=True)
                url, url2 = pg.url(pg.create_database("cpu")), pg.url(pg.create_database("cnt"))
            res = run(url, args.logs, args.clients, args.profile)
            res["statements_per_log"] = count_statements(url2, 6)
            results[kind] = res
            print(f"{kind:<11} {res['logs']} logs: CPU {res['cpu_ms_per_log']:.2f} ms/log "
                  f"(+ {res['read_cpu_ms_per_log']:.2f} ms for the read of the next session), "
                  f"wall {res['wall_ms_per_log']:.2f} ms/log, "
                  f"{res['statements_per_log']:.0f} SQL statements/log", flush=True)  # fmt: skip
            if args.profile:
                print(res["profile"])
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    if args.json:
        slim = {k: {kk: vv for kk, vv in v.items() if kk != "profile"} for k, v in results.items()}
        args.json.write_text(json.dumps(slim, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
