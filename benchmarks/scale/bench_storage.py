"""Database growth per logged session over a simulated year, before and after 0006.

Each simulated client is screened, assessed and planned, then logs three sessions a week
for a year (about 12 % missed, as in the demo), is reassessed every four weeks (re-plans)
and gets a new 12-week plan when one ends. Growth per logged session = (file size after
the year - file size after set-up) / logged sessions, both after VACUUM. "Before" is the
same database with every program version stored whole as JSON text, as before migration
0006 (produced by the 0006 downgrade path: store.compaction.inflate/unpack).

The "before" layout is measured on its own smaller simulation (`--before-clients`,
default 10: 100 clients' whole copies would take ~1.6 GB and many minutes; the figure per
logged session does not depend on the number of clients, each client's rows are its own).

Usage: python benchmarks/scale/bench_storage.py [--clients 100] [--weeks 52]
       [--before-clients 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server_load import seed_planned_clients

TARGET_KB = 10.0


def vacuumed_size(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        conn.execute("VACUUM")
        return int(conn.execute("PRAGMA page_count").fetchone()[0]) * int(
            conn.execute("PRAGMA page_size").fetchone()[0]
        )


def simulate(path: Path, n_clients: int, weeks: int) -> tuple[int, int, int]:
    """(size after set-up, logged sessions, program versions)."""
    from upperback.model.session import SessionLogIn
    from upperback.services import assessment, clients, program, sessions
    from upperback.services.database import Database
    from upperback.services.demo import demo_assessment, perform

    start = dt.date(2025, 1, 6)
    db = Database.open(path)
    actor = clients.ensure_clinician(db, "Bench Clinician")
    ids = seed_planned_clients(
        db, actor, n_clients, start,
        name="Client {i}", birth_year=lambda i: 1970 + i % 40, history_days=3,
    )  # fmt: skip
    db.close()
    base = vacuumed_size(path)
    shutil.copy(path, path.with_name("setup.sqlite3"))
    db = Database.open(path)
    logged = 0
    for i, cid in enumerate(ids):
        rng = random.Random(i)
        plan_start = start
        for week in range(1, weeks + 1):
            prog = program.current_program(db, actor, cid)
            for _ in range(3):
                plan = program.next_view(db, actor, cid).session
                if plan is None:
                    break
                day = prog.session_date(plan.week, plan.index)
                if rng.random() < 0.12:
                    log = SessionLogIn(date=day, week=plan.week, index=plan.index, completed=False)
                else:
                    log = perform(plan, day, plan.week, rng)
                sessions.log_session(db, actor, cid, log)
                logged += 1
            weeks_in = (week - 1) % 12 + 1
            end_of_week = plan_start + dt.timedelta(days=7 * weeks_in - 1)
            if weeks_in in (4, 8):
                assessment.record_assessment(
                    db, actor, cid, demo_assessment(end_of_week, min(1.0, week / weeks))
                )
            if weeks_in == 12 and week < weeks:  # a new 12-week plan
                assessment.record_assessment(
                    db, actor, cid, demo_assessment(end_of_week, min(1.0, week / weeks))
                )
                plan_start = end_of_week + dt.timedelta(days=1)
                program.plan_program(db, actor, cid, start_date=plan_start, seed=i + week)
    with db.engine.connect() as conn:
        versions = int(conn.exec_driver_sql("SELECT count(*) FROM program").scalar() or 0)
    db.close()
    return base, logged, versions


def inflate(path: Path) -> None:
    """Every program version whole, as JSON text (the layout before 0006)."""
    from sqlalchemy import create_engine

    from upperback.store import compaction

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        compaction.inflate_programs(conn)
        compaction.unpack_documents(conn)
        conn.exec_driver_sql("UPDATE program SET patch = NULL")
    engine.dispose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--before-clients", type=int, default=10)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="upperback-storage-"))
    try:
        path = tmp / "year.sqlite3"
        load0 = os.getloadavg()[0]
        t = time.perf_counter()
        base, logged, n_versions = simulate(path, args.clients, args.weeks)
        elapsed = time.perf_counter() - t
        after = vacuumed_size(path)
        per_after = (after - base) / logged / 1024
        print(f"simulated {args.clients} clients x {args.weeks} weeks: {logged} logged sessions, "
              f"{n_versions} program versions, in {elapsed:.0f} s ({1000 * elapsed / logged:.0f} ms/log in-process, "
              f"load average {load0:.1f})", flush=True)  # fmt: skip
        print(f"after  (patches+packed): {after / 1e6:.1f} MB ({base / 1e6:.2f} MB after set-up), "
              f"{per_after:.1f} KB per logged session", flush=True)  # fmt: skip
        # before: a smaller year, every version whole (the 0006 downgrade path)
        small = tmp / "small" / "year.sqlite3"
        small.parent.mkdir()
        b_base, b_logged, _ = simulate(small, args.before_clients, args.weeks)
        b_after = vacuumed_size(small)
        old = small.with_name("before.sqlite3")
        shutil.copy(small, old)
        inflate(old)
        before = vacuumed_size(old)
        inflate(small.with_name("setup.sqlite3"))
        base_before = vacuumed_size(small.with_name("setup.sqlite3"))
        per_before = (before - base_before) / b_logged / 1024
        per_small_after = (b_after - b_base) / b_logged / 1024
        print(f"before (whole versions, {args.before_clients} clients): {before / 1e6:.1f} MB, "
              f"{per_before:.1f} KB per logged session (after: {per_small_after:.1f} KB on the same year)")  # fmt: skip
        met = per_after <= TARGET_KB
        print(f"ratio {per_before / per_small_after:.1f}x; target <= {TARGET_KB:g} KB: "
              f"{'met' if met else 'NOT met'}")  # fmt: skip
        if args.json:
            args.json.write_text(json.dumps({
                "clients": args.clients, "weeks": args.weeks, "logged": logged,
                "versions": n_versions, "seconds": elapsed, "db_mb": after / 1e6,
                "kb_per_log_after": per_after, "before_clients": args.before_clients,
                "kb_per_log_before": per_before, "kb_per_log_after_small": per_small_after,
                "target_met": met, "load_before": load0, "load_after": os.getloadavg()[0],
            }, indent=2))  # fmt: skip
        return 0 if met else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
