"""FHIR export and import beside upperback's own JSON export/import, on the seeded demo.

Times (median of --repeat runs, warm) and sizes for: the FHIR Bundle of one client vs the
native export of the clinician's records; the FHIR import (replayed through the use cases in
one transaction) vs the native import (rows copied). Ratios FHIR / native.

Usage: python benchmarks/interop/bench_fhir.py [--weeks 6] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    from upperback.services import clients, fhir, transfer
    from upperback.services.database import Database
    from upperback.services.demo import run_demo

    ap = argparse.ArgumentParser()
    ap.add_argument("--weeks", type=int, default=6)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "demo.sqlite3")
        report = run_demo(db, start=dt.date(2026, 1, 5), seed=7, weeks=args.weeks)
        actor, cid = report.actor, report.client.id
        t_fhir, bundle = timed(lambda: fhir.export_fhir(db, actor, cid), args.repeat)
        t_native, native = timed(lambda: transfer.export_records(db, actor), args.repeat)
        imports, native_imports = [], []
        for i in range(args.repeat):
            target = Database.open(Path(tmp) / f"fhir{i}.sqlite3")
            who = clients.ensure_clinician(target, actor.name)
            t = time.perf_counter()
            fhir.import_fhir(target, who, bundle, today=dt.date(2026, 6, 1))
            imports.append(time.perf_counter() - t)
            target.close()
            plain = Database.open(Path(tmp) / f"native{i}.sqlite3")
            t = time.perf_counter()
            transfer.import_records(plain, native)
            native_imports.append(time.perf_counter() - t)
            plain.close()
        t_imp, t_nimp = statistics.median(imports), statistics.median(native_imports)
        size_fhir, size_native = len(json.dumps(bundle)), len(json.dumps(native))
        print(
            f"demo client, {args.weeks} weeks: {len(bundle['entry'])} FHIR resources, {report.logged} logs"
        )
        print(f"{'':18}{'FHIR':>10}{'native':>10}{'ratio':>8}")
        print(f"{'export s':18}{t_fhir:10.3f}{t_native:10.3f}{t_fhir / t_native:8.1f}")
        print(f"{'import s':18}{t_imp:10.3f}{t_nimp:10.3f}{t_imp / t_nimp:8.1f}")
        print(
            f"{'size kB':18}{size_fhir / 1e3:10.0f}{size_native / 1e3:10.0f}{size_fhir / size_native:8.1f}"
        )
        db.close()


if __name__ == "__main__":
    main()
