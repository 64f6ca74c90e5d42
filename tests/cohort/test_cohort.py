"""Cohort analytics on Dask: sEMG over recordings (a corrupt one among them), outcomes."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from seeding import START, client_with_logs
from upperback.cli.app import app
from upperback.services import clients
from upperback.services.cohort import cohort_outcomes, find_recordings
from upperback.services.database import Database


def _recording(path: Path, seed: int) -> None:
    from upperback.emg.synthetic import generate

    rec, _ = generate(
        np.random.default_rng(seed), fs=1000.0, duration_s=6.0, channels=("UT_R", "LT_R", "SA_R")
    )
    buf = io.StringIO()
    t = np.arange(rec.data.shape[1]) / rec.fs
    np.savetxt(buf, np.column_stack([t, rec.data.T]), delimiter=",", fmt="%.7g")
    path.write_text("time," + ",".join(rec.channels) + "\n" + buf.getvalue(), encoding="utf-8")


def test_a_corrupt_recording_is_reported_and_the_rest_are_stored(tmp_path: Path) -> None:
    import pyarrow.parquet as pq
    from sqlalchemy import select

    from upperback.store.tables import AuditRow, CohortEmgRow

    folder = tmp_path / "study"
    folder.mkdir()
    for i in range(3):
        _recording(folder / f"s{i}.csv", i)
    (folder / "broken.edf").write_bytes(b"\x00not an edf" * 50)
    db = tmp_path / "c.sqlite3"
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--clinician", "Sam", "--db", str(db)]).exit_code == 0
    out = tmp_path / "out" / "cohort.parquet"
    r = runner.invoke(
        app,
        ["cohort", "emg", str(folder), "--db", str(db), "--parquet", str(out), "--workers", "1"],
    )
    assert r.exit_code == 0, r.output
    assert "failed: broken.edf: not a readable EDF" in r.output
    assert "3 of 4 recordings analysed, 1 failed" in r.output
    table = pq.read_table(out).to_pylist()
    ok_rows = [row for row in table if row["ok"]]
    assert {Path(row["path"]).name for row in ok_rows} == {"s0.csv", "s1.csv", "s2.csv"}
    assert {row["channel"] for row in ok_rows} == {"UT_R", "LT_R", "SA_R"}
    assert all(row["fs"] == 1000.0 and row["duration_s"] == 6.0 for row in ok_rows)
    database = Database.open(db)
    with database.uow() as uow:
        stored = [
            (Path(p).name, ok)
            for p, ok in uow.session.execute(select(CohortEmgRow.path, CohortEmgRow.ok))
        ]
        audits = uow.session.scalars(
            select(AuditRow.id).where(AuditRow.action == "cohort.emg")
        ).all()
    database.close()
    assert sorted(stored) == [
        ("broken.edf", False),
        ("s0.csv", True),
        ("s1.csv", True),
        ("s2.csv", True),
    ]
    assert audits, "the cohort run is audited"


def test_a_manifest_lists_paths_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x")
    (tmp_path / "m.csv").write_text("path,client\na.csv,1\n/abs/b.edf,2\n")
    assert find_recordings(tmp_path / "m.csv") == [tmp_path / "a.csv", Path("/abs/b.edf")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheduler", "bogus://x"], "--scheduler: cannot reach the Dask scheduler"),
        (["--parquet", "."], "--parquet: . is a folder"),
    ],
)
def test_bad_scheduler_or_table_path_is_one_line(
    tmp_path: Path, args: list[str], message: str
) -> None:
    _recording(tmp_path / "s.csv", 0)
    db = str(tmp_path / "c.sqlite3")
    runner = CliRunner()
    runner.invoke(app, ["init", "--clinician", "Sam", "--db", db])
    r = runner.invoke(app, ["cohort", "emg", str(tmp_path), "--db", db, *args])
    assert r.exit_code == 2
    assert message in r.output
    assert r.output.strip().count("\n") == 0


def test_cohort_outcomes_are_the_same_in_process_and_on_a_dask_cluster(db_url: str) -> None:
    db = Database.open(db_url)
    actor = clients.ensure_clinician(db, "Sam Physio")
    other = clients.ensure_clinician(db, "Someone Else")
    for seed in (1, 2, 3, 4):
        client_with_logs(db, actor, seed, n_logs=4)
    today = START + dt.timedelta(weeks=2)
    here = cohort_outcomes(db, actor, today=today)
    there = cohort_outcomes(db, actor, today=today, local=True, workers=2)
    assert here == there
    assert here.n_clients == 4
    assert here.adherence_mean is not None and 0 < here.adherence_mean <= 1
    assert {m.measure for m in here.measures} >= {"nprs", "ndi"}
    assert cohort_outcomes(db, other, today=today).n_clients == 0  # only one's own clients
    db.close()


def _config(key: str) -> object:
    import dask

    return dask.config.get(key)


def test_local_workers_keep_glibcs_allocator_and_light_housekeeping() -> None:
    """Dask's default MALLOC_TRIM_THRESHOLD_ made every large array fault its pages in anew
    (1.5x the worker CPU per recording); the local cluster's workers run without it, and
    with the lighter housekeeping rates."""
    import os

    from upperback.services.cohort import LOCAL_CLUSTER_CONFIG, dask_client

    with dask_client(workers=1) as client:
        seen = client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_")
        profile = client.run(_config, "distributed.worker.profile.interval")
    assert list(seen.values()) == [None]
    assert list(profile.values()) == [LOCAL_CLUSTER_CONFIG["distributed.worker.profile.interval"]]
    assert "MALLOC_TRIM_THRESHOLD_" not in os.environ, "the calling process is left as it was"
