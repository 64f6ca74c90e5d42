"""What the server benchmarks share: a free loopback port, a real uvicorn server in a
subprocess (started, waited for, stopped), clients seeded through the services (screened,
assessed, planned), and simulated phones that read their next session and log it, timed.

Scripts in benchmarks/<area>/ import it after putting benchmarks/ on sys.path.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import httpx

BENCH_USER = {"username": "bench", "password": "bench-password"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app_server(
    db_path: Path, env: Mapping[str, str], *, tries: int = 200
) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn (one worker) serving `create_app(db_path)` on a free port; waits for /login
    (up to `tries` x 0.1 s) and returns the process and the base URL."""
    port = free_port()
    code = (
        "import uvicorn, warnings; warnings.simplefilter('ignore');"
        "from upperback.web import create_app;"
        f"uvicorn.run(create_app({str(db_path)!r}), host='127.0.0.1', port={port}, log_level='warning')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=dict(env))
    base = f"http://127.0.0.1:{port}"
    for _ in range(tries):
        try:
            httpx.get(base + "/login", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    return proc, base


def stop(proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Terminate the server; kill it if it does not exit within `timeout` s."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def seed_planned_clients(
    db: Any,
    actor: Any,
    n_clients: int,
    start: dt.date,
    *,
    name: str,
    birth_year: Callable[[int], int],
    history_days: int,
) -> list[int]:
    """n clients added on `start`, each with an intake and an assessment `history_days`
    earlier and a program from `start` (seed = client number): their ids."""
    from upperback.model.client import ClientIn
    from upperback.model.common import Sex
    from upperback.services import assessment, clients, preface, program
    from upperback.services.demo import demo_assessment, demo_intake

    ids = []
    before = start - dt.timedelta(days=history_days)
    for i in range(n_clients):
        c = clients.add_client(
            db,
            actor,
            ClientIn(name=name.format(i=i), sex=Sex.female, birth_year=birth_year(i)),
            today=start,
        )
        preface.record_intake(db, actor, c.id, demo_intake(before))
        assessment.record_assessment(db, actor, c.id, demo_assessment(before, 0.0))
        program.plan_program(db, actor, c.id, start_date=start, seed=i)
        ids.append(c.id)
    return ids


def build_log(nxt: dict[str, Any], k: int) -> dict[str, Any]:
    """The session log a phone would send for the next session it was shown."""
    s = nxt["session"]
    sets = [
        {"exercise_id": p["exercise_id"], "set_index": j, "reps": p["reps"], "hold_s": p["hold_s"],
         "load_kg": p["load_kg"], "level": p["level"], "rpe": p["rpe_target"], "pain_during": 1}
        for p in s["prescriptions"] for j in range(1, p["sets"] + 1)
    ]  # fmt: skip
    return {"date": nxt["session_date"], "week": s["week"], "index": s["index"], "sets": sets,
            "pain_next_morning": 1, "notes": f"load test {k}"}  # fmt: skip


async def bench_headers(http: httpx.AsyncClient) -> dict[str, str]:
    """Bearer header of the benchmark clinician."""
    r = await http.post("/api/v1/auth/token", data=BENCH_USER)
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def token_header(base: str) -> dict[str, str]:
    """Bearer header of the benchmark clinician (one request on its own connection)."""
    async with (
        aiohttp.ClientSession(base) as http,
        http.post("/api/v1/auth/token", data=BENCH_USER) as r,
    ):
        token = (await r.json())["access_token"]
    return {"Authorization": f"Bearer {token}"}


def phone(base: str, timeout: float, keepalive: bool) -> aiohttp.ClientSession:
    """One simulated phone's HTTP client: its own single connection, kept alive between
    requests as a phone's is (or, `keepalive=False`, a fresh TCP connection per request).
    aiohttp, not httpx: httpx's pool cost 5-14 ms of CPU per logged session here, on the
    cores the server needs (measured)."""
    connector = aiohttp.TCPConnector(limit=1, force_close=not keepalive)
    return aiohttp.ClientSession(
        base,
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=timeout),
        json_serialize=lambda obj: json.dumps(obj, separators=(",", ":")),
    )


async def simulated_client(
    http: aiohttp.ClientSession,
    cid: int,
    n: int,
    headers: dict[str, str],
    out: dict[str, list[Any]],
    think_s: float,
    deadline: float = float("inf"),
    schedule: list[float] | None = None,
) -> None:
    """Read the next session and log it, n times: at the `schedule`d moments (monotonic
    clock; a late one goes at once), else after an exponential think time; the POST is
    timed; a dropped connection is an error, not a crash."""
    rng = random.Random(cid)
    for k in range(n):
        if schedule is not None:
            await asyncio.sleep(max(0.0, schedule[k] - time.monotonic()))
        elif think_s > 0:
            await asyncio.sleep(rng.expovariate(1 / think_s))
        if time.monotonic() > deadline:
            return
        try:
            async with http.get(f"/api/v1/clients/{cid}/next", headers=headers) as r:
                nxt = await r.json() if r.status == 200 else None
            if nxt is None or nxt["session"] is None:
                out["errors"].append(f"next {cid}: {r.status}")
                return
            body = build_log(nxt, k)
            t0 = time.perf_counter()
            async with http.post(
                f"/api/v1/clients/{cid}/sessions", headers=headers, json=body
            ) as r:
                text = await r.text()
            elapsed = time.perf_counter() - t0
        except (TimeoutError, aiohttp.ClientError) as exc:
            out["errors"].append(f"client {cid}: {type(exc).__name__}")
            return
        out["latency"].append(elapsed)
        if r.status == 201:
            out["accepted"].append((cid, body["week"], body["index"]))
        else:
            out["errors"].append(f"log {cid}: {r.status} {text[:120]}")


async def run_load(
    base: str,
    ids: list[int],
    n: int,
    rate: float,
    *,
    timeout: float = 60,
    keepalive: bool = True,
    time_limit: float = float("inf"),
) -> dict[str, list[Any]]:
    """All clients at once, n logs each: latencies (s), accepted (client, week, index),
    errors and the wall time (first request to last answer).

    Each simulated client has its own connection (kept alive unless `keepalive=False`).
    `rate` 0 is a burst (every client at once). Otherwise paced, open loop: n x clients
    arrivals at `rate` per second on average (Poisson: exponential gaps), dealt to the
    clients in turn, each client logging at its arrival times (or as soon as its previous
    log is answered, if the server falls behind) - the achieved rate shows whether it kept up.
    """
    out: dict[str, list[Any]] = {"latency": [], "accepted": [], "errors": []}
    headers = await token_header(base)
    phones = [phone(base, timeout, keepalive) for _ in ids]
    try:
        deadline = time.monotonic() + time_limit
        schedules: dict[int, list[float]] | None = None
        if rate:
            rng, at = random.Random(len(ids) * 1000 + n), time.monotonic() + 0.2
            schedules = {cid: [] for cid in ids}
            for k in range(n * len(ids)):
                at += rng.expovariate(rate)
                schedules[ids[k % len(ids)]].append(at)
        t0 = time.perf_counter()
        await asyncio.gather(
            *(
                simulated_client(
                    http, cid, n, headers, out, 0.0, deadline, schedules[cid] if schedules else None
                )
                for http, cid in zip(phones, ids, strict=True)
            )
        )
        out["wall"] = [time.perf_counter() - t0 - (0.2 if rate else 0.0)]
    finally:
        await asyncio.gather(*(p.close() for p in phones))
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
