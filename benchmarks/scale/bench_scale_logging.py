"""Logging at 100 concurrent clients: SQLite with 1 worker, PostgreSQL with 1, 2 and 4.

Each configuration runs `upperback serve --workers N` on 127.0.0.1 over a copy of one
prepared database (100 clients with programs), then:
- burst: every client reads its next session and logs it, 4 times, all at once;
- paced: the same at 20 logs/s over all clients (exponential think times);
- duplicates: 20 clients each send the same log twice at the same moment (to whichever
  workers take them): exactly one must be stored, the other refused (409).
Checks: every accepted log is in the database (0 lost), no (client, plan, week, index)
stored twice (0 duplicated). The PostgreSQL server is a throw-away cluster from the
package's binaries (tests/pg_server.py), durable (fsync on), like SQLite's file.

Reported per run: achieved logs/s, p50/p99 of the logging POSTs, errors, lost and
duplicated writes, and the load average (1 min) before and after: on a shared machine the
latencies measure the neighbours as much as the server.

Usage: python benchmarks/scale/bench_scale_logging.py [--clients 100] [--sessions 4]
       [--rate 20] [--configs sqlite:1,postgresql:1,postgresql:2,postgresql:4] [--json out]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "web"), str(HERE.parents[1] / "tests")]

from bench_logging import prepare  # noqa: E402
from server_load import bench_headers, build_log, free_port, pct, run_load, stop  # noqa: E402

SECRET = "bench-secret-key-0123456789abcdef"
# One kept-alive connection per simulated client, as a phone keeps one (a connection
# stays with the worker that accepted it). A fresh connection per request cost the load
# generator, on the same two cores, 5-17 ms of CPU per log with httpx (1.3 ms with
# aiohttp). Long timeouts for PostgreSQL x4 bursts.
LOAD: dict[str, Any] = {"timeout": 120, "keepalive": True}


def start_server(url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "UPPERBACK_SECRET_KEY": SECRET}
    cmd = [sys.executable, "-m", "upperback.cli", "serve", "--db", url, "--port", str(port)]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    # stderr to a file, not a pipe nobody drains: the workers' access logs filled a 64 KB
    # pipe and blocked them (the 4-worker run hung in pipe_write)
    err_log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err_log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/login", timeout=2)
            time.sleep(2.0 if workers > 1 else 0.2)  # let every worker finish starting
            return proc, base
        except httpx.HTTPError:
            if proc.poll() is not None:
                err_log.seek(0)
                err = err_log.read().decode(errors="replace")[-300:]
                raise RuntimeError(err) from None
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server process and its worker processes."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    return _cpu_of(procs)


def _cpu_of(procs: list[Any]) -> float:
    """User + system CPU seconds of live processes (one that has exited counts 0)."""
    import psutil

    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def pg_cpu(pg: Any) -> float:
    """CPU seconds used so far by the PostgreSQL server: the postmaster, its live processes
    (backends, WAL writer, checkpointer) and the backends that have already exited (reaped
    by the postmaster, so counted in its children's times)."""
    import psutil

    try:
        pid = int((pg.data / "db" / "postmaster.pid").read_text().split()[0])
        root = psutil.Process(pid)
        t = root.cpu_times()
        total = t.user + t.system + t.children_user + t.children_system
        procs = root.children(recursive=True)
    except (OSError, ValueError, psutil.Error):
        return 0.0
    return float(total) + _cpu_of(procs)


async def duplicates(base: str, ids: list[int]) -> tuple[int, int]:
    """(clients whose double send stored one log, clients where it did not)."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        headers = await bench_headers(http)
        good = bad = 0
        for cid in ids:
            nxt = await http.get(f"/api/v1/clients/{cid}/next", headers=headers)
            if nxt.status_code != 200 or nxt.json()["session"] is None:
                bad += 1
                continue
            body = build_log(nxt.json(), 99)
            codes = sorted(
                r.status_code
                for r in await asyncio.gather(
                    *(
                        http.post(f"/api/v1/clients/{cid}/sessions", headers=headers, json=body)
                        for _ in range(2)
                    )
                )
            )
            good += codes == [201, 409]
            bad += codes != [201, 409]
        return good, bad


def stored(url: str) -> tuple[set[tuple[int, int, int]], int]:
    """Stored (client, week, index) of the benchmark's plan, and how many are duplicated."""
    from sqlalchemy import create_engine, text

    from upperback.services.database import database_url

    engine = create_engine(database_url(url).replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = list(
            conn.execute(text('SELECT client_id, plan_start, week, "index" FROM session_log'))
        )
    engine.dispose()
    keys = [(r[0], r[2], r[3]) for r in rows]
    full = [(r[0], r[1], r[2], r[3]) for r in rows]
    return set(keys), len(full) - len(set(full))


def run_config(
    kind: str, workers: int, url: str, ids: list[int], n: int, rate: float, pg: Any = None
) -> dict[str, Any]:
    proc, base = start_server(url, workers)
    result: dict[str, Any] = {"config": f"{kind} x{workers}", "load_before": os.getloadavg()[0]}
    try:
        # warm-up, not measured: the first logs in each worker compile statements and
        # validators. 8 connections per worker, so that every worker gets some (each
        # connection stays with the worker that accepted it); was 2 per worker, which left
        # a worker cold now and then and charged its warm-up to the burst
        asyncio.run(run_load(base, ids[-8 * workers :], 1, 0.0, **LOAD))
        for label, r in (("burst", 0.0), ("paced", rate)):
            cpu0, mine0 = server_cpu(proc.pid), time.process_time()
            db0 = pg_cpu(pg) if pg is not None else 0.0
            out = asyncio.run(run_load(base, ids, n, r, **LOAD))
            cpu, mine = server_cpu(proc.pid) - cpu0, time.process_time() - mine0
            db_cpu = pg_cpu(pg) - db0 if pg is not None else 0.0
            lat = [x * 1000 for x in out["latency"]]
            result[label] = {
                # web server processes' CPU per logged session (its GET /next included):
                # robust on a loaded machine, unlike the latencies
                "server_cpu_ms_per_log": 1000 * cpu / max(1, len(lat)),
                # the load generator's own CPU (on 2 cores it competes with the server)
                "client_cpu_ms_per_log": 1000 * mine / max(1, len(lat)),
                # the PostgreSQL server's processes (0 on SQLite: its work is in the server)
                "db_cpu_ms_per_log": 1000 * db_cpu / max(1, len(lat)),
                "n": len(lat),
                "p50": statistics.median(lat) if lat else float("nan"),
                "p99": pct(lat, 0.99) if lat else float("nan"),
                "rate": len(lat) / out["wall"][0],
                "errors": len(out["errors"]),
                "accepted": set(out["accepted"]),
            }
            if out["errors"]:
                result[label]["first_error"] = out["errors"][0]
        result["dup_ok"], result["dup_bad"] = asyncio.run(duplicates(base, ids[:20]))
    finally:
        stop(proc, timeout=30)
    keys, duplicated = stored(url)
    accepted = result["burst"]["accepted"] | result["paced"]["accepted"]
    result["lost"] = len(accepted - keys)
    result["duplicated"] = duplicated
    result["load_after"] = os.getloadavg()[0]
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--sessions", type=int, default=4)
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--configs", default="sqlite:1,postgresql:1,postgresql:2,postgresql:4")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    configs = [(c.split(":")[0], int(c.split(":")[1])) for c in args.configs.split(",")]
    import pg_server

    tmp = Path(tempfile.mkdtemp(prefix="upperback-scale-"))
    pg = None
    results = []
    try:
        today = dt.date.today()
        template = tmp / "template.sqlite3"
        t = time.perf_counter()
        ids = prepare(template, args.clients, today)
        print(
            f"prepared {len(ids)} clients (SQLite) in {time.perf_counter() - t:.0f} s", flush=True
        )
        if any(k == "postgresql" for k, _ in configs):
            pg = pg_server.start(durable=True, max_connections=300)
            name = pg.create_database("tmpl")
            t = time.perf_counter()
            pg_ids = prepare(pg.url(name), args.clients, today)  # type: ignore[arg-type]
            assert pg_ids == ids
            print(
                f"prepared {len(ids)} clients (PostgreSQL) in {time.perf_counter() - t:.0f} s",
                flush=True,
            )
        for i, (kind, workers) in enumerate(configs):
            if kind == "sqlite":
                path = tmp / f"run{i}.sqlite3"
                shutil.copy(template, path)
                url = str(path)
            else:
                assert pg is not None
                url = pg.url(pg.create_database("run", template=name))
            res = run_config(
                kind,
                workers,
                url,
                ids,
                args.sessions,
                args.rate,
                pg if kind == "postgresql" else None,
            )
            results.append(res)
            b, p = res["burst"], res["paced"]
            print(
                f"{res['config']:<14} (load average {res['load_before']:.1f} -> {res['load_after']:.1f}) "
                f"errors {b['errors'] + p['errors']}, lost {res['lost']}, duplicated {res['duplicated']}, "
                f"same log twice: {res['dup_ok']} stored once, {res['dup_bad']} not",
                flush=True,
            )
            for label, r in (("burst", b), ("paced", p)):
                print(f"  {label}: {r['rate']:5.1f} logs/s, p50 {r['p50']:6.1f} ms, p99 {r['p99']:7.1f} ms | "
                      f"CPU per log: server {r['server_cpu_ms_per_log']:4.1f} ms, load generator "
                      f"{r['client_cpu_ms_per_log']:4.1f} ms, PostgreSQL {r['db_cpu_ms_per_log']:4.1f} ms",
                      flush=True)  # fmt: skip
            for label in ("burst", "paced"):
                if "first_error" in res[label]:
                    print(f"  {label} error: {res[label]['first_error']}")
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    pg1 = next((r for r in results if r["config"] == "postgresql x1"), None)
    pg2 = next((r for r in results if r["config"] == "postgresql x2"), None)
    if pg1 and pg2:
        print(
            f"PostgreSQL 2 workers / 1 worker (burst logs/s): {pg2['burst']['rate'] / pg1['burst']['rate']:.2f}x (target >= 1.5)"
        )
    ok = all(r["lost"] == 0 and r["duplicated"] == 0 and r["dup_bad"] == 0 for r in results)
    print(f"0 lost, 0 duplicated, one copy of each double send: {'met' if ok else 'NOT met'}")
    if args.json:
        for r in results:
            for label in ("burst", "paced"):
                r[label].pop("accepted", None)
        summary = {
            "clients": args.clients, "sessions": args.sessions, "rate": args.rate,
            "runs": results, "all_writes_ok": ok,
            "pg2_over_pg1": pg2["burst"]["rate"] / pg1["burst"]["rate"] if pg1 and pg2 else None,
        }  # fmt: skip
        args.json.write_text(json.dumps(summary, indent=2, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
