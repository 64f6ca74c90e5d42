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
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

TIME_LIMIT_S = 240.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(db_path: Path, n_clients: int, today: dt.date) -> list[int]:
    """A clinician with n clients, each screened, assessed and with a program (no HTTP)."""
    from upperback.model.client import ClientIn
    from upperback.model.common import Sex
    from upperback.services import accounts, assessment, clients, preface, program
    from upperback.services.database import Database
    from upperback.services.demo import demo_assessment, demo_intake

    db = Database.open(db_path)
    acc = accounts.create_clinician_account(db, "Bench Clinician", "bench", "bench-password")
    actor = acc.actor()
    ids = []
    start = today - dt.timedelta(days=1)
    for i in range(n_clients):
        c = clients.add_client(
            db,
            actor,
            ClientIn(name=f"Load client {i}", sex=Sex.female, birth_year=1985),
            today=start,
        )
        preface.record_intake(db, actor, c.id, demo_intake(start - dt.timedelta(days=2)))
        assessment.record_assessment(
            db, actor, c.id, demo_assessment(start - dt.timedelta(days=2), 0.0)
        )
        program.plan_program(db, actor, c.id, start_date=start, seed=i)
        ids.append(c.id)
    db.close()
    return ids


def build_log(nxt: dict[str, Any], k: int) -> dict[str, Any]:
    s = nxt["session"]
    sets = [
        {"exercise_id": p["exercise_id"], "set_index": j, "reps": p["reps"], "hold_s": p["hold_s"],
         "load_kg": p["load_kg"], "level": p["level"], "rpe": p["rpe_target"], "pain_during": 1}
        for p in s["prescriptions"] for j in range(1, p["sets"] + 1)
    ]  # fmt: skip
    return {"date": nxt["session_date"], "week": s["week"], "index": s["index"], "sets": sets,
            "pain_next_morning": 1, "notes": f"load test {k}"}  # fmt: skip


async def simulated_client(
    http: httpx.AsyncClient,
    cid: int,
    n: int,
    headers: dict[str, str],
    out: dict[str, list[Any]],
    deadline: float,
    mean_think_s: float,
) -> None:
    rng = random.Random(cid)
    for k in range(n):
        if mean_think_s > 0:
            await asyncio.sleep(rng.expovariate(1 / mean_think_s))
        if time.monotonic() > deadline:
            return
        r = await http.get(f"/api/v1/clients/{cid}/next", headers=headers)
        if r.status_code != 200 or r.json()["session"] is None:
            out["errors"].append(f"next {cid}: {r.status_code}")
            return
        body = build_log(r.json(), k)
        t0 = time.perf_counter()
        r = await http.post(f"/api/v1/clients/{cid}/sessions", headers=headers, json=body)
        out["latency"].append(time.perf_counter() - t0)
        if r.status_code == 201:
            out["accepted"].append((cid, body["week"], body["index"]))
        else:
            out["errors"].append(f"log {cid}: {r.status_code} {r.text[:120]}")


async def run_load(base: str, ids: list[int], n: int, rate: float) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {"latency": [], "accepted": [], "errors": []}
    limits = httpx.Limits(max_connections=len(ids), max_keepalive_connections=len(ids))
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        r = await http.post(
            "/api/v1/auth/token", data={"username": "bench", "password": "bench-password"}
        )
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        deadline = time.monotonic() + TIME_LIMIT_S
        t0 = time.perf_counter()
        await asyncio.gather(
            *(
                simulated_client(
                    http, cid, n, headers, out, deadline, len(ids) / rate if rate else 0.0
                )
                for cid in ids
            )
        )
        out["wall"] = [time.perf_counter() - t0]
    return out


def count_logs(db_path: Path) -> set[tuple[int, int, int]]:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        return {tuple(r) for r in conn.execute('SELECT client_id, week, "index" FROM session_log')}  # type: ignore[misc]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


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
    port = free_port()
    env = {**os.environ, "UPPERBACK_SECRET_KEY": "bench-secret-key-0123456789"}
    code = (
        "import uvicorn, warnings; warnings.simplefilter('ignore');"
        "from upperback.web import create_app;"
        f"uvicorn.run(create_app({str(db_path)!r}), host='127.0.0.1', port={port}, log_level='warning')"
    )
    server = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        out = asyncio.run(run_load(base, ids, n_sessions, rate))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
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
