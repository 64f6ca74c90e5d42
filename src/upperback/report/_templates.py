"""Jinja2 templates of the stand-alone reports (self-contained HTML: inline CSS and images)."""

from __future__ import annotations

from jinja2 import BaseLoader, Environment, select_autoescape

_BASE_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem auto;max-width:60rem;
padding:0 1rem;color:#1c2530;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #dde;padding:.3rem .4rem;text-align:left;vertical-align:top}
.muted{color:#5a6573;font-size:.85rem}.warn{background:#fff4e0;border-left:4px solid #d98a00;padding:.5rem .8rem}
.refer{background:#fde8e8;border-left:4px solid #c62828;padding:.5rem .8rem}
img{max-width:100%;height:auto}.ex{page-break-inside:avoid;border:1px solid #ccd;border-radius:6px;padding:.6rem .9rem;margin:.6rem 0}
.dose{font-weight:600}ul{margin:.2rem 0 .4rem 1.1rem;padding:0}
@media print{body{margin:0;max-width:none}.noprint{display:none}h2{page-break-after:avoid}}
"""

PROGRESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Progress report: {{ client.name }}</title><style>{{ css }}</style></head><body>
<h1>Progress report: {{ client.name }}</h1>
<p class="muted">Client {{ client.id }} · report date {{ today }} · produced by upperback {{ version }}.
upperback advises a clinician; it does not diagnose.{% if simulated %} Session data of this client are SIMULATED.{% endif %}</p>
{% if screening and screening.outcome == 'refer' %}
<p class="refer"><strong>Referral ({{ screening.urgency.value }})</strong>{% if clearance %}: cleared {{ clearance.date }} ({{ clearance.note }}){% else %}: open; loading is blocked until a clinician records a clearance{% endif %}.</p>
{% endif %}
<h2>Outcomes against clinically meaningful change</h2>
{% if outcomes %}<table><tr><th>measure</th><th>baseline</th><th>latest</th><th>change</th><th>threshold</th><th>meaningful</th></tr>
{% for o in outcomes %}<tr><td>{{ o.measure }}</td><td>{{ '%g'|format(o.baseline) }} {{ o.unit }}</td><td>{{ '%g'|format(o.latest) }}</td>
<td>{{ '%+g'|format(o.change) }}</td><td>{% if o.threshold is not none %}{{ '%g'|format(o.threshold) }} ({{ o.threshold_kind }}){% else %}-{% endif %}</td>
<td>{% if o.meaningful is none %}-{% elif o.meaningful %}yes{% if o.improved %}, improved{% elif o.improved is not none %}, worse{% endif %}{% else %}no{% endif %}</td></tr>{% endfor %}
</table>{% else %}<p>No assessments yet.</p>{% endif %}
{% if adherence %}<p>Adherence: {{ '%.0f'|format(adherence.adherence*100) }} % of planned sessions
({{ adherence.completed_sessions }} completed of {{ adherence.planned_sessions }} planned so far);
last {{ adherence.recent_days }} days {% if adherence.recent_adherence is none %}no sessions due{% else %}{{ '%.0f'|format(adherence.recent_adherence*100) }} %{% endif %}; longest gap {{ adherence.longest_gap_days }} days.</p>{% endif %}
<h2>Plots</h2>
{% for p in plots %}<figure><img alt="{{ p.title }}" src="data:image/png;base64,{{ p.b64 }}"></figure>{% else %}<p>No data to plot yet.</p>{% endfor %}
{% if profile %}<h2>Deficit profile ({{ profile.assessment_date }})</h2>
<table><tr><th>finding</th><th>severity</th><th>evidence</th></tr>
{% for f in profile.findings %}<tr><td>{{ f.statement }}</td><td>{{ f.severity.value }}</td><td>{{ f.evidence }}</td></tr>{% endfor %}</table>{% endif %}
<h2>Adaptations and their reasons</h2>
{% if adaptations %}<table><tr><th>date</th><th>from</th><th>change</th><th>reason</th></tr>
{% for a in adaptations %}<tr><td>{{ a.date }}</td><td>{{ a.from_week }}.{{ a.from_index }}</td><td>{{ a.action.value }}{% if a.exercise_id %} {{ a.exercise_id }}{% endif %}{% if a.after %}: {{ a.before }} → {{ a.after }}{% endif %}</td><td>{{ a.reason }}</td></tr>{% endfor %}</table>
{% else %}<p>None yet.</p>{% endif %}
</body></html>
"""

HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Home program: {{ client.name }}</title><style>{{ css }}</style></head><body>
<h1>Your home exercise program</h1>
<p class="muted">{{ client.name }} · program version {{ program.version }} · week {{ week }}{% if phase %} ({{ phase.name }}: {{ phase.emphasis }}){% endif %}.
Stop and contact your clinician if pain rises above 5/10 during an exercise or is worse the next morning.</p>
<p class="noprint muted">Use your browser's Print command for a paper copy.</p>
{% for s in sessions %}<h2>Session {{ s.week }}.{{ s.index }} · {{ dates[loop.index0] }} · about {{ s.minutes }} min{% if s.kind.value == 'deload' %} · lighter week{% endif %}</h2>
<p>{{ s.focus }}</p>
{% for p in s.prescriptions %}{% set ex = library.get(p.exercise_id) %}<div class="ex"><strong>{{ loop.index }}. {{ p.name }}</strong>
<div class="dose">{{ p.sets }} sets × {% if p.reps %}{{ p.reps }} reps{% else %}{{ p.hold_s }} s hold{% endif %}{% if p.per_side %} each side{% endif %}
{% if p.load_kg %} · {{ '%g'|format(p.load_kg) }} kg{% endif %}{% if p.level is not none %} · level {{ p.level }}{% endif %} · tempo {{ p.tempo }} · rest {{ p.rest_s }} s · effort RPE {{ '%g'|format(p.rpe_target) }}</div>
{% if ex %}<div class="muted">Position: {{ ex.position }}</div>{% endif %}
<div>Breathing: {{ p.breathing_cue }}</div>
{% if p.coaching_cues %}<ul>{% for c in p.coaching_cues %}<li>{{ c }}</li>{% endfor %}</ul>{% endif %}
{% if ex and ex.compensations %}<div class="muted">Watch for: {{ ex.compensations|join('; ') }}</div>{% endif %}
</div>{% endfor %}{% endfor %}
<p class="muted">Produced by upperback {{ version }} for your clinician's program; it advises and does not diagnose.</p>
</body></html>
"""

env = Environment(loader=BaseLoader(), autoescape=select_autoescape(default=True))
env.globals["css"] = _BASE_CSS
progress_template = env.from_string(PROGRESS)
home_template = env.from_string(HOME)
