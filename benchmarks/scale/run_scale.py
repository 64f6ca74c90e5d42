"""The whole scale-out benchmark set in one command: one JSON file and one table.

Runs, one after another (never side by side, so they do not load each other):
1. log_cpu       CPU per logged session in-process, SQLite and PostgreSQL (bench_log_cpu)
2. logging       100 clients on `upperback serve`: burst and paced 20 logs/s; SQLite x1,
                 PostgreSQL x1, x2, x4; lost / duplicated writes (bench_scale_logging)
3. cohort_emg    200 recordings of 8 ch, 2 kHz, 10 min: serial vs local Dask x2
                 (bench_cohort_emg; recordings cached in artifacts/cohort-recordings)
4. storage       100 clients x 52 weeks x 3 logs/week on SQLite: growth per log (bench_storage)

Usage: python benchmarks/scale/run_scale.py [--quick] [--only log_cpu,logging,...]
       [--out artifacts/bench/scale.json]
Full set: about 30-40 min on an idle 2-core machine (first run +10 min to generate 3.9 GB of
recordings); `--quick` (small sizes, same code paths): about 3 min. The machine (cores,
RAM, load average before and after each part) goes into the JSON with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

FULL: dict[str, list[str]] = {
    "log_cpu": ["bench_log_cpu.py", "--logs", "500", "--clients", "50"],
    "logging": ["bench_scale_logging.py", "--clients", "100", "--sessions", "4", "--rate", "20"],
    "cohort_emg": ["bench_cohort_emg.py", "--recordings", "200", "--minutes", "10", "--workers", "2"],
    "storage": ["bench_storage.py", "--clients", "100", "--weeks", "52", "--before-clients", "10"],
}  # fmt: skip
QUICK: dict[str, list[str]] = {
    "log_cpu": ["bench_log_cpu.py", "--logs", "100", "--clients", "20"],
    "logging": ["bench_scale_logging.py", "--clients", "30", "--sessions", "2", "--rate", "20",
                "--configs", "sqlite:1,postgresql:1,postgresql:2"],
    "cohort_emg": ["bench_cohort_emg.py", "--recordings", "12", "--minutes", "1", "--workers", "2"],
    "storage": ["bench_storage.py", "--clients", "4", "--weeks", "12", "--before-clients", "2"],
}  # fmt: skip


def ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def table(results: dict[str, Any]) -> list[str]:
    """Key figures against the issue's targets, one line each."""
    out = []
    c = results.get("log_cpu", {}).get("figures") or {}
    for db, r in c.items():
        read = r.get("read_cpu_ms_per_log")
        out.append(f"CPU per log, {db:<10}  {r['cpu_ms_per_log']:6.2f} ms  "
                   + (f"(+ {read:.2f} ms to read the next session) " if read is not None else "")
                   + f"({r['statements_per_log']:.0f} SQL statements)")  # fmt: skip
    lg = results.get("logging", {}).get("figures") or {}
    for r in lg.get("runs", []):
        out.append(f"{r['config']:<16} lost {r['lost']} dup {r['duplicated']} | load average "
                   f"{r['load_before']:.1f} -> {r['load_after']:.1f}")  # fmt: skip
        for label in ("burst", "paced"):
            x = r[label]
            nan = float("nan")
            out.append(f"  {label}: {x['rate']:5.1f} logs/s p50 {x['p50']:6.0f} ms p99 {x['p99']:6.0f} ms"
                       f"{' (target < 100)' if label == 'paced' else ''} | CPU per log: server "
                       f"{x.get('server_cpu_ms_per_log', nan):4.1f} ms, load generator "
                       f"{x.get('client_cpu_ms_per_log', nan):4.1f} ms, PostgreSQL "
                       f"{x.get('db_cpu_ms_per_log', nan):4.1f} ms")  # fmt: skip
    if lg.get("pg2_over_pg1") is not None:
        out.append(f"PostgreSQL 2 workers / 1 worker: {lg['pg2_over_pg1']:.2f}x (target >= 1.5)")
    e = results.get("cohort_emg", {}).get("figures") or {}
    if e:
        out.append(f"cohort sEMG {e['recordings']} x {e['minutes']:g} min: serial {e['serial_s']:.0f} s, "
                   f"Dask x{e['workers']} {e['dask_s']:.0f} s (+{e['startup_s']:.0f} s start-up), "
                   f"efficiency {e['efficiency']:.2f} (target >= 0.8)")  # fmt: skip
    s = results.get("storage", {}).get("figures") or {}
    if s:
        out.append(f"storage {s['clients']} clients x {s['weeks']} weeks ({s['logged']} logs): "
                   f"{s['kb_per_log_after']:.1f} KB/log (target <= 10), before "
                   f"{s['kb_per_log_before']:.1f} KB/log")  # fmt: skip
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, same code paths")
    ap.add_argument("--only", default=",".join(FULL), help="comma-separated parts to run")
    ap.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "scale.json")
    args = ap.parse_args()
    plan = QUICK if args.quick else FULL
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = [p for p in parts if p not in plan]
    if unknown:
        print(f"error: --only: unknown part {unknown[0]!r}; choose from {', '.join(plan)}")
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": {"arch": platform.machine(), "cores": os.cpu_count(), "ram_gb": ram_gb(),
                    "python": platform.python_version()},
        "quick": args.quick,
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }  # fmt: skip
    status = 0
    for part in parts:
        script, *rest = plan[part]
        fig = args.out.with_name(f"{args.out.stem}-{part}.json")
        fig.unlink(missing_ok=True)
        load0, t = os.getloadavg()[0], time.perf_counter()
        print(f"== {part}: {script} {' '.join(rest)}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / script), *rest, "--json", str(fig)])
        entry: dict[str, Any] = {
            "command": " ".join([script, *rest]),
            "exit": code,
            "wall_s": round(time.perf_counter() - t, 1),
            "load_before": load0,
            "load_after": os.getloadavg()[0],
        }
        if fig.exists():
            entry["figures"] = json.loads(fig.read_text())
        results[part] = entry
        status |= code
        args.out.write_text(json.dumps(results, indent=2, default=str))  # kept after each part
    print("\n== summary (" + ("quick" if args.quick else "full") + f"), written to {args.out}")
    m = results["machine"]
    print(f"machine: {m['arch']}, {m['cores']} cores, {m['ram_gb']} GB RAM")
    for line in table(results):
        print(line)
    for part in parts:
        r = results[part]
        print(f"{part}: exit {r['exit']}, {r['wall_s']:.0f} s, load average "
              f"{r['load_before']:.1f} -> {r['load_after']:.1f}")  # fmt: skip
    return status


if __name__ == "__main__":
    raise SystemExit(main())
