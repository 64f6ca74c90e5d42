"""Template of the referral letter (self-contained HTML, printable)."""

from __future__ import annotations

from jinja2 import BaseLoader, Environment, select_autoescape

_CSS = """
body{font-family:Georgia,'Times New Roman',serif;margin:2rem auto;max-width:44rem;padding:0 1rem;color:#111;line-height:1.5}
h1{font-size:1.3rem;margin:0 0 .4rem}h2{font-size:1.05rem;margin:1.2rem 0 .3rem}
.meta{color:#444;font-size:.92rem}.urgent{border:2px solid #b00020;padding:.5rem .8rem;font-weight:700}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{border-bottom:1px solid #bbb;padding:.3rem .4rem;text-align:left;vertical-align:top}
.sig{margin-top:2rem}.small{font-size:.85rem;color:#444}
@media (max-width:30rem){table,tbody,tr,td,th{display:block}thead{display:none}td{border:0;padding:.1rem 0}tr{border-bottom:1px solid #bbb;padding:.3rem 0}}
@media print{body{margin:0;max-width:none}}
"""

LETTER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Referral: {{ d.client.name }}</title><style>{{ css|safe }}</style></head><body>
<p class="meta">{{ today }}</p>
<p>To the general practitioner / specialist</p>
<h1>Referral: {{ d.client.name }}, {{ d.client.sex.value }}, {{ age }} years (born {{ d.client.birth_year }})</h1>
<p class="urgent">{{ urgency[d.screening.urgency.value] }}</p>
<p>Dear colleague,</p>
<p>I saw {{ d.client.name }} on {{ d.intake.date }} for {{ d.intake.complaint or 'neck / upper-back symptoms' }}.
At pre-exercise screening the findings below were positive. I have not started a loading program and
ask you to assess and advise before any exercise is prescribed.</p>
<h2>Positive screening findings</h2>
<table><thead><tr><th>Finding</th><th>Urgency</th><th>Recommended action</th><th>Basis</th></tr></thead><tbody>
{% for h in d.screening.hits %}<tr><td>{{ h.label }}</td><td>{{ h.urgency.value }}</td><td>{{ h.action }}</td><td class="small">{{ h.evidence }}</td></tr>{% endfor %}
</tbody></table>
<h2>History</h2>
<ul>
<li>Current pain {{ '%g'|format(d.intake.pain_now) }}/10; symptoms for {{ '%g'|format(d.intake.pain_duration_weeks) }} weeks.</li>
{% if d.intake.history %}<li>{{ d.intake.history }}</li>{% endif %}
{% if d.intake.occupation %}<li>Occupation: {{ d.intake.occupation }} ({{ d.intake.work_posture.value }} work).</li>{% endif %}
{% if d.intake.hypertension %}<li>Known hypertension.</li>{% endif %}
{% set negatives = d.intake.red_flags.items()|selectattr(1, 'equalto', 'no')|list %}
{% if negatives %}<li>Screened negative for {{ negatives|length }} other red-flag item{{ 's' if negatives|length != 1 }}.</li>{% endif %}
{% if d.screening.yellow_flags %}<li>Psychosocial factors noted: {{ d.screening.yellow_flags|join(', ')|replace('_', ' ') }}.</li>{% endif %}
</ul>
{% for a in d.screening.advice %}<p>{{ a }}</p>{% endfor %}
<p>Please let me know your findings and whether graded exercise of the neck and upper back is appropriate.</p>
<p class="sig">Kind regards,<br>{{ d.clinician }}</p>
<p class="small">Screening items follow the IFOMPT cervical framework and published clinical prediction rules as
listed; this letter was prepared with upperback {{ version }}, which supports but does not replace clinical judgement.{% if d.cleared %} A clearance has since been recorded for this referral.{% endif %}</p>
</body></html>
"""

_env = Environment(loader=BaseLoader(), autoescape=select_autoescape(default=True))
_env.globals["css"] = _CSS
referral_template = _env.from_string(LETTER)
