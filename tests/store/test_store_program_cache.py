"""The per-process cache of validated program versions: never stale, never mixed up.

Logging reads the current program on every request; the cache hands out the validated
version kept from an earlier read. These tests check what the cache must never do: return
an older version after a new one was stored, return another database's program for the
same row id, or change what a fresh read from the store gives.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from seeding import START, client_with_logs
from upperback.model.program import Program
from upperback.services import clients, program, sessions
from upperback.services.database import Database
from upperback.services.demo import perform
from upperback.store.program_cache import PROGRAMS, ProgramCache
from upperback.store.records import Records


def _fresh(db: Database, client_id: int) -> Program:
    """The current program validated straight from the stored snapshot and patches."""
    with db.uow() as uow:
        doc = Records(uow.session).program_document(client_id)
    assert doc is not None
    return Program.model_validate(doc)


def _log_next(db: Database, actor: object, client_id: int, rng: random.Random) -> int:
    view = program.next_view(db, actor, client_id)  # type: ignore[arg-type]
    assert view.session is not None
    day = view.program.session_date(view.session.week, view.session.index)
    log = perform(view.session, day, view.session.week, rng)
    return sessions.log_session(db, actor, client_id, log).program_version  # type: ignore[arg-type]


def test_a_new_version_replaces_the_cached_one_and_equals_a_fresh_read(db_url: str) -> None:
    db = Database.open(db_url)
    actor = clients.ensure_clinician(db, "Sam Physio")
    cid = client_with_logs(db, actor, 3, n_logs=2, reassess=False)
    first = program.current_program(db, actor, cid)
    assert program.current_program(db, actor, cid) is first, "an unchanged version is reused"
    rng = random.Random(5)
    versions = {first.version}
    for _ in range(12):  # enough logs that some adapt the program (new versions)
        stored = _log_next(db, actor, cid, rng)
        now = program.current_program(db, actor, cid)
        assert now.version == stored, "the newest stored version, never a cached older one"
        assert now == _fresh(db, cid), "cached == validated from the store"
        versions.add(now.version)
    assert len(versions) > 1, "the run must have made new versions to test invalidation"
    db.close()


def test_two_databases_with_the_same_row_ids_do_not_share_entries(tmp_path: Path) -> None:
    progs = []
    for name, seed in (("a.sqlite3", 1), ("b.sqlite3", 2)):
        db = Database.open(tmp_path / name)
        actor = clients.ensure_clinician(db, "Sam Physio")
        cid = client_with_logs(db, actor, seed, n_logs=0, reassess=False)
        progs.append((db, actor, cid))
    (db_a, actor_a, a), (db_b, actor_b, b) = progs
    assert a == b, "same client id (and program row id) in both files"
    pa = program.current_program(db_a, actor_a, a)
    pb = program.current_program(db_b, actor_b, b)
    assert pa.seed != pb.seed and pb == _fresh(db_b, b)
    db_a.close()
    db_b.close()


def test_a_database_replaced_under_the_same_path_is_read_again(tmp_path: Path) -> None:
    """A restore or a fresh demo under the same URL: same ids, other rows, other program."""
    path = tmp_path / "same.sqlite3"
    seen = []
    for seed in (1, 2):
        path.unlink(missing_ok=True)
        db = Database.open(path)
        actor = clients.ensure_clinician(db, "Sam Physio")
        cid = client_with_logs(db, actor, seed, n_logs=0, reassess=False)
        seen.append(program.current_program(db, actor, cid))
        assert seen[-1] == _fresh(db, cid)
        db.close()
    assert seen[0].seed != seen[1].seed


def test_the_cache_is_bounded_and_forgets_documents_of_evicted_versions() -> None:
    cache = ProgramCache(max_entries=2)
    db_less = PROGRAMS.get(("nowhere", -1, -1, dt.datetime(2000, 1, 1)))
    assert db_less is None
    made = []
    for i in range(3):
        p = Program.model_construct(version=i + 1)
        key = ("u", i, i + 1, dt.datetime(2026, 1, 1))
        cache.put(key, p, {"version": i + 1})
        made.append((key, p))
    assert cache.get(made[0][0]) is None, "the oldest entry went"
    assert cache.document_of(made[0][1]) is None
    assert cache.get(made[2][0]) is made[2][1]
    assert cache.document_of(made[2][1]) == {"version": 3}


def test_history_read_back_equals_what_was_logged(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "h.sqlite3")
    actor = clients.ensure_clinician(db, "Sam Physio")
    cid = client_with_logs(db, actor, 4, n_logs=0, reassess=False)
    rng = random.Random(1)
    sent = []
    for _ in range(4):
        view = program.next_view(db, actor, cid)
        assert view.session is not None
        day = view.program.session_date(view.session.week, view.session.index)
        log = perform(view.session, day, view.session.week, rng)
        sessions.log_session(db, actor, cid, log)
        sent.append(log)
    back = sessions.list_logs(db, actor, cid)
    assert [b.model_dump(exclude={"id"}) for b in back] == [s.model_dump() for s in sent]
    assert back[0].date >= START
    db.close()


def test_a_version_stored_by_a_log_is_cached_once_committed(db_url: str) -> None:
    """The phone's read after a log that adapted the program finds the new version in the
    cache (no snapshot + patches rebuild), and it equals a fresh read from the store."""
    db = Database.open(db_url)
    actor = clients.ensure_clinician(db, "Sam Physio")
    cid = client_with_logs(db, actor, 3, n_logs=2, reassess=False)
    first = program.current_program(db, actor, cid)
    rng = random.Random(7)
    misses = PROGRAMS.misses
    made = set()
    for _ in range(12):
        stored = _log_next(db, actor, cid, rng)
        now = program.current_program(db, actor, cid)
        assert now.version == stored and now == _fresh(db, cid)
        made.add(stored)
    assert made - {first.version}, "the run must have stored new versions"
    assert PROGRAMS.misses == misses, "every read after a log was a cache hit"
    db.close()
