"""Read a FHIR R4 Bundle into upperback's documents: what it understands becomes events to
replay through the services in date order; what it does not is listed as skipped.

Nothing here touches the database. Refusals (one line naming resource and field): invalid
JSON, not a Bundle, a resource that is not valid R4 (an R5 Bundle is named as such), an
unknown code system, an Observation without a value, a reference that resolves nowhere, and
values the domain refuses (scored later by the services, inside the import's transaction).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from fhir.resources import get_fhir_model_class as r5_model
from fhir.resources.R4B import get_fhir_model_class as r4_model
from pydantic import ValidationError

from upperback.errors import InvalidInput
from upperback.interop.export import QUESTIONNAIRE_BASE, SEED_EXTENSION
from upperback.interop.intake_form import intake_from_items
from upperback.interop.rules import check_bundle, label
from upperback.knowledge.codes import CodeEntry, CodeTable, fhir_codes
from upperback.knowledge.loader import describe_validation_error
from upperback.knowledge.tests_catalog import battery
from upperback.model.adaptation import Override
from upperback.model.assessment import AssessmentIn, TestResult
from upperback.model.client import ClientIn
from upperback.model.common import Side
from upperback.model.intake import Clearance, Intake
from upperback.model.session import SessionLogIn, SetLog

MAX_BYTES = 8 * 1024 * 1024
MAX_ENTRIES = 20_000
# each replayed event is a use case of its own (a session log costs ~0.2 s); a year of daily
# sessions with monthly reassessments fits, a flood that would hold the write lock does not
MAX_EVENTS = 500
# the order of events recorded on the same day
RANK = {"intake": 0, "assessment": 1, "clearance": 2, "plan": 3, "log": 4, "override": 5}
NDI_PANEL = "82226-2"


@dataclass(frozen=True)
class Event:
    day: dt.date
    kind: str
    where: str
    payload: Any
    seq: int = 0

    @property
    def order(self) -> tuple[dt.date, int, int]:
        return (self.day, RANK[self.kind], self.seq)


@dataclass
class ImportPlan:
    client: ClientIn
    source_id: str | None
    events: list[Event] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def sorted_events(self) -> list[Event]:
        return sorted(self.events, key=lambda e: e.order)


def parse_json(raw: bytes | str, where: str = "body") -> Any:
    """JSON with a bounded size; one line on failure."""
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if size > MAX_BYTES:
        raise InvalidInput(f"{where}: {size} bytes is over the {MAX_BYTES} byte limit for a Bundle")
    try:
        return json.loads(raw)
    except RecursionError:
        raise InvalidInput(f"{where}: JSON nested too deeply") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        at = (
            f" at line {exc.lineno} column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise InvalidInput(f"{where}: malformed JSON{at}") from None


def _check_r4(i: int, res: dict[str, Any], full_url: str | None) -> None:
    kind = res.get("resourceType")
    where = label(res, full_url) if isinstance(kind, str) else f"Bundle: entry[{i}].resource"
    try:
        model = r4_model(str(kind))
    except (ValueError, KeyError):
        raise InvalidInput(f"{where}: resourceType: {kind!r} is not an R4 resource") from None
    try:
        model.model_validate(res)
    except ValidationError as err:
        r5 = _valid_r5(res)
        msg = describe_validation_error(err, where)
        if r5:
            raise InvalidInput(
                f"{msg} - this looks like FHIR R5; upperback reads FHIR R4"
            ) from None
        raise InvalidInput(msg) from None


def _valid_r5(res: dict[str, Any]) -> bool:
    try:
        r5_model(str(res.get("resourceType"))).model_validate(res)
    except (ValidationError, ValueError, KeyError):
        return False
    return True


def _value_number(obs: dict[str, Any], where: str) -> tuple[float, str | None]:
    q = obs.get("valueQuantity")
    if isinstance(q, dict) and "value" in q:
        return float(q["value"]), q.get("code") or q.get("unit")
    for k in ("valueInteger", "valueDecimal"):
        if k in obs:
            return float(obs[k]), None
    raise InvalidInput(f"{where}: value[x]: expected a number (valueQuantity)")


def _day(value: Any, where: str) -> dt.date:
    if not isinstance(value, str) or len(value) < 10:
        raise InvalidInput(f"{where}: a full date (YYYY-MM-DD) is needed, got {value!r}")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise InvalidInput(f"{where}: {value!r} is not a date") from None


def _effective(obs: dict[str, Any], where: str) -> dt.date:
    if "effectiveDateTime" in obs:
        return _day(obs["effectiveDateTime"], f"{where}: effectiveDateTime")
    if "effectivePeriod" in obs:
        return _day(obs["effectivePeriod"].get("start"), f"{where}: effectivePeriod.start")
    raise InvalidInput(f"{where}: effective[x]: missing (when was it measured?)")


class _Reader:
    def __init__(self, bundle: dict[str, Any], table: CodeTable) -> None:
        self.t = table
        self.entries: list[tuple[str, dict[str, Any]]] = []
        self.by_ref: dict[str, dict[str, Any]] = {}
        for i, e in enumerate(bundle.get("entry") or []):
            res = e["resource"]
            key = e.get("fullUrl") or f"entry-{i}"
            self.entries.append((key, res))
            self.by_ref[key] = res
            if res.get("id"):
                self.by_ref[f"{res['resourceType']}/{res['id']}"] = res
        self.used: set[int] = set()
        self.skipped: list[str] = []
        self.events: list[Event] = []
        self.local = table.system("local")

    def resolve(self, ref: dict[str, Any] | None) -> dict[str, Any] | None:
        if not ref or "reference" not in ref:
            return None
        r = str(ref["reference"])
        return self.by_ref.get(r) or self.by_ref.get("/".join(r.split("/")[-2:]))

    def where(self, res: dict[str, Any]) -> str:
        key = next((k for k, r in self.entries if r is res), None)
        return label(res, key)

    def skip(self, res: dict[str, Any], why: str) -> None:
        self.skipped.append(f"{self.where(res)}: {why}")

    def known(self, concept: dict[str, Any] | None) -> CodeEntry | None:
        for c in (concept or {}).get("coding", []):
            entry = self.t.lookup(str(c.get("system")), str(c.get("code")))
            if entry is not None:
                return entry
        return None

    def has_code(self, concept: dict[str, Any] | None, key: str) -> bool:
        e = self.known(concept)
        return e is not None and e.key == self.t.get(key).key

    def claim(self, res: dict[str, Any]) -> None:
        self.used.add(id(res))

    # --- patient ---------------------------------------------------------------------------
    def client(self) -> tuple[ClientIn, str | None]:
        patients = [r for _, r in self.entries if r["resourceType"] == "Patient"]
        if len(patients) != 1:
            raise InvalidInput(
                f"Bundle: entry: {len(patients)} Patients; a Bundle imports exactly one client"
            )
        p = patients[0]
        self.claim(p)
        where = self.where(p)
        name = _name(p)
        if not name:
            raise InvalidInput(f"{where}: name: missing")
        if "birthDate" not in p:
            raise InvalidInput(f"{where}: birthDate: missing (the birth year scores age norms)")
        gender = p.get("gender")
        if gender not in ("male", "female", "other"):
            raise InvalidInput(
                f"{where}: gender: {gender!r}; upperback needs male, female or other to choose norms"
            )
        email = next(
            (t.get("value") for t in p.get("telecom", []) if t.get("system") == "email"), None
        )
        mass = self.body_mass()
        source = next(
            (
                i.get("value")
                for i in p.get("identifier", [])
                if i.get("system") == self.t.system("patient_id")
            ),
            None,
        )
        try:
            client = ClientIn(
                name=name, sex=gender, birth_year=int(str(p["birthDate"])[:4]),
                body_mass_kg=mass, email=email,
            )  # fmt: skip
        except ValidationError as err:
            raise InvalidInput(describe_validation_error(err, where)) from None
        return client, source

    def body_mass(self) -> float | None:
        for _, r in self.entries:
            if r["resourceType"] == "Observation" and self.has_code(r.get("code"), "body_weight"):
                self.claim(r)
                value, unit = _value_number(r, self.where(r))
                if unit not in (None, "kg"):
                    self.skip(r, f"body weight in {unit!r}; only kg is read")
                    return None
                return value
        return None

    # --- assessments --------------------------------------------------------------------------
    def result(self, obs: dict[str, Any], entry: CodeEntry) -> TestResult | None:
        where = self.where(obs)
        test_id = entry.test or entry.code.removeprefix("test-")
        spec = battery().by_id.get(test_id)
        if spec is None:
            return None
        if spec.scoring == "derived":
            self.claim(obs)
            return None  # recomputed when the other results are scored
        side = None
        site = self.known(obs.get("bodySite"))
        if site is not None:
            side = {"L": Side.left, "R": Side.right, "B": Side.both}[site.key.split("_")[1]]
        condition = (obs.get("method") or {}).get("text")
        day = _effective(obs, where)
        tester = next(
            (p.get("display") for p in obs.get("performer", []) if p.get("display")), None
        )
        if spec.scoring == "rating":
            rating = (obs.get("valueCodeableConcept") or {}).get("text")
            if not rating:
                raise InvalidInput(f"{where}: valueCodeableConcept.text: the rating is missing")
            self.claim(obs)
            return TestResult(
                test_id=test_id,
                rating=rating,
                side=side,
                condition=condition,
                date=day,
                tester=tester,
            )
        items = self.instrument_items(obs, test_id)
        if items is not None:
            self.claim(obs)
            version = items[1]
            return TestResult(
                test_id=test_id, items=items[0], version=version, side=side, date=day, tester=tester
            )
        value, ucum = _value_number(obs, where)
        unit = self.t.unit_for_ucum(ucum) if ucum else spec.unit
        if test_id == "ndi" and ucum in ("{score}", "1"):
            unit = "points"  # NDI raw 0-50 (the LOINC total may be either; see fhir_codes.yaml)
        if unit is None:
            raise InvalidInput(
                f"{where}: valueQuantity.code: unit {ucum!r} is not one upperback reads"
            )
        version = "1" if spec.items is not None and spec.items.versions else None
        self.claim(obs)
        return TestResult(test_id=test_id, value=value, unit=unit, side=side, condition=condition,
                          date=day, tester=tester, version=version)  # fmt: skip

    def instrument_items(
        self, obs: dict[str, Any], test_id: str
    ) -> tuple[list[float | None], str | None] | None:
        for ref in obs.get("derivedFrom", []):
            qr = self.resolve(ref)
            if qr is not None and qr["resourceType"] == "QuestionnaireResponse":
                parsed = self.questionnaire_items(qr)
                if parsed is not None and parsed[0] == test_id:
                    self.claim(qr)
                    return parsed[1], parsed[2]
        return None

    def questionnaire_items(
        self, qr: dict[str, Any]
    ) -> tuple[str, list[float | None], str | None] | None:
        """(test id, items, version) of an NDI or PSFS response, else None."""
        canonical = str(qr.get("questionnaire", ""))
        url, _, version = canonical.partition("|")
        where = self.where(qr)
        if (
            url == QUESTIONNAIRE_BASE + "ndi"
            or url.rstrip("/").endswith(NDI_PANEL)
            or self._panel(url) == NDI_PANEL
        ):
            return "ndi", self._ndi_answers(qr, where), None
        if url.startswith(QUESTIONNAIRE_BASE + "psfs-"):
            version = url.removeprefix(QUESTIONNAIRE_BASE + "psfs-")
            answers = [self._number(it, where) for it in qr.get("item", [])]
            return "psfs", answers, version
        return None

    def _panel(self, url: str) -> str | None:
        for _, r in self.entries:
            if r["resourceType"] == "Questionnaire" and r.get("url") == url:
                for c in r.get("code", []):
                    if c.get("system") == "http://loinc.org":
                        return str(c.get("code"))
        return None

    def _ndi_answers(self, qr: dict[str, Any], where: str) -> list[float | None]:
        items: list[float | None] = [None] * 10
        codes = {self.t.get(f"ndi_item_{k}").code: k for k in range(1, 11)}
        for it in _flat(qr.get("item", [])):
            link = str(it.get("linkId", ""))
            k = next((n for code, n in codes.items() if code in link), None)
            if k is None and link.isdigit() and 1 <= int(link) <= 10:
                k = int(link)
            if k is None:
                continue
            items[k - 1] = self._number(it, where)
        return items

    def _number(self, item: dict[str, Any], where: str) -> float | None:
        answers = item.get("answer") or []
        if not answers:
            return None
        a = answers[0]
        for key in ("valueInteger", "valueDecimal"):
            if key in a:
                return float(a[key])
        if "valueCoding" in a and "score" not in a:
            raise InvalidInput(
                f"{where}: item {item.get('linkId')}: answer: a coded answer without a score; send valueInteger"
            )
        raise InvalidInput(
            f"{where}: item {item.get('linkId')}: answer: expected valueInteger or valueDecimal"
        )

    def assessments(self) -> None:
        panels = [
            r
            for _, r in self.entries
            if r["resourceType"] == "Observation"
            and self.has_code(r.get("code"), "assessment_panel")
        ]
        for panel in panels:
            self.claim(panel)
            where = self.where(panel)
            results = []
            for ref in panel.get("hasMember", []):
                member = self.resolve(ref)
                if member is None:
                    continue
                entry = self.known(member.get("code"))
                r = self.result(member, entry) if entry is not None else None
                if r is not None:
                    results.append(r)
            self.add_assessment(_effective(panel, where), _performer(panel), results, where)
        loose: dict[dt.date, list[TestResult]] = {}
        for _, obs in self.entries:
            if obs["resourceType"] != "Observation" or id(obs) in self.used:
                continue
            entry = self.known(obs.get("code"))
            if entry is None or (entry.test is None and not entry.code.startswith("test-")):
                continue
            r = self.result(obs, entry)
            if r is not None:
                assert r.date is not None
                loose.setdefault(r.date, []).append(r)
        for _, qr in self.entries:  # questionnaire responses with no total Observation
            if qr["resourceType"] != "QuestionnaireResponse" or id(qr) in self.used:
                continue
            parsed = self.questionnaire_items(qr)
            if parsed is None:
                continue
            self.claim(qr)
            day = _day(qr.get("authored"), f"{self.where(qr)}: authored")
            loose.setdefault(day, []).append(
                TestResult(test_id=parsed[0], items=parsed[1], version=parsed[2], date=day)
            )
        for day, results in sorted(loose.items()):
            self.add_assessment(day, "imported", results, f"Observations of {day}")

    def add_assessment(
        self, day: dt.date, tester: str, results: list[TestResult], where: str
    ) -> None:
        if not results:
            return
        try:
            doc = AssessmentIn(date=day, tester=tester, results=results)
        except ValidationError as err:
            raise InvalidInput(describe_validation_error(err, where)) from None
        self.events.append(Event(day, "assessment", where, doc, len(self.events)))

    # --- intake, referral clearance, program, logs -------------------------------------------
    def intakes(self) -> None:
        for _, qr in self.entries:
            if qr["resourceType"] != "QuestionnaireResponse":
                continue
            url = str(qr.get("questionnaire", ""))
            if url == QUESTIONNAIRE_BASE + "fear-avoidance":
                self.claim(qr)  # the same answers travel in the intake
                for _, obs in self.entries:  # and so do the scores derived from them
                    refs = [self.resolve(r) for r in obs.get("derivedFrom", [])]
                    if obs["resourceType"] == "Observation" and any(r is qr for r in refs):
                        self.claim(obs)
            if url != QUESTIONNAIRE_BASE + "intake":
                continue
            where = self.where(qr)
            doc = intake_from_items(qr.get("item", []), where)
            try:
                intake = Intake.model_validate(doc)
            except ValidationError as err:
                raise InvalidInput(describe_validation_error(err, where)) from None
            self.claim(qr)
            self.events.append(Event(intake.date, "intake", where, intake, len(self.events)))

    def clearances(self) -> None:
        seen: set[tuple[dt.date, str]] = set()
        for _, sr in self.entries:
            if sr["resourceType"] != "ServiceRequest" or not self.has_code(
                sr.get("code"), "referral"
            ):
                continue
            self.claim(sr)
            for note in sr.get("note", []):
                text = str(note.get("text", ""))
                if (
                    sr.get("status") == "completed"
                    and text.startswith("cleared: ")
                    and note.get("time")
                ):
                    day = _day(note["time"], f"{self.where(sr)}: note.time")
                    key = (day, text.removeprefix("cleared: "))
                    if key not in seen:
                        seen.add(key)
                        self.events.append(
                            Event(
                                day,
                                "clearance",
                                self.where(sr),
                                Clearance(date=key[0], note=key[1]),
                                len(self.events),
                            )
                        )

    def program(self) -> None:
        for _, cp in self.entries:
            if cp["resourceType"] != "CarePlan":
                continue
            seed = next(
                (
                    x.get("valueInteger")
                    for x in cp.get("extension", [])
                    if x.get("url") == SEED_EXTENSION
                ),
                None,
            )
            if seed is None:
                self.skip(cp, "a CarePlan from another system: upperback plans its own program")
                continue
            self.claim(cp)
            start = _day((cp.get("period") or {}).get("start"), f"{self.where(cp)}: period.start")
            self.events.append(
                Event(start, "plan", self.where(cp), (start, int(seed)), len(self.events))
            )
            for a in cp.get("activity", []):
                target = self.resolve(a.get("reference"))
                if target is not None:
                    self.claim(target)

    def overrides(self) -> None:
        for _, sr in self.entries:
            if sr["resourceType"] != "ServiceRequest" or id(sr) in self.used:
                continue
            detail = next((self.known(d) for d in sr.get("orderDetail", []) if self.known(d)), None)
            if detail is None or not detail.key.startswith("override_"):
                continue
            where = self.where(sr)
            exercise = self.known(sr.get("code"))
            field_name = detail.key.removeprefix("override_")
            text = next(d.get("text", "") for d in sr["orderDetail"] if self.known(d) == detail)
            doc = {
                "exercise_id": exercise.code if exercise else None,
                "field": field_name,
                "value": "" if text == field_name else text,
                "reason": next(
                    (r.get("text") for r in sr.get("reasonCode", []) if r.get("text")), ""
                ),
                "date": _day(sr.get("authoredOn"), f"{where}: authoredOn"),
            }
            try:
                override = Override.model_validate(doc)
            except ValidationError as err:
                raise InvalidInput(describe_validation_error(err, where)) from None
            self.claim(sr)
            self.events.append(Event(override.date, "override", where, override, len(self.events)))

    def logs(self) -> None:
        for _, obs in self.entries:
            if obs["resourceType"] != "Observation" or not self.has_code(
                obs.get("code"), "session_log"
            ):
                continue
            self.claim(obs)
            where = self.where(obs)
            comp = self.components(obs)
            sets = []
            for ref in obs.get("hasMember", []):
                member = self.resolve(ref)
                if member is not None and self.has_code(member.get("code"), "exercise_set"):
                    self.claim(member)
                    sets.append(self.set_log(member))
            doc = {
                "date": _effective(obs, where),
                "week": comp.get("program_week"),
                "index": comp.get("program_session_index"),
                "completed": comp.get("completed", True),
                "pain_before": comp.get("pain_before"),
                "pain_next_morning": comp.get("pain_next_morning"),
                "fatigue": comp.get("fatigue"),
                "readiness": comp.get("readiness"),
                "awareness": comp.get("awareness", []),
                "new_symptoms": comp.get("new_symptom", []),
                "notes": "\n".join(n.get("text", "") for n in obs.get("note", [])),
                "sets": sets,
            }
            try:
                log = SessionLogIn.model_validate(doc)
            except ValidationError as err:
                raise InvalidInput(describe_validation_error(err, where)) from None
            self.events.append(Event(log.date, "log", where, log, len(self.events)))

    def components(self, obs: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for c in obs.get("component", []):
            entry = self.known(c.get("code"))
            if entry is None:
                continue
            if "valueQuantity" in c:
                value: Any = c["valueQuantity"].get("value")
            elif "valueCodeableConcept" in c:
                coded = self.known(c["valueCodeableConcept"])
                value = coded.code if coded else c["valueCodeableConcept"].get("text")
            else:
                value = next(
                    (c[k] for k in ("valueInteger", "valueBoolean", "valueString") if k in c), None
                )
            if entry.key in ("awareness", "new_symptom"):
                out.setdefault(entry.key, []).append(value)
            else:
                out[entry.key] = value
        return out

    def set_log(self, obs: dict[str, Any]) -> SetLog:
        comp = self.components(obs)
        doc = {
            "exercise_id": comp.get("exercise"),
            "set_index": comp.get("set_index"),
            **{
                k: comp.get(k)
                for k in ("reps", "hold_s", "load_kg", "level", "rir", "rpe", "emg_ratio")
            },
            "pain_during": comp.get("pain_during", 0),
            "technique_lost": comp.get("technique_lost", False),
        }
        try:
            return SetLog.model_validate(doc)
        except ValidationError as err:
            raise InvalidInput(describe_validation_error(err, self.where(obs))) from None

    def leftovers(self) -> None:
        silent = {
            "Practitioner",
            "Questionnaire",
            "Goal",
            "Flag",
            "PractitionerRole",
            "Organization",
        }
        for _, res in self.entries:
            if id(res) in self.used:
                continue
            kind = res["resourceType"]
            if kind in silent and self._ours_or_definition(res):
                continue
            if kind == "Observation":
                code = (res.get("code") or {}).get("coding", [{}])[0]
                self.skip(
                    res,
                    f"code {code.get('system')}|{code.get('code')} ({code.get('display') or (res.get('code') or {}).get('text', '')}) is not a measure upperback maps",
                )
            elif kind == "QuestionnaireResponse":
                self.skip(
                    res,
                    f"questionnaire {res.get('questionnaire')!r} is not one upperback scores (NDI, PSFS, intake)",
                )
            else:
                self.skip(res, f"{kind} is not a resource upperback maps")

    def _ours_or_definition(self, res: dict[str, Any]) -> bool:
        return (
            res["resourceType"]
            in ("Practitioner", "Questionnaire", "PractitionerRole", "Organization")
            or self.known(res.get("code") or res.get("description")) is not None
        )


def read_bundle(doc: Any, table: CodeTable | None = None) -> ImportPlan:
    """Check a Bundle (R4, our rules) and turn it into events and a skipped list."""
    try:
        return _read_bundle(doc, table)
    except RecursionError:
        raise InvalidInput("Bundle: nested too deeply to read") from None


def _read_bundle(doc: Any, table: CodeTable | None) -> ImportPlan:
    t = table or fhir_codes()
    if not isinstance(doc, dict) or doc.get("resourceType") != "Bundle":
        kind = doc.get("resourceType") if isinstance(doc, dict) else type(doc).__name__
        raise InvalidInput(f"resourceType: expected a FHIR Bundle, got {kind!r}")
    entries = doc.get("entry") or []
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise InvalidInput(f"Bundle: entry: expected a list of at most {MAX_ENTRIES} entries")
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not isinstance(e.get("resource"), dict):
            raise InvalidInput(f"Bundle: entry[{i}].resource: missing")
        _check_r4(i, e["resource"], e.get("fullUrl"))
    shell = {**doc, "entry": [{k: v for k, v in e.items() if k != "resource"} for e in entries]}
    try:
        r4_model("Bundle").model_validate(shell)
    except ValidationError as err:
        msg = describe_validation_error(err, "Bundle")
        raise InvalidInput(
            msg
            + (" - this looks like FHIR R5; upperback reads FHIR R4" if _valid_r5(shell) else "")
        ) from None
    check_bundle(doc, strict=False, table=t)
    reader = _Reader(doc, t)
    client, source = reader.client()
    reader.intakes()
    reader.clearances()
    reader.assessments()
    reader.program()
    reader.overrides()
    reader.logs()
    reader.leftovers()
    if len(reader.events) > MAX_EVENTS:
        raise InvalidInput(
            f"Bundle: entry: {len(reader.events)} records to import; at most {MAX_EVENTS} per Bundle (split it)"
        )
    return ImportPlan(client=client, source_id=source, events=reader.events, skipped=reader.skipped)


def _name(p: dict[str, Any]) -> str:
    for n in p.get("name", []):
        if n.get("text"):
            return str(n["text"])
        parts = [*n.get("given", []), n.get("family", "")]
        joined = " ".join(x for x in parts if x)
        if joined:
            return joined
    return ""


def _performer(obs: dict[str, Any]) -> str:
    return (
        next((p.get("display") for p in obs.get("performer", []) if p.get("display")), None)
        or "imported"
    )


def _flat(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for it in items:
        out.append(it)
        out.extend(_flat(it.get("item", [])))
    return out
