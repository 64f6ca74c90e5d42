"""Import: round trip, a foreign Bundle, referrals with clearance, and refusals that store nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from conftest import TODAY, Demo, foreign_bundle, normalized, resources, row_counts
from upperback.errors import InvalidInput
from upperback.interop.importer import MAX_BYTES, parse_json, read_bundle
from upperback.model.client import ClientIn
from upperback.model.common import Sex
from upperback.model.intake import Clearance, Intake
from upperback.services import assessment, clients, fhir, preface
from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.services.demo import demo_assessment, demo_intake


def test_round_trip_gives_the_same_clinical_content(
    demo_bundle: dict[str, Any], empty: tuple[Database, Actor]
) -> None:
    db, actor = empty
    report = fhir.import_fhir(db, actor, demo_bundle, today=TODAY)
    assert report.created and report.skipped == []
    assert report.imported == {"intake": 1, "assessment": 2, "plan": 1, "log": 18}
    again = fhir.export_fhir(db, actor, report.client_id)
    assert normalized(again) == normalized(demo_bundle)


def test_round_trip_fails_the_comparison_when_content_changes(demo_bundle: dict[str, Any]) -> None:
    # the comparison is not vacuous: one changed score is a difference
    changed = copy.deepcopy(demo_bundle)
    obs = next(e["resource"] for e in changed["entry"] if "valueQuantity" in e["resource"])
    obs["valueQuantity"]["value"] += 1
    assert normalized(changed) != normalized(demo_bundle)


def test_foreign_bundle_imports_what_is_understood_and_reports_the_rest(
    empty: tuple[Database, Actor],
) -> None:
    db, actor = empty
    report = fhir.import_fhir(db, actor, foreign_bundle(), today=TODAY)
    assert report.created
    assert report.imported == {"assessment": 1}
    assert report.skipped == [
        "Observation/hr-1: code http://loinc.org|8867-4 (Heart rate) is not a measure upperback maps",
        "QuestionnaireResponse/phq-1: questionnaire 'http://loinc.org/q/44249-1' is not one upperback scores (NDI, PSFS, intake)",
        "Condition/c-1: Condition is not a resource upperback maps",
    ]
    client = clients.get_client(db, actor, report.client_id)
    assert (client.name, client.sex, client.birth_year, client.body_mass_kg) == (
        "Maja Lindqvist",
        Sex.female,
        1984,
        61.5,
    )
    (scored,) = assessment.assessment_history(db, actor, report.client_id)
    by = {(r.test_id, r.side.value if r.side else None): r.score for r in scored.results}
    assert by[("nprs", None)] == 6
    assert by[("ndi", None)] == pytest.approx(100 * 18 / 50)
    assert by[("shoulder_flexion", "R")] == 150 and by[("shoulder_flexion", "L")] == 165


def test_a_second_import_matches_the_client(empty: tuple[Database, Actor]) -> None:
    db, actor = empty
    first = fhir.import_fhir(db, actor, foreign_bundle(), today=TODAY)
    second = fhir.import_fhir(db, actor, foreign_bundle(), today=TODAY)
    assert second.client_id == first.client_id and not second.created
    assert len(assessment.assessment_history(db, actor, first.client_id)) == 2


def test_referral_and_clearance_travel(empty: tuple[Database, Actor], tmp_path: Any) -> None:
    db, actor = empty
    c = clients.add_client(
        db,
        actor,
        ClientIn(name="Rae Flag", sex=Sex.male, birth_year=1970),
        today=dt.date(2026, 1, 1),
    )
    day = dt.date(2026, 1, 5)
    intake = Intake.model_validate(
        {**demo_intake(day).model_dump(mode="json"), "red_flags": {"sudden_severe_headache": True}}
    )
    screening = preface.record_intake(db, actor, c.id, intake)
    assert screening.outcome == "refer"
    open_bundle = fhir.export_fhir(db, actor, c.id)
    (flag,) = resources(open_bundle, "Flag")
    (referral,) = resources(open_bundle, "ServiceRequest")
    assert flag["status"] == "active" and referral["status"] == "active"
    assert referral["priority"] in ("urgent", "stat")
    preface.record_clearance(
        db, actor, c.id, Clearance(date=day + dt.timedelta(days=2), note="seen by GP, cleared")
    )
    assessment.record_assessment(db, actor, c.id, demo_assessment(day + dt.timedelta(days=3), 0.0))
    cleared = fhir.export_fhir(db, actor, c.id)
    (flag,) = resources(cleared, "Flag")
    assert flag["status"] == "inactive" and flag["period"]["end"] == "2026-01-07"
    other = Database.open(tmp_path / "other.sqlite3")
    try:
        actor2 = clients.ensure_clinician(other, actor.name)
        report = fhir.import_fhir(other, actor2, cleared, today=TODAY)
        assert report.imported == {"intake": 1, "clearance": 1, "assessment": 1}
        assert normalized(fhir.export_fhir(other, actor2, report.client_id)) == normalized(cleared)
    finally:
        other.close()


def _r5(b: dict[str, Any]) -> None:
    obs = next(e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Observation")
    obs["triggeredBy"] = [{"observation": {"reference": "Observation/pain-1"}, "type": "reflex"}]


def _unknown_system(b: dict[str, Any]) -> None:
    b["entry"][1]["resource"]["code"]["coding"][0]["system"] = "http://made-up.example/codes"


def _no_value(b: dict[str, Any]) -> None:
    del b["entry"][3]["resource"]["valueQuantity"]


def _dangling(b: dict[str, Any]) -> None:
    b["entry"][2]["resource"]["subject"]["reference"] = "Patient/nobody"


def _ndi_out_of_range(b: dict[str, Any]) -> None:
    qr = next(e["resource"] for e in b["entry"] if e["resource"].get("id") == "ndi-1")
    qr["item"][0]["answer"][0]["valueInteger"] = 9


BAD = [
    (
        "R5 Bundle",
        _r5,
        r"^Observation/pain-1: triggeredBy: .* - this looks like FHIR R5; upperback reads FHIR R4$",
    ),
    (
        "unknown code system",
        _unknown_system,
        r"^Observation/pain-1: code\.coding\[0\]\.system: unknown code system 'http://made-up.example/codes'$",
    ),
    ("Observation without value", _no_value, r"^Observation/rom-1: value\[x\]: missing"),
    (
        "dangling reference",
        _dangling,
        r"^Observation/weight-1: subject\.reference: 'Patient/nobody' does not resolve inside the Bundle$",
    ),
    ("NDI item out of range", _ndi_out_of_range, r"^Observations of 2026-02-10: .*items"),
]


@pytest.mark.parametrize(("name", "break_it", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_bundles_are_refused_with_one_line_and_nothing_stored(
    empty: tuple[Database, Actor], name: str, break_it: Any, message: str
) -> None:
    db, actor = empty
    before = row_counts(db)
    b = foreign_bundle()
    break_it(b)
    with pytest.raises(InvalidInput, match=message) as err:
        fhir.import_fhir(db, actor, b, today=TODAY)
    assert "\n" not in err.value.message
    assert row_counts(db) == before


def test_invalid_json_and_size_bound() -> None:
    with pytest.raises(InvalidInput, match=r"^bundle.json: malformed JSON at line 1 column 2$"):
        parse_json(b"{x", "bundle.json")
    with pytest.raises(InvalidInput, match=r"over the \d+ byte limit"):
        parse_json(b" " * (MAX_BYTES + 1))
    with pytest.raises(InvalidInput, match=r"expected a FHIR Bundle, got 'Patient'"):
        read_bundle({"resourceType": "Patient"})


def test_a_failure_late_in_the_replay_rolls_back_everything(
    demo_bundle: dict[str, Any], empty: tuple[Database, Actor]
) -> None:
    db, actor = empty
    fhir.import_fhir(db, actor, demo_bundle, today=TODAY)
    before = row_counts(db)
    # the same record again: the client matches, the intake and both assessments replay,
    # then the plan collides with the stored logs and the whole import is undone
    with pytest.raises(
        InvalidInput,
        match=r"^CarePlan/urn:uuid:\S+: start: a new plan cannot start before the last logged session",
    ):
        fhir.import_fhir(db, actor, demo_bundle, today=TODAY)
    assert row_counts(db) == before


def test_clients_may_not_import(demo: tuple[Database, Demo]) -> None:
    from upperback.errors import Forbidden

    db, d = demo
    with pytest.raises(Forbidden):
        fhir.import_fhir(
            db, Actor(role="client", client_id=d.client_id), foreign_bundle(), today=TODAY
        )


def test_example_bundle_in_docs_is_a_real_export(demo_bundle: dict[str, Any]) -> None:
    from pathlib import Path

    doc = Path(__file__).parents[2] / "docs" / "fhir-example-bundle.json"
    example = json.loads(doc.read_text(encoding="utf-8"))
    fhir_kinds = {e["resource"]["resourceType"] for e in example["entry"]}
    assert fhir_kinds >= {"Patient", "Observation", "QuestionnaireResponse", "CarePlan"}
    from upperback.interop.rules import check_bundle

    check_bundle(example, strict=True)


def test_deeply_nested_json_and_too_many_records_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from upperback.interop import importer

    with pytest.raises(InvalidInput, match="nested too deeply"):
        parse_json(b"[" * 200_000 + b"]" * 200_000)
    monkeypatch.setattr(importer, "MAX_EVENTS", 0)
    with pytest.raises(
        InvalidInput, match=r"^Bundle: entry: 1 records to import; at most 0 per Bundle"
    ):
        importer.read_bundle(foreign_bundle())


def test_overrides_travel_and_the_program_round_trips(
    empty: tuple[Database, Actor], tmp_path: Any
) -> None:
    import random

    from upperback.model.adaptation import Override, OverrideField
    from upperback.services import program, sessions
    from upperback.services.demo import perform

    db, actor = empty
    c = clients.add_client(
        db,
        actor,
        ClientIn(name="Olu Override", sex=Sex.female, birth_year=1990, body_mass_kg=60),
        today=dt.date(2026, 1, 1),
    )
    start = dt.date(2026, 1, 5)
    preface.record_intake(db, actor, c.id, demo_intake(start - dt.timedelta(days=2)))
    assessment.record_assessment(
        db, actor, c.id, demo_assessment(start - dt.timedelta(days=2), 0.0)
    )
    plan = program.plan_program(db, actor, c.id, start_date=start, seed=3)
    rng = random.Random(3)
    first = program.next_view(db, actor, c.id).session
    assert first is not None
    sessions.log_session(db, actor, c.id, perform(first, start, 1, rng))
    exercise = plan.sessions[1].prescriptions[0].exercise_id
    program.add_override(
        db,
        actor,
        c.id,
        Override(
            exercise_id=exercise,
            field=OverrideField.sets,
            value="2",
            reason="shoulder flares with 3 sets",
            date=start + dt.timedelta(days=1),
        ),
    )
    second = program.next_view(db, actor, c.id).session
    assert second is not None
    sessions.log_session(
        db, actor, c.id, perform(second, plan.session_date(second.week, second.index), 1, rng)
    )
    bundle = fhir.export_fhir(db, actor, c.id)
    orders = [r for r in resources(bundle, "ServiceRequest") if r.get("reasonCode")]
    assert [o["orderDetail"][0]["text"] for o in orders] == ["2"]
    other = Database.open(tmp_path / "other.sqlite3")
    try:
        actor2 = clients.ensure_clinician(other, actor.name)
        report = fhir.import_fhir(other, actor2, bundle, today=TODAY)
        assert report.imported == {"intake": 1, "assessment": 1, "plan": 1, "log": 2, "override": 1}
        assert normalized(fhir.export_fhir(other, actor2, report.client_id)) == normalized(bundle)
    finally:
        other.close()


def test_fear_avoidance_scores_travel_as_questionnaire_and_observations(
    empty: tuple[Database, Actor], tmp_path: Any
) -> None:
    if "tsk11" not in Intake.model_fields:
        pytest.skip("the intake has no TSK-11 field yet (issue 10 adds it)")
    db, actor = empty
    c = clients.add_client(
        db,
        actor,
        ClientIn(name="Fae Fear", sex=Sex.female, birth_year=1979),
        today=dt.date(2026, 1, 1),
    )
    intake = Intake.model_validate(
        {**demo_intake(dt.date(2026, 1, 5)).model_dump(mode="json"), "tsk11": 31, "fabq_pa": 15}
    )
    preface.record_intake(db, actor, c.id, intake)
    bundle = fhir.export_fhir(db, actor, c.id)
    scores = {
        o["code"]["coding"][0]["code"]: o["valueQuantity"]["value"]
        for o in resources(bundle, "Observation")
        if o["code"]["coding"][0]["code"] in ("tsk-11", "fabq-pa")
    }
    assert scores == {"tsk-11": 31, "fabq-pa": 15}
    other = Database.open(tmp_path / "other.sqlite3")
    try:
        actor2 = clients.ensure_clinician(other, actor.name)
        report = fhir.import_fhir(other, actor2, bundle, today=TODAY)
        assert report.skipped == []
        assert normalized(fhir.export_fhir(other, actor2, report.client_id)) == normalized(bundle)
    finally:
        other.close()
