"""Rich renderings of domain results for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.loading.dose import load_text
from upperback.model.adaptation import Adaptation
from upperback.model.assessment import ScoredAssessment
from upperback.model.intake import ScreeningResult
from upperback.model.profile import DeficitProfile
from upperback.model.program import Program, SessionPlan


def screening(console: Console, result: ScreeningResult) -> None:
    if result.outcome == "refer":
        console.print(
            f"[bold red]REFER[/] (urgency: {result.urgency.value}); no program until a clinician records a clearance"
        )
        for hit in result.hits:
            console.print(escape(f"  - [{hit.domain}] {hit.label}: {hit.action} ({hit.evidence})"))
    else:
        console.print("[green]screening clear[/]: no red flag reported")
    for hit in result.precautions:
        console.print(escape(f"  precaution - {hit.label}: {hit.action} ({hit.evidence})"))
    if result.yellow_flags:
        console.print(
            "yellow flags (adapt dosing and education): " + ", ".join(result.yellow_flags)
        )
    for line in result.advice:
        console.print(escape(f"  advice: {line}"))
    for note in result.education:
        console.print(escape(f"  for the client - {note.title}: {note.text}"))


def dose(p: object) -> str:
    from upperback.model.program import Prescription

    assert isinstance(p, Prescription)
    amount = f"{p.reps} reps" if p.reps is not None else f"{p.hold_s} s hold"
    load = load_text(p, exercise_library().by_id.get(p.exercise_id), loading_rules())
    side = " each side" if p.per_side else ""
    return f"{p.sets} x {amount}{side}{load}"


def scored(console: Console, result: ScoredAssessment) -> None:
    table = Table(
        "test", "side", "score", "band", "norm", "change", title=f"Assessment {result.date}"
    )
    for r in result.results:
        norm = f"{r.norm.status} ({r.norm.reference})" if r.norm else ""
        change = ""
        if r.change:
            mark = "meaningful" if r.change.meaningful else "within error"
            change = f"{r.change.delta:+g} ({r.change.direction}, {mark}; {r.change.threshold_kind} {r.change.threshold:g})"
        table.add_row(
            r.name,
            r.side.value if r.side else "",
            f"{r.score:g} {r.unit}",
            r.band or "",
            norm,
            change,
        )
    console.print(table)


def profile(console: Console, prof: DeficitProfile) -> None:
    console.print(
        f"[bold]Deficit profile[/] ({prof.assessment_date}), irritability {prof.irritability.value}"
    )
    if prof.irritability_reason:
        console.print(escape(f"  irritability: {prof.irritability_reason}"))
    for rank, code in enumerate(prof.priorities, 1):
        found = sorted(
            (f for f in prof.findings if f.code == code), key=lambda f: -f.severity.weight
        )
        for f in found:
            console.print(escape(f" {rank}. [{f.severity.value}] {f.statement}"))
            console.print(
                escape(
                    f"    evidence: {f.evidence}; source: {f.source}"
                    + (f"; uncertain: {f.uncertainty}" if f.uncertainty else "")
                )
            )
    if not prof.findings:
        console.print(" no deficit found against the published norms")


def session(console: Console, plan: SessionPlan, *, with_rationale: bool = False) -> None:
    title = escape(
        f"Week {plan.week}, session {plan.index} ({plan.kind.value}): {plan.focus}, about {plan.minutes} min"
    )
    table = Table(
        "exercise",
        "dose",
        "tempo",
        "rest",
        "RPE",
        "breathing and cues",
        title=title,
        show_lines=True,
    )
    for p in plan.prescriptions:
        cues = p.breathing_cue + (
            "\n" + "\n".join(f"- {c}" for c in p.coaching_cues[:3]) if p.coaching_cues else ""
        )
        if with_rationale:
            cues += f"\nwhy: {p.rationale}"
        table.add_row(
            escape(p.name), dose(p), p.tempo, f"{p.rest_s} s", f"{p.rpe_target:g}", escape(cues)
        )
    console.print(table)


def program(console: Console, prog: Program) -> None:
    console.print(
        f"[bold]Program v{prog.version}[/], {prog.weeks} weeks from {prog.start_date}, {prog.sessions_per_week} sessions/week"
    )
    for ph in prog.phases:
        console.print(
            escape(
                f" - {ph.name} (weeks {ph.weeks[0]}-{ph.weeks[-1]}, {ph.goal.value}): {ph.emphasis}"
            )
        )
    for line in prog.rationale:
        console.print(escape(f"   why: {line}"))
    if prog.excluded:
        console.print(
            escape(
                "excluded: "
                + "; ".join(f"{e.exercise_id} ({e.reason})" for e in prog.excluded[:12])
            )
        )
    first = prog.sessions[0] if prog.sessions else None
    if first:
        session(console, first)


def adaptations(console: Console, items: list[Adaptation], title: str = "Adaptations") -> None:
    if not items:
        console.print(f"{title}: none (the next session stays as planned)")
        return
    table = Table("from", "rule", "exercise", "change", "why", title=title, show_lines=True)
    for a in items:
        change = (
            f"{a.action.value}: {a.before} -> {a.after}" if a.before or a.after else a.action.value
        )
        if a.action.value == "clinician_alert":
            console.print(escape(f"CLINICIAN ALERT ({a.exercise_id or 'program'}): {a.reason}"))
        table.add_row(
            f"{a.from_week}.{a.from_index}",
            a.rule_id,
            a.exercise_id or "",
            escape(change),
            escape(a.reason),
        )
    console.print(table)
