"""JSON Schemas of the documents users write (intake, assessment, session log)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from upperback.model.assessment import AssessmentIn
from upperback.model.intake import Intake
from upperback.model.session import SessionLogIn

DOCUMENTS: dict[str, type[BaseModel]] = {
    "intake": Intake,
    "assessment": AssessmentIn,
    "session-log": SessionLogIn,
}


def json_schema(name: str) -> dict[str, Any]:
    schema = DOCUMENTS[name].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
