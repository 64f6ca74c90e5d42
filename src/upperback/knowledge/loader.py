"""Load and validate curated data files; a bad entry is named with its field and problem."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from upperback.errors import InvalidInput
from upperback.knowledge.schema import Exercise

M = TypeVar("M", bound=BaseModel)


def describe_validation_error(err: ValidationError, where: str) -> str:
    """One line naming the first failing field and why."""
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "(document)"
    more = f" (+{err.error_count() - 1} more)" if err.error_count() > 1 else ""
    return f"{where}: {loc}: {first['msg']}{more}"


def read_yaml(path: Path | str) -> Any:
    """Parse a YAML file, turning syntax errors into one-line InvalidInput."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError:
        raise InvalidInput(f"{p}: file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" line {mark.line + 1}" if mark is not None else ""
        raise InvalidInput(f"{p}:{at} is not valid YAML") from None


def data_path(name: str) -> Path:
    """Path of a packaged data file under knowledge/data."""
    return Path(str(resources.files("upperback.knowledge") / "data" / name))


def validate_entries(model: type[M], entries: Any, where: str) -> list[M]:
    """Validate a list of mappings into `model`, naming the entry id on failure."""
    if not isinstance(entries, list):
        raise InvalidInput(f"{where}: expected a list of entries")
    out: list[M] = []
    for i, raw in enumerate(entries):
        label = raw.get("id", f"#{i}") if isinstance(raw, dict) else f"#{i}"
        try:
            out.append(model.model_validate(raw))
        except ValidationError as err:
            raise InvalidInput(describe_validation_error(err, f"{where} entry {label}")) from None
    return out


class ExerciseLibrary:
    """The validated exercise library with its progression graph checked."""

    def __init__(self, exercises: Iterable[Exercise], where: str = "exercises") -> None:
        self.by_id: dict[str, Exercise] = {}
        for ex in exercises:
            if ex.id in self.by_id:
                raise InvalidInput(f"{where}: duplicate exercise id {ex.id!r}")
            self.by_id[ex.id] = ex
        self._check_graph(where)

    def _check_graph(self, where: str) -> None:
        for ex in self.by_id.values():
            for rel, ids in (("progressions", ex.progressions), ("regressions", ex.regressions)):
                for target in ids:
                    if target not in self.by_id:
                        raise InvalidInput(
                            f"{where} entry {ex.id}: {rel} names unknown id {target!r}"
                        )
                    if target == ex.id:
                        raise InvalidInput(f"{where} entry {ex.id}: {rel} names itself")
                    self._check_level(where, ex, rel, self.by_id[target])
        cycle = self.find_progression_cycle()
        if cycle:
            raise InvalidInput(f"{where}: progression cycle {' -> '.join(cycle)}")

    @staticmethod
    def _check_level(where: str, ex: Exercise, rel: str, target: Exercise) -> None:
        """A progression never goes down a level and a regression never goes up one."""
        if rel == "progressions" and target.level < ex.level:
            raise InvalidInput(
                f"{where} entry {ex.id}: progressions names {target.id!r} at level {target.level}, "
                f"below this entry's level {ex.level}"
            )
        if rel == "regressions" and target.level > ex.level:
            raise InvalidInput(
                f"{where} entry {ex.id}: regressions names {target.id!r} at level {target.level}, "
                f"above this entry's level {ex.level}"
            )

    def find_progression_cycle(self) -> list[str]:
        """A cycle in progressions (or reversed regressions), or [] if the graph is acyclic."""
        edges: dict[str, set[str]] = {i: set(e.progressions) for i, e in self.by_id.items()}
        for ex in self.by_id.values():
            for r in ex.regressions:
                edges[r].add(ex.id)
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(node: str) -> list[str]:
            state[node] = 1
            stack.append(node)
            for nxt in sorted(edges[node]):
                if state.get(nxt) == 1:
                    return [*stack[stack.index(nxt) :], nxt]
                if nxt not in state:
                    found = visit(nxt)
                    if found:
                        return found
            stack.pop()
            state[node] = 2
            return []

        for node in sorted(edges):
            if node not in state:
                found = visit(node)
                if found:
                    return found
        return []

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.by_id.values())

    def get(self, exercise_id: str) -> Exercise:
        try:
            return self.by_id[exercise_id]
        except KeyError:
            raise InvalidInput(f"unknown exercise id {exercise_id!r}") from None


def load_exercises(path: Path | str | None = None) -> ExerciseLibrary:
    """Load a library file (default: the packaged one) and validate it whole."""
    p = Path(path) if path is not None else data_path("exercises.yaml")
    doc = read_yaml(p)
    entries = doc.get("exercises") if isinstance(doc, dict) else doc
    return ExerciseLibrary(validate_entries(Exercise, entries, p.name), p.name)


@cache
def exercise_library() -> ExerciseLibrary:
    """The packaged library, loaded once per process."""
    return load_exercises()
