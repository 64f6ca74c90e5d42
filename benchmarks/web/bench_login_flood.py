"""Does a login flood slow another user's writes? (issue 13: target median < 100 ms)

One uvicorn server (one worker, embedded SQLite) on loopback. A clinician creates clients
(a small write: POST /api/v1/clients) one after another and we time each write:
  1. quiet: nobody else on the server;
  2. flood from one address: 8 concurrent anonymous login attempts, non-stop (the
     per-address limiter answers 429 after 20 failures, so few argon2 hashes run);
  3. distributed flood: the same, but every attempt through a trusted proxy with a fresh
     X-Forwarded-For and a fresh username, so each one costs a full argon2 verification
     (the worst case for hashing).
Reports the median and p90 of the clinician's write latency per phase and the ratio to
quiet. `--src DIR` runs the server from another checkout (e.g. /work/main/src, which had
one application-wide write lock held during hashing) for a side-by-side figure.

Usage: python benchmarks/web/bench_login_flood.py [--writes 40] [--flooders 8] [--src DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server_load import BENCH_USER, start_app_server
from server_load import stop as stop_server

SECRET = "bench-secret-key-0123456789"


def prepare(db_path: Path, src: str | None) -> None:
    code = (
        "from upperback.services.database import Database;"
        "from upperback.services import accounts;"
        f"db = Database.open({str(db_path)!r});"
        "accounts.create_clinician_account(db, 'Bench Clinician', 'bench', 'bench-password');"
        "db.close()"
    )
    subprocess.run([sys.executable, "-c", code], env=_env(src), check=True)


def _env(src: str | None) -> dict[str, str]:
    env = {**os.environ, "UPPERBACK_SECRET_KEY": SECRET, "UPPERBACK_TRUSTED_PROXIES": "127.0.0.1"}
    if src:
        env["PYTHONPATH"] = src
    return env


async def flooder(
    http: httpx.AsyncClient, stop: asyncio.Event, distributed: bool, k: int, counts: dict[int, int]
) -> None:
    i = 0
    while not stop.is_set():
        i += 1
        headers = {"X-Forwarded-For": f"10.{k}.{i // 250 % 250}.{i % 250}"} if distributed else {}
        user = f"guess{k}-{i}" if distributed else "bench"
        try:
            r = await http.post(
                "/api/v1/auth/token",
                data={"username": user, "password": f"wrong-{i}"},
                headers=headers,
            )
            counts[r.status_code] = counts.get(r.status_code, 0) + 1
        except httpx.HTTPError:
            counts[-1] = counts.get(-1, 0) + 1


async def phase(
    base: str, token: str, n_writes: int, flooders: int, mode: str
) -> tuple[list[float], dict[int, int]]:
    stop = asyncio.Event()
    counts: dict[int, int] = {}
    limits = httpx.Limits(max_connections=flooders + 4)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        tasks = [
            asyncio.create_task(flooder(http, stop, mode == "distributed", k, counts))
            for k in range(flooders if mode != "quiet" else 0)
        ]
        await asyncio.sleep(1.0 if tasks else 0)
        lat = []
        headers = {"Authorization": f"Bearer {token}"}
        for i in range(n_writes):
            t = time.perf_counter()
            r = await http.post(
                "/api/v1/clients",
                json={"name": f"W {mode} {i}", "sex": "female", "birth_year": 1980},
                headers=headers,
            )
            lat.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 201, r.text
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.gather(*tasks)
    return lat, counts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--writes", type=int, default=40)
    ap.add_argument("--flooders", type=int, default=8)
    ap.add_argument("--src", default=None, help="run the server from this source tree")
    args = ap.parse_args()
    db_path = Path(tempfile.mkdtemp(prefix="upperback-flood-")) / "flood.sqlite3"
    prepare(db_path, args.src)
    server, base = start_app_server(db_path, _env(args.src), tries=300)
    try:
        r = httpx.post(base + "/api/v1/auth/token", data=BENCH_USER)
        token = r.json()["access_token"]
        print(
            f"server from {args.src or 'this checkout'}; {args.flooders} flooders; {args.writes} timed writes per phase"
        )
        quiet_median = None
        for mode in ("quiet", "one-address", "distributed"):
            lat, counts = asyncio.run(phase(base, token, args.writes, args.flooders, mode))
            med = statistics.median(lat)
            p90 = sorted(lat)[int(0.9 * (len(lat) - 1))]
            quiet_median = quiet_median or med
            print(
                f"{mode:12s} write ms: median {med:7.1f}  p90 {p90:7.1f}  max {max(lat):7.1f}  "
                f"x{med / quiet_median:5.1f} of quiet; login replies {dict(sorted(counts.items()))}"
            )
    finally:
        stop_server(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
