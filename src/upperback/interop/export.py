"""Build one FHIR R4 transaction Bundle from a client's record (fhir.resources R4B models).

Every resource is validated by its R4B model as it is made; the Bundle is then held against
the code table and the R4 rules (rules.py). Entry order and ids are deterministic, so two
exports of the same record are equal, and so are a record's exports before and after an
import elsewhere once ids are set aside.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from upperback.interop.codings import coding, concept, quantity
from upperback.interop.intake_form import intake_items, intake_questionnaire
from upperback.interop.record import Assessment, ClientRecord, Referral
from upperback.knowledge.codes import CodeTable, fhir_codes
from upperback.knowledge.tests_catalog import battery
from upperback.model.assessment import ScoredResult, TestResult
from upperback.model.common import Side
from upperback.model.intake import Intake, Urgency
from upperback.model.program import Program, SessionPlan
from upperback.model.session import SessionLog, SetLog

NAMESPACE = uuid.UUID("6f1c7a53-3d0e-4d57-9d8e-2f0b8f4e51a1")
QUESTIONNAIRE_BASE = "urn:upperback:questionnaire:"
SEED_EXTENSION = "urn:upperback:extension:program-seed"
VERSION_EXTENSION = "urn:upperback:extension:program-version"
SURVEY_TESTS = frozenset({"nprs", "ndi", "psfs"})
SHOULDER_TESTS = frozenset({"shoulder_flexion", "shoulder_abduction", "shoulder_er", "shoulder_ir"})
PRIORITY = {
    Urgency.none: "routine",
    Urgency.routine: "routine",
    Urgency.urgent: "urgent",
    Urgency.emergency: "stat",
}
FEAR_FLAG = "fear_of_movement"
# (linkId = intake field, code key, item type); TSK-11 and FABQ-PA are read from the intake
# when it has them (getattr: the fields arrived with the clinical intake work)
FEAR_ITEMS = (
    (FEAR_FLAG, "fear_of_movement", "boolean"),
    ("tsk11", "tsk11", "integer"),
    ("fabq_pa", "fabq_pa", "integer"),
)


class _Builder:
    def __init__(self, record: ClientRecord, table: CodeTable) -> None:
        self.r = record
        self.t = table
        self.entries: list[dict[str, Any]] = []
        self.patient = self.url("patient")
        self.practitioner = self.url("practitioner")

    def url(self, key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{self.r.client.id}/{key}')}"

    def add(self, key: str, resource: dict[str, Any], if_none_exist: str | None = None) -> str:
        """Validate through the R4B model, then append as a POST entry.

        The validated input is kept (it is JSON already): serialising each model back out
        cost about 14 ms a resource, most of an export's time.
        """
        kind = resource["resourceType"]
        get_fhir_model_class(kind).model_validate(resource)
        full = self.url(key)
        request: dict[str, Any] = {"method": "POST", "url": kind}
        if if_none_exist:
            request["ifNoneExist"] = if_none_exist
        self.entries.append({"fullUrl": full, "resource": resource, "request": request})
        return full

    def subject(self) -> dict[str, str]:
        return {"reference": self.patient}

    # --- who -------------------------------------------------------------------------------
    def people(self) -> None:
        c = self.r.client
        self.add(
            "practitioner",
            {
                "resourceType": "Practitioner",
                "name": [{"text": self.r.clinician_name}],
                "qualification": [{"code": concept(self.t.get("qualification_pt"))}],
            },
        )
        patient: dict[str, Any] = {
            "resourceType": "Patient",
            "identifier": [{"system": self.t.system("patient_id"), "value": str(c.id)}],
            "name": [{"text": c.name}],
            "gender": c.sex.value,
            "birthDate": f"{c.birth_year:04d}",
            "generalPractitioner": [{"reference": self.practitioner}],
        }
        if c.email:
            patient["telecom"] = [{"system": "email", "value": c.email}]
        self.add("patient", patient)
        if c.body_mass_kg is not None:
            self.add(
                "body-weight",
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": [concept(self.t.get("cat_vital"))],
                    "code": concept(self.t.get("body_weight")),
                    "subject": self.subject(),
                    "valueQuantity": quantity(self.t, c.body_mass_kg, "kg"),
                },
            )

    # --- intake, fear-avoidance, referrals ---------------------------------------------------
    def intakes(self) -> None:
        if not self.r.intakes:
            return
        q_url = QUESTIONNAIRE_BASE + "intake"
        self.add("q-intake", intake_questionnaire(self.r.intakes, self.t, q_url), f"url={q_url}")
        if any(_fear_answers(i) for i in self.r.intakes):
            self.fear_questionnaire()
        for n, intake in enumerate(self.r.intakes):
            self.add(
                f"qr-intake-{n}",
                {
                    "resourceType": "QuestionnaireResponse",
                    "questionnaire": q_url,
                    "status": "completed",
                    "subject": self.subject(),
                    "authored": intake.date.isoformat(),
                    "author": {"reference": self.practitioner},
                    "item": intake_items(intake),
                },
            )
            if _fear_answers(intake):
                self.fear_response(n, intake)

    def fear_questionnaire(self) -> None:
        url = QUESTIONNAIRE_BASE + "fear-avoidance"
        items = []
        for link, key, kind in FEAR_ITEMS:
            entry = self.t.get(key)
            items.append(
                {"linkId": link, "text": entry.display, "code": [coding(entry)], "type": kind}
            )
        self.add(
            "q-fear-avoidance",
            {
                "resourceType": "Questionnaire",
                "url": url,
                "name": "UpperbackFearAvoidance",
                "title": "Fear avoidance: fear of movement, TSK-11, FABQ physical activity",
                "status": "active",
                "subjectType": ["Patient"],
                "code": [coding(self.t.get("fear_avoidance_panel"))],
                "item": items,
            },
            f"url={url}",
        )

    def fear_response(self, n: int, intake: Intake) -> None:
        """The fear-avoidance answers, and each score as an Observation derived from them."""
        answers = _fear_answers(intake)
        qr = self.add(
            f"qr-fear-{n}",
            {
                "resourceType": "QuestionnaireResponse",
                "questionnaire": QUESTIONNAIRE_BASE + "fear-avoidance",
                "status": "completed",
                "subject": self.subject(),
                "authored": intake.date.isoformat(),
                "item": [
                    {
                        "linkId": link,
                        "answer": [
                            {"valueBoolean": v} if isinstance(v, bool) else {"valueInteger": v}
                        ],
                    }
                    for link, v in answers.items()
                ],
            },
        )
        for link, key, kind in FEAR_ITEMS:
            value = answers.get(link)
            if kind != "integer" or value is None:
                continue
            self.add(
                f"obs-fear-{n}-{link}",
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": [concept(self.t.get("cat_survey"))],
                    "code": concept(self.t.get(key)),
                    "subject": self.subject(),
                    "effectiveDateTime": intake.date.isoformat(),
                    "valueQuantity": quantity(self.t, float(value), "points"),
                    "derivedFrom": [{"reference": qr}],
                },
            )

    def referrals(self) -> None:
        for n, ref in enumerate(self.r.referrals):
            self.referral(n, ref)

    def referral(self, n: int, ref: Referral) -> None:
        s = ref.screening
        labels = [h.label for h in s.hits] or ["red-flag screening"]
        notes = [{"text": a} for a in s.advice]
        if ref.clearance is not None:
            notes.append(
                {"time": _instant(ref.clearance.date), "text": f"cleared: {ref.clearance.note}"}
            )
        reasons = []
        for h in s.hits:
            entry = self.t.lookup(self.t.system("red_flag"), h.flag_id)
            reasons.append(concept(entry, h.label) if entry else {"text": h.label})
        request: dict[str, Any] = {
            "resourceType": "ServiceRequest",
            "status": "completed" if ref.clearance else "active",
            "intent": "order",
            "priority": PRIORITY[s.urgency],
            "code": concept(self.t.get("referral")),
            "subject": self.subject(),
            "authoredOn": ref.date.isoformat(),
            "requester": {"reference": self.practitioner},
            "reasonCode": reasons or [{"text": "red-flag screening"}],
            "note": notes or None,
        }
        sr = self.add(f"referral-{n}", _clean(request))
        period: dict[str, str] = {"start": ref.date.isoformat()}
        if ref.clearance is not None:
            period["end"] = ref.clearance.date.isoformat()
        self.add(
            f"flag-{n}",
            {
                "resourceType": "Flag",
                "status": "inactive" if ref.clearance else "active",
                "category": [concept(self.t.get("flag_clinical"))],
                "code": concept(self.t.get("red_flag_alert"), "Red flag: " + "; ".join(labels)),
                "subject": self.subject(),
                "period": period,
                "author": {"reference": self.practitioner},
                "extension": [
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/flag-detail",
                        "valueReference": {"reference": sr},
                    }
                ],
            },
        )

    # --- assessments -------------------------------------------------------------------------
    def assessments(self) -> None:
        questionnaires: set[str] = set()
        for n, a in enumerate(self.r.assessments):
            self.assessment(n, a, questionnaires)

    def assessment(self, n: int, a: Assessment, questionnaires: set[str]) -> None:
        doc = a.document
        members: list[dict[str, str]] = []
        used: set[int] = set()
        for i, tr in enumerate(doc.results):
            scored = _match(a.scored.results, tr, used)
            if scored is None:
                continue
            derived: list[dict[str, str]] = []
            if tr.items is not None and tr.test_id in ("ndi", "psfs"):
                derived.append({"reference": self.instrument(n, i, tr, doc.date, questionnaires)})
            members.append({"reference": self.result(f"obs-{n}-{i}", scored, tr, derived)})
        for j, scored in enumerate(a.scored.results):
            if j not in used:  # derived results (ratios, asymmetries) computed on scoring
                members.append({"reference": self.result(f"obs-{n}-d{j}", scored, None, [])})
        self.add(
            f"assessment-{n}",
            {
                "resourceType": "Observation",
                "status": "final",
                "category": [concept(self.t.get("cat_exam"))],
                "code": concept(self.t.get("assessment_panel")),
                "subject": self.subject(),
                "effectiveDateTime": doc.date.isoformat(),
                "performer": [{"display": doc.tester}],
                "hasMember": members,
            },
        )

    def result(
        self, key: str, r: ScoredResult, tr: TestResult | None, derived: list[dict[str, str]]
    ) -> str:
        entry = self.t.for_test(r.test_id)
        if entry is None:
            raise ValueError(f"no code for test {r.test_id}")
        survey = r.test_id in SURVEY_TESTS
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": [concept(self.t.get("cat_survey" if survey else "cat_exam"))],
            "code": concept(entry, r.name),
            "subject": self.subject(),
            "effectiveDateTime": r.date.isoformat(),
        }
        tester = tr.tester if tr is not None and tr.tester else None
        if tester:
            obs["performer"] = [{"display": tester}]
        if r.rating is not None:
            obs["valueCodeableConcept"] = {"text": r.rating}
        else:
            obs["valueQuantity"] = quantity(self.t, r.score, r.unit)
        if r.side is not None:
            obs["bodySite"] = concept(self.t.get(_side_key(r.test_id, r.side)))
        if r.condition:
            obs["method"] = {"text": r.condition}
        # "entered as X, converted" describes data entry, not the result: left out so that a
        # re-imported record (entered in the canonical unit) exports the same
        kept = [n for n in r.notes if not n.startswith("entered as ")]
        notes = ([f"band: {r.band}"] if r.band else []) + kept
        if r.norm is not None:
            notes.append(f"norm ({r.norm.reference}): {r.norm.status} [{r.norm.source}]")
        if r.change is not None:
            c = r.change
            notes.append(
                f"change since {c.previous_date}: {c.delta:+g} {r.unit}, {c.direction}"
                f"{' (meaningful)' if c.meaningful else ''} [{c.threshold_kind} {c.threshold:g}]"
            )
        if notes:
            obs["note"] = [{"text": t} for t in notes]
        if derived:
            obs["derivedFrom"] = derived
        return self.add(key, obs)

    def instrument(
        self, n: int, i: int, tr: TestResult, day: dt.date, questionnaires: set[str]
    ) -> str:
        """Questionnaire (once) and QuestionnaireResponse for NDI or PSFS items."""
        assert tr.items is not None
        name = tr.test_id if tr.test_id == "ndi" else f"psfs-{tr.version or '1'}"
        url = QUESTIONNAIRE_BASE + name
        if name not in questionnaires:
            questionnaires.add(name)
            self.add(f"q-{name}", self.instrument_questionnaire(tr, url), f"url={url}")
        answers = []
        for k, v in enumerate(tr.items, start=1):
            item: dict[str, Any] = {"linkId": str(k)}
            if v is not None:
                item["answer"] = [
                    {"valueInteger": int(v)} if tr.test_id == "ndi" else {"valueDecimal": v}
                ]
            answers.append(item)
        return self.add(
            f"qr-{n}-{i}",
            {
                "resourceType": "QuestionnaireResponse",
                "questionnaire": url,
                "status": "completed",
                "subject": self.subject(),
                "authored": (tr.date or day).isoformat(),
                "item": answers,
            },
        )

    def instrument_questionnaire(self, tr: TestResult, url: str) -> dict[str, Any]:
        assert tr.items is not None
        if tr.test_id == "ndi":
            items = [
                {
                    "linkId": str(k),
                    "code": [coding(self.t.get(f"ndi_item_{k}"))],
                    "text": self.t.get(f"ndi_item_{k}").display,
                    "type": "integer",
                }
                for k in range(1, 11)
            ]
            return {
                "resourceType": "Questionnaire",
                "url": url,
                "name": "NeckDisabilityIndex",
                "title": "Neck Disability Index (items 0-5)",
                "status": "active",
                "subjectType": ["Patient"],
                "code": [coding(self.t.get("ndi_panel"))],
                "item": items,
            }
        spec = battery().get("psfs")
        most = spec.items.max_count if spec.items else 5
        return {
            "resourceType": "Questionnaire",
            "url": url,
            "version": tr.version or "1",
            "name": "PatientSpecificFunctionalScale",
            "title": f"Patient-Specific Functional Scale, version {tr.version or '1'}",
            "status": "active",
            "subjectType": ["Patient"],
            "code": [coding(self.t.get("psfs_panel"))],
            "item": [
                {
                    "linkId": str(k),
                    "code": [coding(self.t.get("psfs_item"))],
                    "text": f"Activity {k}: rating 0-10",
                    "type": "decimal",
                }
                for k in range(1, most + 1)
            ],
        }

    # --- program -------------------------------------------------------------------------------
    def program(self) -> str | None:
        p = self.r.program
        if p is None:
            return None
        goals = []
        for g in self.goal_names():
            goals.append(
                {
                    "reference": self.add(
                        f"goal-{g}",
                        {
                            "resourceType": "Goal",
                            "lifecycleStatus": "active",
                            "description": concept(self.t.get(f"goal_{g}")),
                            "subject": self.subject(),
                            "startDate": p.start_date.isoformat(),
                        },
                    )
                }
            )
        end = p.start_date + dt.timedelta(days=p.weeks * 7 - 1)
        order = self.add(
            "program-request",
            _clean(
                {
                    "resourceType": "ServiceRequest",
                    "status": "on-hold" if self.suspended(p) else "active",
                    "intent": "order",
                    "code": concept(self.t.get("program"), f"{p.weeks}-week upper-back program"),
                    "orderDetail": [
                        concept(self.t.exercise(ex)) for ex in _exercise_ids(p.sessions)
                    ],
                    "subject": self.subject(),
                    "occurrencePeriod": {"start": p.start_date.isoformat(), "end": end.isoformat()},
                    "requester": {"reference": self.practitioner},
                }
            ),
        )
        logged = {(log.week, log.index): log for log in self.r.logs if log.date >= p.start_date}
        activities: list[dict[str, Any]] = [{"reference": {"reference": order}}]
        for s in p.sessions:
            activities.append({"detail": self.activity(p, s, logged.get(s.key))})
        notes = [{"text": t} for t in p.rationale] + [
            {"text": f"excluded {e.exercise_id}: {e.reason}"} for e in p.excluded
        ]
        if p.stopped_reason:
            notes.append({"text": f"stopped: {p.stopped_reason}"})
        return self.add(
            "careplan",
            _clean(
                {
                    "resourceType": "CarePlan",
                    "status": "on-hold" if self.suspended(p) else "active",
                    "intent": "plan",
                    "title": f"Upper-back program (version {p.version})",
                    "subject": self.subject(),
                    "period": {"start": p.start_date.isoformat(), "end": end.isoformat()},
                    "author": {"reference": self.practitioner},
                    "goal": goals or None,
                    "activity": activities,
                    "note": notes or None,
                    "extension": [
                        {"url": SEED_EXTENSION, "valueInteger": p.seed},
                        {"url": VERSION_EXTENSION, "valueInteger": p.version},
                    ],
                }
            ),
        )

    def suspended(self, p: Program) -> bool:
        return self.r.program_suspended or p.stopped_reason is not None

    def goal_names(self) -> list[str]:
        latest = self.r.intakes[-1] if self.r.intakes else None
        return [g.value for g in latest.goals] if latest else []

    def activity(self, p: Program, s: SessionPlan, log: SessionLog | None) -> dict[str, Any]:
        day = p.session_date(s.week, s.index).isoformat()
        status = "not-started"
        if log is not None:
            status = "completed" if log.completed else "cancelled"
        doses = "; ".join(_dose(rx) for rx in s.prescriptions)
        return {
            "kind": "ServiceRequest",
            "code": concept(
                self.t.get("program_session"), f"week {s.week} session {s.index}: {s.focus}"
            ),
            "status": status,
            "scheduledPeriod": {"start": day, "end": day},
            "description": f"{s.kind.value} week, {s.minutes} min: {doses}",
        }

    def overrides(self, careplan: str | None) -> None:
        """Each clinician override as an order on one exercise of the program."""
        for n, o in enumerate(self.r.overrides):
            request: dict[str, Any] = {
                "resourceType": "ServiceRequest",
                "status": "active",
                "intent": "order",
                "code": concept(self.t.exercise(o.exercise_id)),
                "orderDetail": [
                    concept(self.t.get(f"override_{o.field.value}"), o.value or o.field.value)
                ],
                "subject": self.subject(),
                "authoredOn": o.date.isoformat(),
                "requester": {"reference": self.practitioner},
                "reasonCode": [{"text": o.reason}],
            }
            if careplan:
                request["basedOn"] = [{"reference": careplan}]
            self.add(f"override-{n}", request)

    # --- session logs --------------------------------------------------------------------------
    def logs(self, careplan: str | None) -> None:
        for log in self.r.logs:
            self.log(log, careplan)

    def log(self, log: SessionLog, careplan: str | None) -> None:
        t = self.t
        members = [{"reference": self.set_obs(log, k, s)} for k, s in enumerate(log.sets, start=1)]
        comp: list[dict[str, Any]] = [
            {"code": concept(t.get("program_week")), "valueInteger": log.week},
            {"code": concept(t.get("program_session_index")), "valueInteger": log.index},
            {"code": concept(t.get("completed")), "valueBoolean": log.completed},
        ]
        for name in ("pain_before", "pain_next_morning", "fatigue", "readiness"):
            value = getattr(log, name)
            if value is not None:
                comp.append(
                    {"code": concept(t.get(name)), "valueQuantity": quantity(t, value, "0-10")}
                )
        for cue in log.awareness:
            comp.append({"code": concept(t.get("awareness")), "valueString": cue})
        for sym in log.new_symptoms:
            entry = t.lookup(t.system("red_flag"), sym)
            value = concept(entry) if entry else {"text": sym}
            comp.append({"code": concept(t.get("new_symptom")), "valueCodeableConcept": value})
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": [concept(t.get("cat_activity"))],
            "code": concept(t.get("session_log")),
            "subject": self.subject(),
            "effectiveDateTime": log.date.isoformat(),
            "component": comp,
        }
        if careplan:
            obs["basedOn"] = [{"reference": careplan}]
        if members:
            obs["hasMember"] = members
        if log.notes:
            obs["note"] = [{"text": log.notes}]
        self.add(f"log-{log.date}-{log.week}-{log.index}", obs)

    def set_obs(self, log: SessionLog, k: int, s: SetLog) -> str:
        t = self.t
        comp: list[dict[str, Any]] = [
            {
                "code": concept(t.get("exercise")),
                "valueCodeableConcept": concept(t.exercise(s.exercise_id)),
            },
            {"code": concept(t.get("set_index")), "valueInteger": s.set_index},
        ]
        if s.reps is not None:
            comp.append({"code": concept(t.get("reps")), "valueInteger": s.reps})
        if s.level is not None:
            comp.append({"code": concept(t.get("level")), "valueInteger": s.level})
        for name, unit in (
            ("hold_s", "s"),
            ("load_kg", "kg"),
            ("rir", "reps"),
            ("rpe", "points"),
            ("pain_during", "0-10"),
            ("emg_ratio", "ratio"),
        ):
            value = getattr(s, name)
            if value is not None:
                comp.append(
                    {"code": concept(t.get(name)), "valueQuantity": quantity(t, value, unit)}
                )
        comp.append({"code": concept(t.get("technique_lost")), "valueBoolean": s.technique_lost})
        return self.add(
            f"set-{log.date}-{log.week}-{log.index}-{k}",
            {
                "resourceType": "Observation",
                "status": "final",
                "category": [concept(t.get("cat_activity"))],
                "code": concept(t.get("exercise_set")),
                "subject": self.subject(),
                "effectiveDateTime": log.date.isoformat(),
                "component": comp,
            },
        )


def build_bundle(record: ClientRecord, *, timestamp: dt.datetime | None = None) -> dict[str, Any]:
    """The client's record as a FHIR R4 transaction Bundle (a JSON-ready dict)."""
    b = _Builder(record, fhir_codes())
    b.people()
    b.intakes()
    b.referrals()
    b.assessments()
    careplan = b.program()
    b.overrides(careplan)
    b.logs(careplan)
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": b.entries,
    }
    if timestamp is not None:
        bundle["timestamp"] = timestamp.isoformat()
    shell = {
        **bundle,
        "entry": [{k: v for k, v in e.items() if k != "resource"} for e in b.entries],
    }
    get_fhir_model_class("Bundle").model_validate(shell)  # resources were validated one by one
    return bundle


def _fear_answers(intake: Intake) -> dict[str, bool | int]:
    out: dict[str, bool | int] = {}
    if FEAR_FLAG in intake.yellow_flags:
        out[FEAR_FLAG] = bool(intake.yellow_flags[FEAR_FLAG])
    for link, _, kind in FEAR_ITEMS:
        value = getattr(intake, link, None)
        if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
            out[link] = value
    return out


def _match(results: list[ScoredResult], tr: TestResult, used: set[int]) -> ScoredResult | None:
    for j, r in enumerate(results):
        if j in used:
            continue
        cond = tr.condition.strip() if tr.condition else None
        if r.test_id == tr.test_id and r.side == tr.side and r.condition == cond:
            used.add(j)
            return r
    return None


def _side_key(test_id: str, side: Side) -> str:
    if test_id in SHOULDER_TESTS and side in (Side.left, Side.right):
        return f"side_{side.value}_shoulder"
    return f"side_{side.value}"


def _dose(rx: Any) -> str:
    amount = f"{rx.reps} reps" if rx.reps else f"{rx.hold_s} s hold"
    load = f", {rx.load_kg:g} kg" if rx.load_kg else ""
    return f"{rx.name} {rx.sets} x {amount}{load} at RPE {rx.rpe_target:g}"


def _exercise_ids(sessions: Iterable[SessionPlan]) -> list[str]:
    seen: dict[str, None] = {}
    for s in sessions:
        for rx in s.prescriptions:
            seen.setdefault(rx.exercise_id, None)
    return list(seen)


def _instant(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}
