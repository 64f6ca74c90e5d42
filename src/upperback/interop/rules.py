"""R4 rules fhir.resources does not enforce, checked on a Bundle's JSON.

- required bindings (status, gender, intent, ...) against the lists in fhir_codes.yaml;
- every coding against the code table (strict: listed with the same display; lenient, for
  imports: its system is known, so a code we do not map is skipped, not misread);
- bdl-3 / bdl-7: transaction entries carry a request; fullUrls are unique;
- qty-3: a Quantity with a code names its system;
- obs-6 and a value on every Observation (value[x], components or members);
- every reference resolves inside the Bundle; QuestionnaireResponse.questionnaire names a
  Questionnaire of the Bundle and its linkIds exist there (strict).
Each failure is one line naming the resource and the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from upperback.errors import InvalidInput
from upperback.knowledge.codes import CodeTable, fhir_codes

KNOWN_PREFIXES = ("http://terminology.hl7.org/CodeSystem/", "http://hl7.org/fhir/")
VALUE_KEYS = (
    "valueQuantity", "valueCodeableConcept", "valueString", "valueBoolean", "valueInteger",
    "valueRange", "valueRatio", "valueSampledData", "valueTime", "valueDateTime", "valuePeriod",
)  # fmt: skip


def label(resource: dict[str, Any], full_url: str | None = None) -> str:
    kind = resource.get("resourceType", "resource")
    ident = resource.get("id") or full_url or "?"
    return f"{kind}/{ident}"


def _walk(node: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """(path, key, value) for every key in nested dicts and lists."""
    if isinstance(node, dict):
        for k, v in node.items():
            here = f"{path}.{k}" if path else k
            yield path, k, v
            yield from _walk(v, here)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}[{i}]")


def _values(node: Any, parts: list[str]) -> Iterator[Any]:
    if not parts:
        yield node
        return
    if isinstance(node, list):
        for v in node:
            yield from _values(v, parts)
    elif isinstance(node, dict) and parts[0] in node:
        yield from _values(node[parts[0]], parts[1:])


def _check_bindings(where: str, resource: dict[str, Any], table: CodeTable) -> None:
    kind = resource.get("resourceType")
    for path, binding in table.bindings.items():
        head, *rest = path.split(".")
        if head != kind:
            continue
        for v in _values(resource, rest):
            if v not in binding.codes:
                raise InvalidInput(
                    f"{where}: {'.'.join(rest)}: {v!r} is not an R4 code ({binding.source}: {', '.join(binding.codes)})"
                )


def _check_codings(where: str, resource: dict[str, Any], table: CodeTable, strict: bool) -> None:
    systems = set(table.systems.values())
    for path, key, value in _walk(resource, ""):
        if key != "coding" or not isinstance(value, list) or path.startswith("meta"):
            continue
        for i, c in enumerate(value):
            here = f"{where}: {path}.coding[{i}]"
            if not isinstance(c, dict):
                continue
            system, code = c.get("system"), c.get("code")
            if not system:
                raise InvalidInput(f"{here}.system: missing (a coding must name its code system)")
            if not code:
                raise InvalidInput(f"{here}.code: missing")
            known = system in systems or system.startswith(KNOWN_PREFIXES)
            if not known:
                raise InvalidInput(f"{here}.system: unknown code system {system!r}")
            if not strict:
                continue
            entry = table.lookup(system, code)
            if entry is None:
                raise InvalidInput(f"{here}: {system}|{code} is not in upperback's code table")
            if c.get("display") not in (None, entry.display):
                raise InvalidInput(
                    f"{here}.display: {c.get('display')!r} differs from the table's {entry.display!r}"
                )


def _check_quantities(where: str, resource: dict[str, Any]) -> None:
    for path, key, value in _walk(resource, ""):
        if (
            isinstance(value, dict)
            and "value" in value
            and "code" in value
            and not value.get("system")
            and (key.endswith("Quantity") or key == "quantity")
        ):
            raise InvalidInput(
                f"{where}: {path + '.' if path else ''}{key}.system: missing with a unit code (qty-3)"
            )


def observation_has_value(obs: dict[str, Any]) -> bool:
    return (
        any(k in obs for k in VALUE_KEYS)
        or bool(obs.get("hasMember"))
        or any(any(k in c for k in VALUE_KEYS) for c in obs.get("component", []))
    )


def _check_observation(where: str, obs: dict[str, Any]) -> None:
    if "subject" not in obs:
        raise InvalidInput(f"{where}: subject: missing (whose observation is it?)")
    has_value = any(k in obs for k in VALUE_KEYS)
    if has_value and "dataAbsentReason" in obs:
        raise InvalidInput(f"{where}: dataAbsentReason: present together with a value (obs-6)")
    if not observation_has_value(obs) and "dataAbsentReason" not in obs:
        raise InvalidInput(f"{where}: value[x]: missing (no value, component or member)")
    for i, comp in enumerate(obs.get("component", [])):
        if not any(k in comp for k in VALUE_KEYS) and "dataAbsentReason" not in comp:
            raise InvalidInput(f"{where}: component[{i}].value[x]: missing")


def _resolves(ref: str, urls: set[str], relative: set[str]) -> bool:
    if ref.startswith("#"):
        return True
    if ref in urls:
        return True
    tail = "/".join(ref.rstrip("/").split("/")[-2:])
    return tail in relative


def _linkids(items: list[dict[str, Any]]) -> Iterator[str]:
    for it in items:
        yield str(it.get("linkId"))
        yield from _linkids(it.get("item", []))


def check_bundle(bundle: Any, *, strict: bool = False, table: CodeTable | None = None) -> None:
    """Raise InvalidInput (one line) at the first R4 rule the Bundle breaks."""
    t = table or fhir_codes()
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        kind = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise InvalidInput(f"resourceType: expected a Bundle, got {kind!r}")
    _check_bindings("Bundle", bundle, t)
    entries = bundle.get("entry") or []
    urls: set[str] = set()
    relative: set[str] = set()
    for i, e in enumerate(entries):
        res = e.get("resource")
        if not isinstance(res, dict):
            raise InvalidInput(f"Bundle: entry[{i}].resource: missing")
        full = e.get("fullUrl")
        if full:
            if full in urls:
                raise InvalidInput(f"Bundle: entry[{i}].fullUrl: {full} appears twice (bdl-7)")
            urls.add(full)
        if res.get("id"):
            relative.add(f"{res['resourceType']}/{res['id']}")
        if bundle.get("type") in ("transaction", "batch") and not e.get("request"):
            raise InvalidInput(f"Bundle: entry[{i}].request: missing in a {bundle['type']} (bdl-3)")
    questionnaires = {
        e["resource"]["url"]: e["resource"]
        for e in entries
        if e["resource"].get("resourceType") == "Questionnaire" and e["resource"].get("url")
    }
    for e in entries:
        res = e["resource"]
        where = label(res, e.get("fullUrl"))
        _check_bindings(where, res, t)
        _check_codings(where, res, t, strict)
        _check_quantities(where, res)
        if res.get("resourceType") == "Observation":
            _check_observation(where, res)
        for path, key, value in _walk(res, ""):
            if (
                key == "reference"
                and isinstance(value, str)
                and not _resolves(value, urls, relative)
            ):
                raise InvalidInput(
                    f"{where}: {path}.reference: {value!r} does not resolve inside the Bundle"
                )
        if strict and res.get("resourceType") == "QuestionnaireResponse":
            canonical = str(res.get("questionnaire", "")).split("|")[0]
            q = questionnaires.get(canonical)
            if q is None:
                raise InvalidInput(
                    f"{where}: questionnaire: {canonical!r} is not a Questionnaire of the Bundle"
                )
            known = set(_linkids(q.get("item", [])))
            for link in _linkids(res.get("item", [])):
                if link not in known:
                    raise InvalidInput(f"{where}: item: linkId {link!r} is not in {canonical}")
