"""Export of the seeded demo client: resource types, codes, units, checks, a validator run."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from conftest import Demo, codes_of, resources
from upperback.errors import NotFound
from upperback.interop.rules import check_bundle
from upperback.services import fhir
from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.store.tables import AuditRow

LOINC = "http://loinc.org"


def test_demo_export_has_every_resource_type(demo_bundle: dict[str, Any]) -> None:
    kinds = Counter(e["resource"]["resourceType"] for e in demo_bundle["entry"])
    for kind in (
        "Patient",
        "Practitioner",
        "Observation",
        "Questionnaire",
        "QuestionnaireResponse",
        "CarePlan",
        "Goal",
        "ServiceRequest",
    ):
        assert kinds[kind] >= 1, kind
    assert demo_bundle["type"] == "transaction"
    assert all(e["request"]["method"] == "POST" for e in demo_bundle["entry"])


def test_scores_carry_loinc_codes_and_ucum_units(demo_bundle: dict[str, Any]) -> None:
    obs = resources(demo_bundle, "Observation")
    pain = [o for o in obs if f"{LOINC}|72514-3" in codes_of(o)]
    assert len(pain) == 2  # baseline and week-4 reassessment
    assert pain[0]["valueQuantity"]["code"] == "{score}"
    assert pain[0]["valueQuantity"]["system"] == "http://unitsofmeasure.org"
    assert [p["valueQuantity"]["value"] for p in pain] == [5, 4]
    ndi = [o for o in obs if f"{LOINC}|82237-9" in codes_of(o)]
    assert ndi and ndi[0]["valueQuantity"]["code"] == "%"
    flexion = [o for o in obs if f"{LOINC}|41389-8" in codes_of(o)]
    sites = {o["bodySite"]["coding"][0]["code"] for o in flexion}
    assert sites == {"91775009", "91774008"}  # left and right shoulder region
    assert all(o["valueQuantity"]["code"] == "deg" for o in flexion)


def test_ndi_total_is_derived_from_a_questionnaire_response_of_the_ndi_panel(
    demo_bundle: dict[str, Any],
) -> None:
    by_url = {e["fullUrl"]: e["resource"] for e in demo_bundle["entry"]}
    ndi = next(
        o for o in resources(demo_bundle, "Observation") if f"{LOINC}|82237-9" in codes_of(o)
    )
    qr = by_url[ndi["derivedFrom"][0]["reference"]]
    assert qr["resourceType"] == "QuestionnaireResponse"
    q = next(q for q in resources(demo_bundle, "Questionnaire") if q["url"] == qr["questionnaire"])
    assert q["code"][0]["code"] == "82226-2"
    answers = [it["answer"][0]["valueInteger"] for it in qr["item"]]
    assert len(answers) == 10
    assert ndi["valueQuantity"]["value"] == pytest.approx(100 * sum(answers) / 50)


def test_psfs_fear_avoidance_and_intake_travel_as_questionnaire_responses(
    demo_bundle: dict[str, Any],
) -> None:
    urls = {qr["questionnaire"] for qr in resources(demo_bundle, "QuestionnaireResponse")}
    assert {
        "urn:upperback:questionnaire:intake",
        "urn:upperback:questionnaire:fear-avoidance",
        "urn:upperback:questionnaire:psfs-1",
        "urn:upperback:questionnaire:ndi",
    } <= urls
    fear = next(
        qr
        for qr in resources(demo_bundle, "QuestionnaireResponse")
        if qr["questionnaire"].endswith("fear-avoidance")
    )
    assert fear["item"][0]["answer"][0]["valueBoolean"] is True


def test_careplan_goals_and_program_request(demo_bundle: dict[str, Any]) -> None:
    (plan,) = resources(demo_bundle, "CarePlan")
    assert plan["intent"] == "plan" and plan["status"] == "active"
    details = [a["detail"] for a in plan["activity"] if "detail" in a]
    assert len(details) == 36  # 12 weeks x 3 sessions
    statuses = Counter(d["status"] for d in details)
    assert statuses["completed"] + statuses["cancelled"] == 18  # six weeks logged
    assert statuses["not-started"] == 18
    goals = {g["description"]["coding"][0]["code"] for g in resources(demo_bundle, "Goal")}
    assert goals == {"goal-endurance", "goal-motor-control"}
    (order,) = resources(demo_bundle, "ServiceRequest")
    assert order["intent"] == "order" and order["orderDetail"]


def test_each_logged_session_is_an_observation_with_pain_effort_and_completion(
    demo_bundle: dict[str, Any],
) -> None:
    obs = resources(demo_bundle, "Observation")
    logs = [o for o in obs if "urn:upperback:codes|session-log" in codes_of(o)]
    assert len(logs) == 18
    comp = {c["code"]["coding"][0]["code"] for log in logs for c in log["component"]}
    assert {"session-completed", "pain-next-morning", "program-week"} <= comp
    sets = [o for o in obs if "urn:upperback:codes|exercise-set" in codes_of(o)]
    set_comp = {c["code"]["coding"][0]["code"] for s in sets for c in s["component"]}
    assert {"rpe", "pain-during", "exercise"} <= set_comp
    assert sum(len(log.get("hasMember", [])) for log in logs) == len(sets)


def test_demo_export_passes_our_strict_checks_and_is_deterministic(
    demo: tuple[Database, Demo], demo_bundle: dict[str, Any]
) -> None:
    check_bundle(demo_bundle, strict=True)
    db, d = demo
    again = fhir.export_fhir(db, d.clinician, d.client_id)
    assert again == demo_bundle


# pyrofile-validator 0.3.0 builds its element tables from fhir.resources and drops every
# element named `text` as if it were DomainResource.text, so Questionnaire.item.text (an R4
# element) is reported unknown; our local extensions have no StructureDefinition to load.
KNOWN_FALSE_POSITIVE = ("element.unknown", ".text")


def test_demo_export_validates_with_pyrofile(demo_bundle: dict[str, Any]) -> None:
    config_mod = pytest.importorskip("pyrofile_validator.config")
    engine = pytest.importorskip("pyrofile_validator.core.engine")
    validator = engine.Validator(config_mod.ValidatorConfig(allow_unknown_extensions=True))
    report = validator.validate_resource(demo_bundle)
    errors = [
        f"{i.code} {i.path}: {i.message}"
        for i in report.issues
        if i.severity.value in ("error", "fatal")
        and not (
            i.code == KNOWN_FALSE_POSITIVE[0]
            and i.path.endswith(KNOWN_FALSE_POSITIVE[1])
            and i.path.startswith("Questionnaire.item")
        )
    ]
    assert errors == []
    # the validator does check what we rely on it for: a required binding
    bad = {"resourceType": "Patient", "gender": "f"}
    assert any(i.code == "terminology.required" for i in validator.validate_resource(bad).issues)


def test_same_access_rules_as_all_client_data(demo: tuple[Database, Demo]) -> None:
    db, d = demo
    stranger = Actor(role="clinician", clinician_id=d.clinician.clinician_id + 1, name="other")  # type: ignore[operator]
    with pytest.raises(NotFound):
        fhir.export_fhir(db, stranger, d.client_id)
    own = Actor(role="client", client_id=d.client_id, name="alex")
    bundle = fhir.export_fhir(db, own, d.client_id)  # a client may take their own record
    assert resources(bundle, "Patient")[0]["name"][0]["text"] == "Alex Demo (simulated)"
    other_client = Actor(role="client", client_id=d.client_id + 1, name="sam")
    with pytest.raises(NotFound):
        fhir.export_fhir(db, other_client, d.client_id)
    with db.uow() as uow:
        actions = list(
            uow.session.scalars(select(AuditRow.actor).where(AuditRow.action == "fhir.export"))
        )
    assert actions[-1] == f"client:{d.client_id}:alex"
    assert not [
        a for a in actions if a.endswith((":other", ":sam"))
    ]  # refused reads leave no export


def test_export_timestamp_is_optional(demo: tuple[Database, Demo]) -> None:
    db, d = demo
    at = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    assert fhir.export_fhir(db, d.clinician, d.client_id, now=at)["timestamp"].startswith(
        "2026-03-02T12:00"
    )
