"""Cohort sEMG: the full analysis over many long recordings, serial vs a local Dask cluster.

Recordings are generated into a temporary folder at benchmark time (8 channels, 2 kHz,
10 minutes by default, 16-bit EDF+ written with pyedflib): a few base minutes
from the project's synthetic generator, tiled to length with a per-file gain and fresh
noise, so every file differs. One file is corrupt on purpose: it must be reported and the
rest must go on. Serial = one process analysing the files one after another through the
same task function; Dask = `services.cohort.cohort_emg` on a LocalCluster of N processes.
Scaling efficiency = serial time / (N x Dask time).

Usage: python benchmarks/scale/bench_cohort_emg.py [--recordings 200] [--minutes 10]
       [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

CHANNELS = ("UT_R", "MT_R", "LT_R", "SA_R", "UT_L", "MT_L", "LT_L", "SA_L")
FS = 2000.0
BASE_S = 60.0


def make_recordings(folder: Path, n: int, minutes: float, seed: int = 0) -> list[Path]:
    import pyedflib

    from upperback.emg.synthetic import generate

    rng = np.random.default_rng(seed)
    bases = [
        generate(np.random.default_rng(seed + k), fs=FS, duration_s=BASE_S, channels=CHANNELS)[
            0
        ].data
        for k in range(2)
    ]
    reps = max(1, round(minutes * 60 / BASE_S))
    paths = []
    for i in range(n):
        base = bases[i % len(bases)]
        data = np.tile(base, reps) * (rng.uniform(0.7, 1.3) * 1e6)  # in microvolts
        data += rng.normal(0.0, 2.0, size=data.shape)
        path = folder / f"rec_{i:04d}.edf"
        headers = []
        for ch in CHANNELS:
            lim = round(float(np.abs(data).max()) * 1.05, 1)  # EDF keeps 8 characters
            headers.append(
                {"label": ch, "dimension": "uV", "sample_frequency": FS,
                 "physical_max": lim, "physical_min": -lim,
                 "digital_max": 32767, "digital_min": -32768}
            )  # fmt: skip
        with pyedflib.EdfWriter(str(path), len(CHANNELS), file_type=pyedflib.FILETYPE_EDFPLUS) as w:
            w.setSignalHeaders(headers)
            w.writeSamples(list(data))
        paths.append(path)
    bad = folder / "rec_corrupt.edf"
    bad.write_bytes(paths[0].read_bytes()[:4000])  # truncated: header only
    return [*paths, bad]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recordings", type=int, default=200)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    from upperback.services import clients
    from upperback.services.cohort import analyze_path, cohort_emg, dask_client
    from upperback.services.database import Database

    tmp = Path(tempfile.mkdtemp(prefix="upperback-cohort-"))
    try:
        t = time.perf_counter()
        (tmp / "rec").mkdir()
        paths = make_recordings(tmp / "rec", args.recordings, args.minutes)
        size = sum(p.stat().st_size for p in paths) / 1e6
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
              f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"generated {len(paths)} files ({args.recordings} x {len(CHANNELS)} ch, {FS:g} Hz, "
              f"{args.minutes:g} min; 1 corrupt), {size:.0f} MB in {time.perf_counter() - t:.0f} s")  # fmt: skip
        t = time.perf_counter()
        serial = [analyze_path(str(p)) for p in paths]
        t_serial = time.perf_counter() - t
        failed_serial = [r for r in serial if not r["ok"]]
        db = Database.open(tmp / "cohort.sqlite3")
        actor = clients.ensure_clinician(db, "Bench Clinician")
        t = time.perf_counter()
        with dask_client(workers=args.workers) as client:  # started once, as a cluster would be
            t_start = time.perf_counter() - t
            t = time.perf_counter()
            res = cohort_emg(
                db,
                actor,
                paths,
                parquet=tmp / "cohort.parquet",
                scheduler=client.scheduler.address,
            )
            t_dask = time.perf_counter() - t
        db.close()
        eff = t_serial / (args.workers * t_dask)
        n = len(paths)
        print(
            f"serial:  {t_serial:7.1f} s  ({n / t_serial:.2f} recordings/s, {len(failed_serial)} failed)"
        )
        print(f"dask x{args.workers}: {t_dask:7.1f} s  ({n / t_dask:.2f} recordings/s, {len(res.failed)} failed; "
              f"cluster start-up {t_start:.1f} s not included)")  # fmt: skip
        print(f"speed-up {t_serial / t_dask:.2f}x, scaling efficiency {eff:.2f} (target >= 0.8)")
        for r in res.failed:
            print(f"  reported: {r['error']}")
        same = sorted(r["path"] for r in serial if r["ok"]) == sorted(
            r["path"] for r in res.results if r["ok"]
        )
        print(f"same recordings analysed serially and on Dask: {same}")
        return 0 if same and len(res.failed) == 1 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
