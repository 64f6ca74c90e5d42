"""The pose library: load and validate poses.yaml, and draw any library exercise."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from pydantic import ValidationError

from upperback.errors import InvalidInput, NotFound
from upperback.illustrate.pose import Resolved, resolve
from upperback.illustrate.render import animated_svg, static_svg
from upperback.illustrate.schema import JointLimit, PoseLibrary
from upperback.illustrate.timeline import Phase, phases
from upperback.knowledge.loader import data_path, describe_validation_error, read_yaml
from upperback.knowledge.schema import Exercise, LoadingType

MOBILITY_TYPES = frozenset({LoadingType.mobility, LoadingType.breathing})


@dataclass(frozen=True)
class PoseLibraryIndex:
    limits: list[JointLimit]
    figures: dict[str, Resolved]


def parse_library(raw: object, where: str = "poses.yaml") -> PoseLibraryIndex:
    """Validate a parsed poses document; one-line error naming the entry and field."""
    try:
        lib = PoseLibrary.model_validate(raw)
    except ValidationError as err:
        raise InvalidInput(describe_validation_error(err, where)) from None
    by_id = {f.id: f for f in lib.figures}
    if len(by_id) != len(lib.figures):
        raise InvalidInput(f"{where}: duplicate figure id")
    try:
        resolved = {f.id: resolve(f, by_id) for f in lib.figures}
    except ValueError as err:
        raise InvalidInput(f"{where}: {err}") from None
    return PoseLibraryIndex(lib.limits, resolved)


@cache
def pose_library() -> PoseLibraryIndex:
    """The packaged pose library (validated once per process)."""
    return parse_library(read_yaml(data_path("poses.yaml")))


def _figure(exercise_id: str) -> Resolved:
    fig = pose_library().figures.get(exercise_id)
    if fig is None:
        raise NotFound(f"exercise: no illustration for '{exercise_id}'")
    return fig


def exercise_phases(
    ex: Exercise, tempo: str | None = None, hold_s: float | None = None
) -> list[Phase]:
    """Animation phases for an exercise at a (prescribed) tempo and hold."""
    mobility = any(t in MOBILITY_TYPES for t in ex.loading_types)
    return phases(tempo or ex.tempo, mobility=mobility, hold_s=hold_s)


@lru_cache(maxsize=1024)
def _animated(ex_id: str, mobility: bool, tempo: str, hold_s: float | None, title: str) -> str:
    return animated_svg(_figure(ex_id), phases(tempo, mobility=mobility, hold_s=hold_s), title)


@lru_cache(maxsize=1024)
def _still(ex_id: str, pose: str, title: str) -> str:
    return static_svg(_figure(ex_id), pose, title)


def figure_animated(
    ex: Exercise, tempo: str | None = None, hold_s: float | None = None, title: str | None = None
) -> str:
    """Animated SVG of the exercise at the given tempo (the library tempo by default).

    Figures are pure functions of their inputs, so they are cached per process.
    """
    mobility = any(t in MOBILITY_TYPES for t in ex.loading_types)
    return _animated(ex.id, mobility, tempo or ex.tempo, hold_s, title or ex.name)


def figure_still(ex: Exercise, pose: str = "start", title: str | None = None) -> str:
    """Still SVG of the start or end position (for the printable home program)."""
    if pose not in ("start", "end"):
        raise InvalidInput(f"pose: '{pose}' must be start or end")
    label = "start position" if pose == "start" else "end position"
    return _still(ex.id, pose, f"{title or ex.name}: {label}")
