"""The printable home-exercise program: the coming week's sessions with doses and cues."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from upperback.errors import NotFound, SafetyBlock
from upperback.illustrate import figure_still
from upperback.illustrate.library import MOBILITY_TYPES
from upperback.illustrate.plain import (
    client_text,
    plain_effort,
    plain_name,
    plain_rx_dose,
    plain_tempo,
)
from upperback.knowledge.loader import exercise_library
from upperback.model.program import Prescription, Program, SessionPlan
from upperback.model.session import SessionLog
from upperback.preface.gate import program_allowed
from upperback.preface.precautions import client_notes
from upperback.report._templates import env
from upperback.report.data import ReportData

# The client's printout: plain words and pictures only (no ids, rules, tags or sources).
HOME_PLAIN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>My home exercises</title><link rel="stylesheet" href="/static/client-print.css"><style>{{ css }}
.ex{break-inside:avoid;border-top:1px solid #ccc;padding:8px 0}.frames{display:flex;gap:8px}
.frames figure{margin:0;flex:1}.frames svg{width:100%;height:auto;max-height:180px}
figcaption{font-size:12px;color:#555;text-align:center}</style></head><body>
<h1>My home exercises</h1>
<p>For {{ name }}. Week {{ week }}. Stop an exercise if your pain goes above 5 out of 10, and tell your
clinician if your pain is worse the next morning.</p>
{% for n in safety_notes %}<p class="safety" id="safety-note"><strong>Safety:</strong> {{ n }}</p>{% endfor %}
<p class="noprint muted">Use your browser's Print command for a paper copy.</p>
{% for s in sessions %}{% set outer = loop.index0 %}
<h2>{{ dates[outer].strftime('%A %-d %B') }}: about {{ s.minutes }} minutes{% if s.kind.value == 'deload' %} (a lighter week){% endif %}</h2>
{% for c in cards[outer] %}<div class="ex"><h3>{{ loop.index }}. {{ c.name }}</h3>
<div class="frames"><figure>{{ c.start }}<figcaption>Start</figcaption></figure><figure>{{ c.end }}<figcaption>End</figcaption></figure></div>
<p><strong>{{ c.dose }}</strong>. Rest {{ c.rest_s }} seconds between sets.</p>
<p>{{ c.tempo }} {{ c.effort }}.</p>
<p>Breathing: {{ c.breathing }}</p>
</div>{% endfor %}{% endfor %}
<h2>Words</h2>
<p><strong>Effort</strong> from 1 (very easy) to 10 (you could not do one more): an effort of 7 means
about 3 more were possible. <strong>Tempo</strong> gives the seconds for each part of a repetition.
<strong>Holds</strong>: stay still and keep breathing.</p>
</body></html>
"""
home_plain_template = env.from_string(HOME_PLAIN)


def _print_card(rx: Prescription) -> dict[str, object]:
    """One exercise on paper: plain name and dose, start and end pictures."""
    ex = exercise_library().by_id.get(rx.exercise_id)
    mobility = ex is not None and any(t in MOBILITY_TYPES for t in ex.loading_types)
    name = plain_name(rx.exercise_id, rx.name)
    return {
        "name": name,
        "dose": plain_rx_dose(rx),
        "tempo": plain_tempo(rx.tempo, mobility),
        "effort": plain_effort(rx.rpe_target),
        "rest_s": rx.rest_s,
        "breathing": client_text(rx.breathing_cue),
        # Generated SVG (numbers only), safe to embed.
        "start": Markup(figure_still(ex, "start", title=name)) if ex else "",
        "end": Markup(figure_still(ex, "end", title=name)) if ex else "",
    }


def home_week(program: Program, logs: list[SessionLog]) -> int:
    """The week of the first session not yet logged (the last week once all are done)."""
    done = {(log.week, log.index) for log in logs}
    for s in program.sessions:
        if (s.week, s.index) not in done:
            return s.week
    return program.weeks


def week_sessions(program: Program, week: int) -> list[SessionPlan]:
    return [s for s in program.sessions if s.week == week]


def home_program_html(data: ReportData, *, week: int | None = None) -> str:
    if data.program is None:
        raise NotFound("no program yet for this client: plan one first")
    allowed, why = program_allowed(data.screening, data.clearance)
    if not allowed or data.program.stopped_reason:
        # Never hand a client doses while a referral is open.
        raise SafetyBlock(
            f"program suspended: {why if not allowed else data.program.stopped_reason}"
        )
    prog = data.program
    wk = week if week is not None else home_week(prog, data.logs)
    sessions = week_sessions(prog, wk)
    if not sessions:
        raise NotFound(f"week: the program has no week {wk} (1-{prog.weeks})")
    dates: list[dt.date] = [prog.session_date(s.week, s.index) for s in sessions]
    return home_plain_template.render(
        name=data.client.name,
        week=wk,
        sessions=sessions,
        dates=dates,
        cards=[[_print_card(rx) for rx in s.prescriptions] for s in sessions],
        safety_notes=client_notes(data.screening),
    )
