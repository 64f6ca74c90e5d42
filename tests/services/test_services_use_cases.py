"""Use cases on a real SQLite database: guards, access, one transaction each, what is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from services_support import START, World
from sqlalchemy import event, func, select

from upperback.errors import InvalidInput, NotFound, SafetyBlock
from upperback.model.session import SessionLogIn, SetLog
from upperback.services import assessment, emg, preface, program, progress, sessions
from upperback.services.demo import demo_assessment, demo_intake
from upperback.store.guards import NO_PROGRAM
from upperback.store.tables import AuditRow, OutcomeRow, SessionLogRow, SetLogRow


def _planned(w: World) -> None:
    preface.record_intake(w.db, w.actor, w.client_id, demo_intake(START))
    assessment.record_assessment(w.db, w.actor, w.client_id, demo_assessment(START, 0.0))
    program.plan_program(w.db, w.actor, w.client_id, start_date=START, seed=3)


def _log(w: World, *, pain: float = 1, day: dt.date = START) -> SessionLogIn:
    plan = program.next_view(w.db, w.actor, w.client_id).session
    assert plan is not None
    p = plan.prescriptions[0]
    return SessionLogIn(
        date=day, week=plan.week, index=plan.index, pain_before=1, pain_next_morning=1,
        sets=[SetLog(exercise_id=p.exercise_id, set_index=1, reps=p.reps, hold_s=p.hold_s,
                     rpe=6, pain_during=pain)],
    )  # fmt: skip


def _count(w: World, row: type) -> int:
    with w.db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(row)) or 0)


def test_no_program_yet_is_one_guard_message_everywhere(world: World) -> None:
    for call in (
        lambda: program.current_program(world.db, world.actor, world.client_id),
        lambda: program.next_view(world.db, world.actor, world.client_id),
    ):
        with pytest.raises(NotFound, match="no program yet"):
            call()
    assert "upperback plan" in NO_PROGRAM


def test_open_referral_blocks_planning_logging_and_replanning_until_clearance(
    world: World,
) -> None:
    w = world
    _planned(w)
    referred = demo_intake(START).model_copy(update={"red_flags": {"diplopia": True}})
    assert preface.record_intake(w.db, w.actor, w.client_id, referred).outcome == "refer"
    view = program.next_view(w.db, w.actor, w.client_id)
    assert view.session is None and view.suspended_reason and "referral" in view.suspended_reason
    with pytest.raises(SafetyBlock, match="program suspended"):
        sessions.log_session(w.db, w.actor, w.client_id, _log_for(view, START))
    with pytest.raises(SafetyBlock, match="referral"):
        program.plan_program(w.db, w.actor, w.client_id, start_date=START, seed=1)
    again = assessment.record_assessment(w.db, w.actor, w.client_id, demo_assessment(START, 0.5))
    assert again.replanned == []  # nothing is re-planned while referred
    assert preface.screening_view(w.db, w.actor, w.client_id).blocks_program
    preface.record_clearance(
        w.db, w.actor, w.client_id,
        preface.Clearance(date=START, note="GP reviewed: no serious pathology"),
    )  # fmt: skip
    assert not preface.screening_view(w.db, w.actor, w.client_id).blocks_program
    assert program.next_view(w.db, w.actor, w.client_id).session is not None


def _log_for(view: program.NextView, day: dt.date) -> SessionLogIn:
    plan = view.program.sessions[0]
    return SessionLogIn(date=day, week=plan.week, index=plan.index, completed=False)


def test_another_clinicians_client_is_not_found_in_every_read(world: World) -> None:
    w = world
    _planned(w)
    for call in (
        lambda: program.current_program(w.db, w.other, w.client_id),
        lambda: sessions.list_logs(w.db, w.other, w.client_id),
        lambda: progress.client_record(w.db, w.other, w.client_id, today=START),
        lambda: emg.list_emg(w.db, w.other, w.client_id),
        lambda: preface.screening_view(w.db, w.other, w.client_id),
    ):
        with pytest.raises(NotFound, match=f"client {w.client_id} not found"):
            call()
    assert [r.client.id for r in progress.dashboard(w.db, w.other, today=START)] == []


def test_a_logged_session_stores_log_sets_outcomes_and_audit_in_one_go(world: World) -> None:
    w = world
    _planned(w)
    audits = _count(w, AuditRow)
    out = sessions.log_session(w.db, w.actor, w.client_id, _log(w, pain=2))
    assert (_count(w, SessionLogRow), _count(w, SetLogRow)) == (1, 1)
    with w.db.uow() as uow:
        measures = set(uow.session.scalars(select(OutcomeRow.measure)))
    assert {"pain_during_max", "pain_next_morning"} <= measures
    assert _count(w, AuditRow) == audits + 1
    assert sessions.list_logs(w.db, w.actor, w.client_id)[0].id == out.log_id


def test_a_refused_log_leaves_nothing_behind(world: World) -> None:
    w = world
    _planned(w)
    bad = _log(w).model_copy(update={"date": START - dt.timedelta(days=3)})
    before = (_count(w, SessionLogRow), _count(w, OutcomeRow), _count(w, AuditRow))
    with pytest.raises(InvalidInput, match="before the program starts"):
        sessions.log_session(w.db, w.actor, w.client_id, bad)
    assert (_count(w, SessionLogRow), _count(w, OutcomeRow), _count(w, AuditRow)) == before


def test_the_report_record_is_read_in_one_unit_of_work(world: World) -> None:
    w = world
    _planned(w)
    sessions.log_session(w.db, w.actor, w.client_id, _log(w))
    begins: list[object] = []

    def count(conn: object) -> None:
        begins.append(conn)

    event.listen(w.db.engine, "begin", count)
    record = progress.client_record(w.db, w.actor, w.client_id, today=START)
    event.remove(w.db.engine, "begin", count)
    assert len(begins) == 1
    assert record.program is not None and len(record.logs) == 1
    assert record.progress.adherence is not None and record.screening is not None


def test_dashboard_flags_a_flare_with_the_engines_rule(world: World) -> None:
    w = world
    _planned(w)
    sessions.log_session(w.db, w.actor, w.client_id, _log(w, pain=7))
    row = progress.dashboard(w.db, w.actor, today=START + dt.timedelta(days=1))[0]
    assert row.pain_flare is not None and "pain 7/10 during session 1.1" in row.pain_flare
    assert row.any and row.referral is None and row.last_log == START


def test_emg_store_list_get_and_refuse_before_analysing(world: World) -> None:
    w = world
    rec = emg.store_emg(w.db, w.actor, w.client_id, day=START, filename="a.csv",
                        analysis={"analysis": {"ok": True}})  # fmt: skip
    assert [e.id for e in emg.list_emg(w.db, w.actor, w.client_id)] == [rec]
    entry, stored = emg.get_emg(w.db, w.actor, w.client_id, rec)
    assert entry.filename == "a.csv" and stored == {"analysis": {"ok": True}}
    with pytest.raises(NotFound, match="sEMG recording 999 not found"):
        emg.get_emg(w.db, w.actor, w.client_id, 999)
    analysed: list[str] = []

    def analyse(content: bytes, name: str) -> dict[str, object]:
        analysed.append(name)
        return {"bytes": len(content)}

    with pytest.raises(NotFound):
        emg.upload_emg(w.db, w.other, w.client_id, day=START, filename="b.csv",
                       content=b"x", analyse=analyse)  # fmt: skip
    assert analysed == []  # access refused before any time was spent on analysis
    new = emg.upload_emg(w.db, w.actor, w.client_id, day=START, filename="c.csv",
                         content=b"abc", analyse=analyse)  # fmt: skip
    assert emg.get_emg(w.db, w.actor, w.client_id, new)[1] == {"bytes": 3}
