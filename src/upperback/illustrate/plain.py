"""Plain words for clients: exercise names, doses, tempo, effort and what changed and why.

Words come from knowledge/data/plain_language.yaml; nothing here shows an id, rule name,
evidence tag or source. Clinician views keep those.
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import Field, ValidationError

from upperback.errors import InvalidInput
from upperback.illustrate.timeline import tempo_digits
from upperback.knowledge.loader import (
    data_path,
    describe_validation_error,
    exercise_library,
    read_yaml,
)
from upperback.knowledge.loading_rules import loading_rules
from upperback.knowledge.schema import LoadMode
from upperback.model.common import Frozen
from upperback.model.program import Prescription


class GlossaryEntry(Frozen):
    term: str = Field(pattern=r"^[a-z_]+$")
    title: str = Field(min_length=3)
    text: str = Field(min_length=10)


class PlainLanguage(Frozen):
    names: dict[str, str]
    changes: dict[str, str]
    glossary: list[GlossaryEntry] = Field(min_length=1)


def parse_plain(raw: object, where: str = "plain_language.yaml") -> PlainLanguage:
    try:
        return PlainLanguage.model_validate(raw)
    except ValidationError as err:
        raise InvalidInput(describe_validation_error(err, where)) from None


@cache
def plain_language() -> PlainLanguage:
    return parse_plain(read_yaml(data_path("plain_language.yaml")))


def plain_name(exercise_id: str, fallback: str = "This exercise") -> str:
    return plain_language().names.get(exercise_id, fallback)


def _n(x: float) -> str:
    return f"{x:g}"


def plain_dose(
    sets: int,
    reps: int | None,
    hold_s: int | None,
    per_side: bool = False,
    load_kg: float | None = None,
    level: int | None = None,
) -> str:
    """E.g. '3 sets of 10 (each side), 2 kg' or '5 holds of 10 seconds'."""
    if reps is not None:
        work = f"{sets} set{'s' if sets != 1 else ''} of {reps}"
    else:
        work = f"{sets} hold{'s' if sets != 1 else ''} of {hold_s} seconds"
    if per_side:
        work += " (each side)"
    if load_kg:
        work += f", {_n(load_kg)} kg"
    elif level is not None:
        work += f", level {level}"
    return work


def plain_load(rx: Prescription) -> str:
    """The load of one prescription in the client's units, '' when there is nothing to set
    up: '2 kg', 'band 2 (your lightest band is 1)', 'with the pressure gauge at 24'. A lever
    level is the exercise itself (its picture), not something to set up."""
    ex = exercise_library().by_id.get(rx.exercise_id)
    mode = ex.load_mode if ex is not None else LoadMode.kg
    if rx.load_kg:
        return f"{_n(rx.load_kg)} kg"
    if rx.level is None or mode not in (LoadMode.band, LoadMode.pressure):
        return ""
    if mode == LoadMode.pressure:
        return f"with the pressure gauge at {loading_rules().phase_progression.mmhg(rx.level)}"
    return f"band {rx.level} (your lightest band is 1)"


def plain_rx_dose(rx: Prescription) -> str:
    """The dose of one prescription in the client's units (see `plain_load`)."""
    work = plain_dose(rx.sets, rx.reps, rx.hold_s, rx.per_side)
    load = plain_load(rx)
    return f"{work}, {load}" if load else work


def plain_tempo(tempo: str, mobility: bool) -> str:
    """One sentence for the four tempo numbers, in the order the client moves."""
    e, p1, c, p2 = tempo_digits(tempo)
    if mobility:
        parts = [f"breathe out and move into the stretch over {_n(e)} s"]
        if p1:
            parts.append(f"stay {_n(p1)} s")
        parts.append(f"breathe in and come back over {_n(c)} s")
        if p2:
            parts.append(f"rest {_n(p2)} s")
    else:
        parts = [f"move over {_n(c)} s"]
        if p2:
            parts.append(f"hold {_n(p2)} s")
        parts.append(f"return slowly over {_n(e)} s")
        if p1:
            parts.append(f"pause {_n(p1)} s")
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."


def plain_effort(rpe: float) -> str:
    """Target effort in words, with the reps-in-reserve reading of the same number."""
    left = max(0, round(10 - rpe))
    more = "none left" if left == 0 else f"about {left} more left in you"
    return f"Effort about {_n(rpe)} out of 10 ({more})"


_TAGS = re.compile(r"\s*\[(?:[VKU](?:/[VKU])*|design)[^\]]*\]")
_CITES = re.compile(r"\s*\((?:[^()]*\b(?:19|20)\d{2}\b[^()]*)\)")


def client_text(text: str) -> str:
    """Library wording for a client: evidence tags and bracketed citations taken out."""
    return _CITES.sub("", _TAGS.sub("", text)).strip()


def plain_change(rule_id: str, exercise_id: str | None) -> str:
    """One or two sentences a client understands for an adaptation."""
    template = plain_language().changes.get(rule_id, "Your plan was adjusted after this session.")
    name = plain_name(exercise_id, "This exercise") if exercise_id else "This exercise"
    return template.format(exercise=name)
