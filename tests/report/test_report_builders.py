"""Report builders on a client's record read from a real database: the progress report (HTML,
PDF), the home program, the CSV of logs and the plots, with the one recent-window wording."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape
from services_support import START, World, open_world

from upperback import report
from upperback.illustrate.plain import plain_name
from upperback.model.session import SessionLogIn, SetLog
from upperback.services import assessment, preface, program, sessions
from upperback.services.demo import demo_assessment, demo_intake


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    for w in open_world(tmp_path):
        preface.record_intake(w.db, w.actor, w.client_id, demo_intake(START))
        assessment.record_assessment(w.db, w.actor, w.client_id, demo_assessment(START, 0.0))
        program.plan_program(w.db, w.actor, w.client_id, start_date=START, seed=5)
        yield w


def _log_next(w: World, day: dt.date, sets: int = 2) -> None:
    plan = program.next_view(w.db, w.actor, w.client_id).session
    assert plan is not None
    p = plan.prescriptions[0]
    log = SessionLogIn(
        date=day, week=plan.week, index=plan.index, pain_before=1,
        sets=[SetLog(exercise_id=p.exercise_id, set_index=i, reps=p.reps, hold_s=p.hold_s,
                     rpe=6, pain_during=1) for i in range(1, sets + 1)],
    )  # fmt: skip
    sessions.log_session(w.db, w.actor, w.client_id, log)


def test_progress_report_names_the_recent_window_and_its_figure(world: World) -> None:
    _log_next(world, START)
    data = report.collect(
        world.db, world.actor, world.client_id, today=START + dt.timedelta(days=4)
    )
    html = report.progress_report_html(data)
    adh = data.progress.adherence
    assert adh is not None and adh.recent_adherence is not None
    assert "Pat" in html and f"last {adh.recent_days} days" in html
    assert f"{adh.recent_adherence * 100:.0f} %" in html
    assert "four weeks" not in html


def test_nothing_due_reads_no_sessions_due_not_100_percent(world: World) -> None:
    data = report.collect(
        world.db, world.actor, world.client_id, today=START - dt.timedelta(days=1)
    )
    adh = data.progress.adherence
    assert adh is not None and adh.planned_sessions == 0 and adh.recent_adherence is None
    assert "no sessions due" in report.progress_report_html(data)


def test_pdf_report_is_a_pdf(world: World) -> None:
    _log_next(world, START)
    pdf = report.progress_report_pdf(
        report.collect(world.db, world.actor, world.client_id, today=START)
    )
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and len(pdf) > 5000


def test_home_program_shows_the_weeks_exercises(world: World) -> None:
    data = report.collect(world.db, world.actor, world.client_id, today=START)
    html = report.home_program_html(data, week=1)
    assert data.program is not None
    week1 = [p.exercise_id for s in data.program.sessions if s.week == 1 for p in s.prescriptions]
    # the client's printout names each exercise in plain words, never by its id
    assert all(escape(plain_name(e)) in html for e in week1)
    assert not any(e in html for e in week1 if "_" in e)
    assert data.client.name in html


def test_sessions_csv_has_one_row_per_set(world: World) -> None:
    _log_next(world, START, sets=3)
    _log_next(world, START + dt.timedelta(days=2), sets=2)
    logs = report.collect(world.db, world.actor, world.client_id, today=START).logs
    rows = list(csv.DictReader(io.StringIO(report.sessions_csv(logs))))
    assert len(rows) == 5


def test_plots_render_as_png_and_svg(world: World) -> None:
    _log_next(world, START)
    data = report.collect(
        world.db, world.actor, world.client_id, today=START + dt.timedelta(days=3)
    )
    keys = report.plots_available(data)
    assert "adherence" in keys and "pain" in keys
    assert report.plot(data, "pain", "png").startswith(b"\x89PNG")
    assert b"<svg" in report.plot(data, "adherence", "svg")[:2000]
