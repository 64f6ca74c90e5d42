"""Cohort sEMG: the full analysis over many long recordings, serial vs a local Dask cluster.

Recordings are generated into a temporary folder at benchmark time (8 channels, 2 kHz,
10 minutes by default, 16-bit EDF+ written with pyedflib): a few base minutes
from the project's synthetic generator, tiled to length with a per-file gain and fresh
noise, so every file differs. One file is corrupt on purpose: it must be reported and the
rest must go on. Serial = one process analysing the files one after another through the
same task function; Dask = `services.cohort.cohort_emg` on a LocalCluster of N processes.
Scaling efficiency = serial time / (N x Dask time).

Fair comparison: numerical libraries get one thread in both runs (OMP/OpenBLAS/MKL/numexpr
thread counts set to 1 here, before numpy loads; Dask's nanny does the same for its
workers), so the serial run cannot quietly use both cores. The cluster's start-up and
each worker's first imports are timed apart and stated, not counted in the Dask time.

CPU is counted per process and per file beside the wall times (wall figures on a shared
machine are noisy): the serial process, each Dask worker (with its EDF reader children) and
the client process (scheduler, nannies, client, database and Parquet). CPU efficiency =
serial CPU / all of Dask's CPU for the same files: the share of Dask's work that is the
analysis itself; on an otherwise idle machine the scaling efficiency approaches it. `--plain` adds the
ceiling: the same task function on N plain processes (a process pool, no Dask), so Dask's
own cost is the gap between the two.

The recordings are generated once into a cache folder (default
`artifacts/cohort-recordings/`, about 19 MB per 10-minute file: 200 files ~ 3.9 GB) and
reused by later runs; `--fresh` regenerates them.

Usage: python benchmarks/scale/bench_cohort_emg.py [--recordings 200] [--minutes 10]
       [--workers 2] [--plain] [--cache DIR] [--fresh] [--json out.json]
(fewer --recordings reuse the first files of the cache; nothing is regenerated)
"""

from __future__ import annotations

import os

for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
):
    os.environ[_var] = "1"  # before numpy is imported: one thread per process, as Dask's

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

CHANNELS = ("UT_R", "MT_R", "LT_R", "SA_R", "UT_L", "MT_L", "LT_L", "SA_L")
FS = 2000.0
BASE_S = 60.0


ROOT = Path(__file__).resolve().parents[2]


def make_recordings(folder: Path, n: int, minutes: float, seed: int = 0) -> list[Path]:
    """n recordings (+ 1 corrupt) in `folder`, reusing those a previous run made there."""
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
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        path = folder / f"rec_{minutes:g}min_{i:04d}.edf"
        gain = rng.uniform(0.7, 1.3)
        paths.append(path)
        if path.exists():
            continue
        base = bases[i % len(bases)]
        data = np.tile(base, reps) * (gain * 1e6)  # in microvolts
        data += np.random.default_rng(seed + 1000 + i).normal(0.0, 2.0, size=data.shape)
        tmp = path.with_suffix(".part")
        headers = []
        for ch in CHANNELS:
            lim = round(float(np.abs(data).max()) * 1.05, 1)  # EDF keeps 8 characters
            headers.append(
                {"label": ch, "dimension": "uV", "sample_frequency": FS,
                 "physical_max": lim, "physical_min": -lim,
                 "digital_max": 32767, "digital_min": -32768}
            )  # fmt: skip
        with pyedflib.EdfWriter(str(tmp), len(CHANNELS), file_type=pyedflib.FILETYPE_EDFPLUS) as w:
            w.setSignalHeaders(headers)
            w.writeSamples(list(data))
        tmp.replace(path)  # a run stopped mid-file leaves no half-written recording behind
    bad = folder / f"rec_{minutes:g}min_corrupt.edf"
    bad.write_bytes(paths[0].read_bytes()[:4000])  # truncated: header only
    return [*paths, bad]


def _cpu() -> float:
    """CPU seconds of this process, its finished children and its warm EDF reader server
    (whose forked readers are not this process's children)."""
    from upperback.emg.readers.isolated import reader_cpu_seconds

    t = os.times()
    return t.user + t.system + t.children_user + t.children_system + reader_cpu_seconds()


def _warm(path: str | None = None) -> int:
    """Run on each worker before timing: the task's modules imported once (and, with a
    path, one read so that the reader server is up), as in the serial run."""
    import upperback.emg
    import upperback.services.cohort

    if path is not None:
        upperback.services.cohort.analyze_path(path)
        time.sleep(0.5)  # a pool hands this to each of its processes, not twice to one
    return os.getpid()


def _timed(path: str) -> tuple[dict[str, object], float]:
    """The task function, with this process's CPU for it (for the plain pool)."""
    from upperback.services.cohort import analyze_path

    c0 = _cpu()
    res = analyze_path(path)
    return res, _cpu() - c0


def plain_pool(paths: list[Path], n: int) -> tuple[float, list[float], list[dict[str, object]]]:
    """The ceiling: the same task function on n spawned processes, no Dask (wall, CPU per
    file per process, results)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_warm, [str(paths[0])] * n))
        t = time.perf_counter()
        out = list(pool.map(_timed, [str(p) for p in paths]))
        wall = time.perf_counter() - t
    return wall, [c for _, c in out], [r for r, _ in out]


def _load() -> str:
    return open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recordings", type=int, default=200)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--cache", type=Path, default=ROOT / "artifacts" / "cohort-recordings")
    ap.add_argument("--fresh", action="store_true", help="regenerate the cached recordings")
    ap.add_argument("--plain", action="store_true", help="also run N plain processes, no Dask")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    import tempfile

    import pyarrow.parquet  # noqa: F401 (imported before timing, as in the workers)

    from upperback.emg import analyze_recording, read_recording  # noqa: F401
    from upperback.services import clients
    from upperback.services.cohort import analyze_path, cohort_emg, dask_client
    from upperback.services.database import Database

    if args.fresh:
        shutil.rmtree(args.cache, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix="upperback-cohort-"))
    try:
        t = time.perf_counter()
        paths = make_recordings(args.cache, args.recordings, args.minutes)
        size = sum(p.stat().st_size for p in paths) / 1e6
        load0 = os.getloadavg()[0]
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
              f"load average {load0:.1f}")  # fmt: skip
        print(f"recordings in {args.cache}: {len(paths)} files ({args.recordings} x {len(CHANNELS)} ch, "
              f"{FS:g} Hz, {args.minutes:g} min; 1 corrupt), {size:.0f} MB, ready in {time.perf_counter() - t:.0f} s")  # fmt: skip
        c0, t = _cpu(), time.perf_counter()
        first = analyze_path(str(paths[0]))
        one_cpu, one_wall = _cpu() - c0, time.perf_counter() - t
        assert first["ok"], first
        print(f"one recording: {one_wall:.2f} s wall, {one_cpu:.2f} s CPU; expected serial run "
              f"~{one_wall * len(paths) / 60:.0f} min", flush=True)  # fmt: skip
        n = len(paths)
        c0, t, la = _cpu(), time.perf_counter(), _load()
        serial = [analyze_path(str(p)) for p in paths]
        t_serial, cpu_serial = time.perf_counter() - t, _cpu() - c0
        failed_serial = [r for r in serial if not r["ok"]]
        print(f"serial:  {t_serial:7.1f} s  ({n / t_serial:.2f} recordings/s, {len(failed_serial)} failed); "
              f"CPU {cpu_serial / n:.3f} s per file; load {la} -> {_load()}", flush=True)  # fmt: skip
        plain: dict[str, float] = {}
        if args.plain:
            la = _load()
            t_plain, cpus, _res = plain_pool(paths, args.workers)
            plain = {"plain_s": t_plain, "plain_cpu_per_file": sum(cpus) / n,
                     "plain_efficiency": t_serial / (args.workers * t_plain)}  # fmt: skip
            print(f"plain x{args.workers} (process pool, no Dask): {t_plain:7.1f} s; CPU "
                  f"{plain['plain_cpu_per_file']:.3f} s per file (CPU efficiency "
                  f"{cpu_serial / sum(cpus):.2f}); efficiency {plain['plain_efficiency']:.2f}; "
                  f"load {la} -> {_load()}", flush=True)  # fmt: skip
        db = Database.open(tmp / "cohort.sqlite3")
        actor = clients.ensure_clinician(db, "Bench Clinician")
        t = time.perf_counter()
        with dask_client(workers=args.workers) as client:  # started once, as a cluster would be
            client.run(_warm, str(paths[0]))
            t_start = time.perf_counter() - t
            w0, m0, la = client.run(_cpu), _cpu(), _load()
            t = time.perf_counter()
            res = cohort_emg(
                db,
                actor,
                paths,
                parquet=tmp / "cohort.parquet",
                scheduler=client.scheduler.address,
            )
            t_dask = time.perf_counter() - t
            w1, m1 = client.run(_cpu), _cpu()
        db.close()
        load1 = os.getloadavg()[0]
        eff = t_serial / (args.workers * t_dask)
        cpu_workers = sum(w1[a] - w0[a] for a in w0)
        cpu_main = m1 - m0
        print(flush=True)  # the EDF library's C code may have left a line open on stdout
        print(f"dask x{args.workers}: {t_dask:7.1f} s  ({n / t_dask:.2f} recordings/s, {len(res.failed)} failed; "
              f"cluster start-up and worker imports {t_start:.1f} s, not included); load {la} -> {load1:.2f}")  # fmt: skip
        cpu_eff = cpu_serial / (cpu_workers + cpu_main)
        busy = (cpu_workers + cpu_main) / t_dask
        print(f"  CPU per file: workers {cpu_workers / n:.3f} s + client process (scheduler, "
              f"nannies, client, database, Parquet) {cpu_main / n:.3f} s = "
              f"{(cpu_workers + cpu_main) / n:.3f} s vs serial {cpu_serial / n:.3f} s: CPU "
              f"efficiency {cpu_eff:.2f}; {busy:.2f} of {args.workers} cores busy")  # fmt: skip
        print(f"speed-up {t_serial / t_dask:.2f}x, scaling efficiency {eff:.2f} (target >= 0.8); "
              f"load average {load0:.1f} before, {load1:.1f} after")  # fmt: skip
        for r in res.failed:
            print(f"  reported: {r['error']}")
        same = sorted(r["path"] for r in serial if r["ok"]) == sorted(
            r["path"] for r in res.results if r["ok"]
        )
        print(f"same recordings analysed serially and on Dask: {same}")
        if args.json:
            args.json.write_text(json.dumps({
                "recordings": args.recordings, "minutes": args.minutes, "workers": args.workers,
                "one_recording_s": one_wall, "serial_s": t_serial, "serial_cores_busy": cpu_serial / t_serial,
                "dask_s": t_dask, "startup_s": t_start, "speedup": t_serial / t_dask,
                "efficiency": eff, "failed": [r["error"] for r in res.failed], "same": same,
                "load_before": load0, "load_after": load1, "serial_cpu_per_file": cpu_serial / n,
                "dask_worker_cpu_per_file": cpu_workers / n, "dask_client_cpu_per_file": cpu_main / n,
                "dask_cpu_efficiency": cpu_eff, "dask_cores_busy": busy,
                **plain,
            }, indent=2))  # fmt: skip
        return 0 if same and len(res.failed) == 1 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
