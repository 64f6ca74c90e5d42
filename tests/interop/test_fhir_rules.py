"""Own R4 checks catch what fhir.resources accepts (INTEROP-AND-EXPOSURE.md A.3)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

from upperback.errors import InvalidInput
from upperback.interop.rules import check_bundle

PAT = "urn:uuid:00000000-0000-4000-8000-000000000001"
OBS = "urn:uuid:00000000-0000-4000-8000-000000000002"


def small_bundle() -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": PAT,
                "resource": {"resourceType": "Patient", "gender": "female", "birthDate": "1990"},
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "fullUrl": OBS,
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {
                        "coding": [
                            {
                                "system": "http://loinc.org",
                                "code": "72514-3",
                                "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                            }
                        ]
                    },
                    "subject": {"reference": PAT},
                    "effectiveDateTime": "2026-01-05",
                    "valueQuantity": {
                        "value": 4,
                        "unit": "score",
                        "system": "http://unitsofmeasure.org",
                        "code": "{score}",
                    },
                },
                "request": {"method": "POST", "url": "Observation"},
            },
        ],
    }


def obs(b: dict[str, Any]) -> dict[str, Any]:
    r: dict[str, Any] = b["entry"][1]["resource"]
    return r


def test_the_small_bundle_passes_strict_checks() -> None:
    check_bundle(small_bundle(), strict=True)


def test_the_library_alone_accepts_what_our_checks_refuse() -> None:
    # the reason these checks exist: fhir.resources takes made-up statuses, genders and codes
    Observation.model_validate({**obs(small_bundle()), "status": "done"})
    Patient.model_validate({"resourceType": "Patient", "gender": "f"})


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(b: dict[str, Any]) -> None:
        node: Any = b
        for p in path[:-1]:
            node = node[p]
        if value is None:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return apply


CASES = [
    (
        "status done",
        _set(["entry", 1, "resource", "status"], "done"),
        r"Observation/urn:uuid:\S+: status: 'done' is not an R4 code",
    ),
    (
        "gender f",
        _set(["entry", 0, "resource", "gender"], "f"),
        r"Patient/\S+: gender: 'f' is not an R4 code",
    ),
    (
        "made-up LOINC",
        _set(["entry", 1, "resource", "code", "coding", 0, "code"], "99999-9"),
        r"Observation/\S+: code\.coding\[0\]: http://loinc.org\|99999-9 is not in upperback's code table",
    ),
    (
        "wrong display",
        _set(["entry", 1, "resource", "code", "coding", 0, "display"], "Pain"),
        r"code\.coding\[0\]\.display: 'Pain' differs",
    ),
    (
        "unknown system",
        _set(
            ["entry", 1, "resource", "code", "coding", 0, "system"], "http://made-up.example/codes"
        ),
        r"code\.coding\[0\]\.system: unknown code system 'http://made-up.example/codes'",
    ),
    (
        "dangling reference",
        _set(["entry", 1, "resource", "subject", "reference"], "Patient/404"),
        r"Observation/\S+: subject\.reference: 'Patient/404' does not resolve inside the Bundle",
    ),
    (
        "no value",
        _set(["entry", 1, "resource", "valueQuantity"], None),
        r"Observation/\S+: value\[x\]: missing",
    ),
    (
        "unit without system",
        _set(["entry", 1, "resource", "valueQuantity", "system"], None),
        r"valueQuantity\.system: missing with a unit code \(qty-3\)",
    ),
    (
        "no request in a transaction",
        _set(["entry", 0, "request"], None),
        r"Bundle: entry\[0\]\.request: missing in a transaction \(bdl-3\)",
    ),
    (
        "duplicate fullUrl",
        _set(["entry", 1, "fullUrl"], PAT),
        r"Bundle: entry\[1\]\.fullUrl: \S+ appears twice \(bdl-7\)",
    ),
    ("bundle type", _set(["type"], "pile"), r"Bundle: type: 'pile' is not an R4 code"),
]


@pytest.mark.parametrize(("name", "break_it", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_broken_rule_is_one_line_naming_resource_and_field(
    name: str, break_it: Callable[[dict[str, Any]], None], message: str
) -> None:
    b = copy.deepcopy(small_bundle())
    break_it(b)
    with pytest.raises(InvalidInput, match=message) as err:
        check_bundle(b, strict=True)
    assert "\n" not in err.value.message


def test_lenient_mode_lets_unmapped_codes_of_known_systems_through() -> None:
    b = small_bundle()
    obs(b)["code"]["coding"][0]["code"] = "8867-4"
    check_bundle(b, strict=False)
    obs(b)["code"]["coding"][0]["system"] = "http://made-up.example/codes"
    with pytest.raises(InvalidInput, match="unknown code system"):
        check_bundle(b, strict=False)
