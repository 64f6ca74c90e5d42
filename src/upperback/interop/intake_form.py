"""The intake document as a Questionnaire and QuestionnaireResponse, field by field.

Generic over the Intake model: every field becomes an item (linkId = field name, nested
fields `parent.child`), so fields added to the intake later travel without code here.
Scalars map to valueBoolean / valueInteger / valueDecimal / valueDate / valueString, lists to
repeated answers, mappings and nested documents to groups; a list of documents travels as
JSON text (valueString) because R4 answers cannot repeat groups.
"""

from __future__ import annotations

import json
from typing import Any

from upperback.errors import InvalidInput
from upperback.interop.codings import coding
from upperback.knowledge.codes import CodeTable
from upperback.model.intake import Intake

_VALUE_KEYS = ("valueBoolean", "valueInteger", "valueDecimal", "valueDate", "valueString")


def _schema() -> dict[str, Any]:
    return Intake.model_json_schema()


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Follow $ref and drop the null branch of optional fields."""
    while True:
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in node:
            branches = [b for b in node["anyOf"] if b.get("type") != "null"]
            node = branches[0] if branches else {}
        else:
            return node


def _answer(value: Any, node: dict[str, Any]) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if isinstance(value, str) and node.get("format") == "date":
        return {"valueDate": value}
    if isinstance(value, str):
        return {"valueString": value}
    return {"valueString": json.dumps(value, sort_keys=True)}


def _items(
    doc: dict[str, Any], props: dict[str, Any], defs: dict[str, Any], prefix: str
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name, value in doc.items():
        if value is None or value == "":
            continue  # FHIR strings are never empty; the field keeps its default
        link = prefix + name
        node = _resolve(props.get(name, {}), defs)
        if isinstance(value, dict):
            sub_props = node.get("properties", {})
            extra = (
                _resolve(node.get("additionalProperties") or {}, defs)
                if isinstance(node.get("additionalProperties"), dict)
                else {}
            )
            nested = _items(value, sub_props or dict.fromkeys(value, extra), defs, link + ".")
            out.append({"linkId": link, "item": nested} if nested else {"linkId": link})
        elif isinstance(value, list):
            elem = _resolve(node.get("items", {}), defs)
            item: dict[str, Any] = {"linkId": link}
            if value:
                item["answer"] = [_answer(v, elem) for v in value if v != ""]
            out.append(item)
        else:
            out.append({"linkId": link, "answer": [_answer(value, node)]})
    return out


def intake_items(intake: Intake) -> list[dict[str, Any]]:
    """QuestionnaireResponse items for one intake."""
    schema = _schema()
    return _items(intake.model_dump(mode="json"), schema["properties"], schema.get("$defs", {}), "")


_TYPES = {
    "valueBoolean": "boolean",
    "valueInteger": "integer",
    "valueDecimal": "decimal",
    "valueDate": "date",
    "valueString": "string",
}


def _questions(items: list[dict[str, Any]], into: dict[str, dict[str, Any]]) -> None:
    for it in items:
        q = into.setdefault(it["linkId"], {"linkId": it["linkId"], "text": it["linkId"]})
        if "item" in it:
            q["type"] = "group"
            sub = {c["linkId"]: c for c in q.get("item", [])}
            _questions(it["item"], sub)
            q["item"] = list(sub.values())
            continue
        answers = it.get("answer", [])
        if answers:
            key = next(k for k in _VALUE_KEYS if k in answers[0])
            q["type"] = _TYPES[key]
        q.setdefault("type", "string")
        if len(answers) != 1 or "answer" not in it:
            q["repeats"] = True


def intake_questionnaire(intakes: list[Intake], table: CodeTable, url: str) -> dict[str, Any]:
    """A Questionnaire whose items cover every field the client's intakes answered."""
    found: dict[str, dict[str, Any]] = {}
    schema = _schema()
    for intake in intakes:
        _questions(intake_items(intake), found)
    for q in found.values():
        prop = schema["properties"].get(q["linkId"], {})
        q["text"] = prop.get("title", q["linkId"])
        node = _resolve(prop, schema.get("$defs", {}))
        if node.get("type") == "array":
            q["repeats"] = True
        if q.get("type") == "group" and not q.get("item"):
            q["type"] = "display"  # an empty mapping: nothing to answer
    return {
        "resourceType": "Questionnaire",
        "url": url,
        "name": "UpperbackIntake",
        "title": "upperback intake",
        "status": "active",
        "subjectType": ["Patient"],
        "code": [coding(table.get("intake_panel"))],
        "item": list(found.values()),
    }


def _value(answer: dict[str, Any], where: str) -> Any:
    for key in _VALUE_KEYS:
        if key in answer:
            return answer[key]
    raise InvalidInput(
        f"{where}.answer: no value of a supported type (boolean, integer, decimal, date, string)"
    )


def _decode(
    items: list[dict[str, Any]], props: dict[str, Any], defs: dict[str, Any], where: str
) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for it in items:
        name = str(it.get("linkId", "")).rsplit(".", 1)[-1]
        node = _resolve(props.get(name, {}), defs)
        here = f"{where}.item[{name}]"
        if node.get("type") == "object" or "properties" in node:
            sub_props = node.get("properties") or {}
            doc[name] = _decode(it.get("item", []), sub_props, defs, here)
            continue
        answers = it.get("answer", [])
        if node.get("type") == "array":
            elem = _resolve(node.get("items", {}), defs)
            doc[name] = [_typed(_value(a, here), elem) for a in answers]
        elif answers:
            doc[name] = _typed(_value(answers[0], here), node)
    return doc


def _typed(value: Any, node: dict[str, Any]) -> Any:
    if isinstance(value, str) and node.get("type") in ("object", "array"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def intake_from_items(items: list[dict[str, Any]], where: str) -> dict[str, Any]:
    """The intake document (unvalidated) from QuestionnaireResponse items."""
    schema = _schema()
    return _decode(items, schema["properties"], schema.get("$defs", {}), where)
