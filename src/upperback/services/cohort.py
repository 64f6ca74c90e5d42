"""Use cases of cohort analytics on Dask: sEMG over many recordings, outcomes over all clients.

Tasks take file paths (or one client's small summaries), never arrays, so they run the same
on an in-process cluster, a local cluster of processes, or any cluster by scheduler address
(the recordings must then sit on storage every worker can read). A recording that fails is
reported as one line and the rest go on.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from upperback.errors import InvalidInput, NotFound, UpperbackError
from upperback.outcomes.cohort import ClientCohortRow, CohortOutcomes, aggregate, client_summary
from upperback.services.access import Actor, audit, require_clinician
from upperback.services.database import Database
from upperback.services.progress import progress_in
from upperback.store.records import Records
from upperback.store.tables import CohortEmgRow

RECORDING_SUFFIXES = (".csv", ".txt", ".tsv", ".edf", ".bdf", ".c3d", ".hea")
#: Results are stored in batches: a crash mid-cohort keeps what was finished. [design]
STORE_BATCH = 50
SCHEDULER_TIMEOUT_S = 10


# --- Which recordings -----------------------------------------------------------------------


def find_recordings(source: Path) -> list[Path]:
    """Recordings in a folder (recursively, sorted) or listed in a manifest.

    A manifest is a CSV with a `path` column, or a text file with one path per line; relative
    paths are taken from the manifest's folder.
    """
    if not source.exists():
        raise NotFound(f"{source}: no such folder or manifest")
    if source.is_dir():
        found = sorted(
            p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in RECORDING_SUFFIXES
        )
        if not found:
            raise InvalidInput(
                f"{source}: no recordings ({', '.join(RECORDING_SUFFIXES)}) in this folder"
            )
        return found
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{source}: cannot read the manifest ({exc})") from None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if lines and "path" in [h.strip().lower() for h in lines[0].split(",")]:
        reader = csv.DictReader(lines)
        key = next(h for h in reader.fieldnames or [] if h.strip().lower() == "path")
        entries = [(row.get(key) or "").strip() for row in reader]
    else:
        entries = [ln.strip() for ln in lines]
    entries = [e for e in entries if e]
    if not entries:
        raise InvalidInput(f"{source}: the manifest lists no recordings")
    return [p if p.is_absolute() else source.parent / p for p in map(Path, entries)]


# --- The cluster ----------------------------------------------------------------------------


def _distributed() -> Any:
    """dask.distributed, imported only by the commands that use it (it is untyped)."""
    import distributed

    return distributed


def _dask_config() -> Any:
    """dask.config (untyped)."""
    import dask

    return dask.config


#: Dask settings of the local cluster (scheduler, nannies and workers); measured on this
#: project's 2-core machine with 10-minute, 8-channel recordings.
#: - Dask's nanny starts each worker with ``MALLOC_TRIM_THRESHOLD_=65536``; setting it at all
#:   switches off glibc's adaptive mmap threshold, so every NumPy array over 128 KB is a fresh
#:   mmap whose pages fault in one by one: 161,000 vs 24,600 page faults and 1.08 vs 0.72 s
#:   of worker CPU per file (0.35 vs 0.08 s of it in the kernel). Unset, the workers
#:   allocate as the serial run does. [design] Memory goes back to the system more lazily;
#:   a worker holds one recording at a time.
#: - Housekeeping at Dask's default rates (event-loop health tick every 20 ms, memory and
#:   system monitors, the statistical profiler sampling every 10 ms) cost an idle 2-worker
#:   cluster 0.03-0.05 CPU-s per second in the client process and 0.025-0.035 in each
#:   worker; at the rates below 0.007 and 0.005. [design] The dashboard's plots and profile
#:   are coarser; cohort tasks last about a second each, so nothing is lost that matters.
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.worker.profile.interval": "100ms",
}


@contextmanager
def dask_client(
    scheduler: str | None = None, *, workers: int | None = None, processes: bool = True
) -> Iterator[Any]:
    """A client of the cluster at `scheduler`, or of a local cluster started here.

    The local cluster listens on 127.0.0.1 only, its dashboard too (on a free port).
    """
    import logging

    dd = _distributed()
    Client, LocalCluster = dd.Client, dd.LocalCluster
    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler:
        try:
            client = Client(scheduler, timeout=f"{SCHEDULER_TIMEOUT_S}s")
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise InvalidInput(
                f"--scheduler: cannot reach the Dask scheduler at {scheduler!r}: {reason}"
            ) from None
        try:
            yield client
        finally:
            client.close()
        return
    n = workers or max(1, os.cpu_count() or 1)
    # Worker processes talk over TCP on loopback; threads in this process over inproc://.
    where = {"host": "127.0.0.1"} if processes else {}
    with _dask_config().set(LOCAL_CLUSTER_CONFIG):
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=processes,
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
            **where,
        )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


# --- sEMG over many recordings --------------------------------------------------------------


def summarize_analysis(analysis: Any) -> dict[str, Any]:
    """The per-channel figures a cohort table needs (not the activations themselves)."""
    return {
        "channels": {
            name: {
                "muscle": ch.muscle,
                "side": ch.side,
                "activations": len(ch.activations),
                "rms": ch.rms,
                "median_frequency_hz": ch.median_frequency_hz,
                "mdf_slope_hz_per_min": ch.median_frequency_slope_hz_per_min,
                "quality_ok": ch.quality.ok,
                "flags": list(ch.quality.flags),
            }
            for name, ch in analysis.channels.items()
        },
        "ratios": dict(analysis.ratios),
        "mains_hz": analysis.mains_hz,
    }


def analyze_path(path: str) -> dict[str, Any]:
    """Dask task: read and analyse one recording. Failures come back as one line, not raised."""
    from upperback.emg import analyze_recording, read_recording

    try:
        analysis = analyze_recording(read_recording(path))
    except UpperbackError as exc:
        return {"path": path, "ok": False, "error": exc.message}
    except Exception as exc:  # a corrupt file must not stop the cohort
        reason = (str(exc).strip().splitlines() or [""])[0]
        return {
            "path": path,
            "ok": False,
            "error": f"{Path(path).name}: {type(exc).__name__}: {reason}",
        }
    return {
        "path": path,
        "ok": True,
        "error": None,
        "fs": analysis.fs,
        "duration_s": analysis.duration_s,
        "summary": summarize_analysis(analysis),
    }


@dataclass
class CohortEmgResult:
    run: str
    total: int
    results: list[dict[str, Any]] = field(default_factory=list)
    parquet: Path | None = None

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.results if not r["ok"]]


def _store(db: Database, actor: Actor, run: str, results: Sequence[dict[str, Any]]) -> None:
    clinician_id = require_clinician(actor, "run a cohort analysis")
    with db.uow(write=True) as uow:
        for r in results:
            uow.session.add(
                CohortEmgRow(
                    run=run,
                    clinician_id=clinician_id,
                    path=r["path"][:1000],
                    ok=r["ok"],
                    error=r.get("error"),
                    fs=r.get("fs"),
                    duration_s=r.get("duration_s"),
                    summary=r.get("summary"),
                )
            )
        audit(uow.session, actor, "cohort.emg", None)
        uow.commit()


def cohort_emg(
    db: Database,
    actor: Actor,
    paths: Sequence[Path],
    *,
    parquet: Path,
    scheduler: str | None = None,
    workers: int | None = None,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> CohortEmgResult:
    """Analyse every recording on the cluster; store the results and write a Parquet table."""
    as_completed = _distributed().as_completed
    require_clinician(actor, "run a cohort analysis")
    if parquet.exists() and parquet.is_dir():
        raise InvalidInput(f"--parquet: {parquet} is a folder, expected a file name")
    run = uuid.uuid4().hex[:12]
    out = CohortEmgResult(run=run, total=len(paths))
    pending: list[dict[str, Any]] = []
    with dask_client(scheduler, workers=workers) as client:
        names = [str(p) for p in paths]
        futures = client.map(analyze_path, names, pure=False)
        path_of = {f.key: name for f, name in zip(futures, names, strict=True)}
        for fut in as_completed(futures):
            try:
                res = fut.result()
            except Exception as exc:  # the worker itself died on this file
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                res = {"path": path_of[fut.key], "ok": False, "error": f"worker failed: {reason}"}
            fut.release()
            out.results.append(res)
            pending.append(res)
            if on_result is not None:
                on_result(res)
            if len(pending) >= STORE_BATCH:
                _store(db, actor, run, pending)
                pending = []
    if pending:
        _store(db, actor, run, pending)
    out.results.sort(key=lambda r: str(r["path"]))
    out.parquet = write_parquet(out.results, parquet, run=run)
    return out


def parquet_rows(results: Sequence[dict[str, Any]], *, run: str) -> list[dict[str, Any]]:
    """Long format: one row per recording and channel; a failed recording is one row."""
    rows: list[dict[str, Any]] = []
    for r in results:
        base = {
            "run": run,
            "path": r["path"],
            "ok": r["ok"],
            "error": r.get("error"),
            "fs": r.get("fs"),
            "duration_s": r.get("duration_s"),
        }
        channels = (r.get("summary") or {}).get("channels") or {}
        if not channels:
            rows.append({**base, "channel": None})
        for name, ch in channels.items():
            rows.append(
                {
                    **base,
                    "channel": name,
                    "muscle": ch["muscle"],
                    "side": ch["side"],
                    "activations": ch["activations"],
                    "rms": ch["rms"],
                    "median_frequency_hz": ch["median_frequency_hz"],
                    "mdf_slope_hz_per_min": ch["mdf_slope_hz_per_min"],
                    "quality_ok": ch["quality_ok"],
                }
            )
    return rows


def write_parquet(results: Sequence[dict[str, Any]], path: Path, *, run: str) -> Path:
    """Write the table next to its final name, then rename: never a half-written file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("run", pa.string()),
            ("path", pa.string()),
            ("ok", pa.bool_()),
            ("error", pa.string()),
            ("fs", pa.float64()),
            ("duration_s", pa.float64()),
            ("channel", pa.string()),
            ("muscle", pa.string()),
            ("side", pa.string()),
            ("activations", pa.int64()),
            ("rms", pa.float64()),
            ("median_frequency_hz", pa.float64()),
            ("mdf_slope_hz_per_min", pa.float64()),
            ("quality_ok", pa.bool_()),
        ]
    )
    table = pa.Table.from_pylist(parquet_rows(results, run=run), schema=schema)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{run}.tmp")
        pq.write_table(table, tmp)
        tmp.replace(path)
    except OSError as exc:
        raise InvalidInput(f"--parquet: cannot write {path}: {exc.strerror or exc}") from None
    return path


# --- Outcomes over all clients --------------------------------------------------------------


def _client_row(item: tuple[int, Any, Any, Any]) -> ClientCohortRow:
    """Dask task: one client's row from its summaries and logs (small, picklable)."""
    return client_summary(*item)


def cohort_outcomes(
    db: Database,
    actor: Actor,
    *,
    today: dt.date,
    scheduler: str | None = None,
    workers: int | None = None,
    local: bool = False,
) -> CohortOutcomes:
    """Change vs MCID, responders, adherence and dose-response over the actor's clients.

    The clients are read (and each read audited) in one unit of work. Without `scheduler`
    and `local`, the rows are made in this process; with either, on a Dask cluster. The
    figures are the same (rows are combined in client order).
    """
    clinician_id = require_clinician(actor, "compute cohort outcomes")
    items = []
    with db.uow(write=True) as uow:
        records = Records(uow.session)
        for c in records.clients(clinician_id=clinician_id, client_id=None):
            p = progress_in(records, c.id, today=today)
            items.append((c.id, p.outcomes, p.adherence, records.logs(c.id)))
            audit(uow.session, actor, "cohort.outcomes", c.id)
        uow.commit()
    if scheduler is None and not local:
        return aggregate([_client_row(i) for i in items])
    with dask_client(scheduler, workers=workers, processes=False) as client:
        rows = client.gather(client.map(_client_row, items, pure=False))
    return aggregate(rows)
