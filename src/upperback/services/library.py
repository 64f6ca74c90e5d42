"""The exercise library for browsing: search, filters, progression ladders, engine reasons.

Reads only the validated knowledge files; with a client it also says, per exercise,
whether the engine would consider it for that client and why not (same eligibility check
as the program generator).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from upperback.knowledge.loader import ExerciseLibrary, exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.knowledge.schema import Exercise, LoadingType, RatioClass
from upperback.loading.eligibility import conditions, exclusion_reason
from upperback.model.common import Equipment, Muscle
from upperback.services.access import Actor, audit, client_for
from upperback.services.database import Database

MAX_QUERY = 100


@dataclass(frozen=True)
class LibraryFilter:
    """What the clinician asked for; empty strings mean "any"."""

    q: str = ""
    muscle: str = ""
    loading: str = ""
    equipment: str = ""
    level: int | None = None
    ratio: str = ""

    def matches(self, ex: Exercise) -> bool:
        q = self.q.strip().lower()[:MAX_QUERY]
        if q and not any(
            q in text.lower() for text in (ex.id, ex.name, ex.position, " ".join(ex.coaching_cues))
        ):
            return False
        if self.muscle and self.muscle not in {m.value for m in (*ex.targets, *ex.secondary)}:
            return False
        if self.loading and self.loading not in {t.value for t in ex.loading_types}:
            return False
        if self.equipment and self.equipment not in {e.value for e in ex.equipment}:
            return False
        if self.level is not None and ex.level != self.level:
            return False
        return not (self.ratio and (ex.ratio_class is None or ex.ratio_class.value != self.ratio))


@dataclass(frozen=True)
class LadderNode:
    id: str
    name: str
    level: int
    x: float
    y: float


@dataclass(frozen=True)
class Ladder:
    """The exercise's ladder (regressions and progressions, transitively) laid out by level."""

    nodes: list[LadderNode]
    edges: list[tuple[LadderNode, LadderNode]]
    width: int
    height: int


@dataclass(frozen=True)
class LibraryEntry:
    exercise: Exercise
    eligible: bool | None = None
    reason: str = ""
    ladder: Ladder | None = field(default=None)


def options() -> dict[str, list[str]]:
    """Filter choices, from the enums the library is validated against."""
    return {
        "muscle": [m.value for m in Muscle],
        "loading": [t.value for t in LoadingType],
        "equipment": [e.value for e in Equipment],
        "ratio": [r.value for r in RatioClass],
    }


def ladder_of(ex: Exercise, lib: ExerciseLibrary, *, limit: int = 12) -> Ladder:
    """Steps below `ex` (its regressions, transitively) and above it (its progressions).

    Siblings reached only through a shared step are left out, so the graph reads as the
    ladder this exercise sits on; columns are levels 1-5.
    """
    seen: dict[str, Exercise] = {ex.id: ex}
    for attr in ("regressions", "progressions"):
        queue = [ex]
        while queue and len(seen) < limit:
            cur = queue.pop(0)
            for nid in getattr(cur, attr):
                if nid not in seen and len(seen) < limit:
                    nxt = lib.get(nid)
                    seen[nid] = nxt
                    queue.append(nxt)
    col_w, row_h, pad = 190, 50, 10
    rows: dict[int, int] = {}
    nodes: dict[str, LadderNode] = {}
    for e in sorted(seen.values(), key=lambda e: (e.level, e.name)):
        r = rows.get(e.level, 0)
        rows[e.level] = r + 1
        nodes[e.id] = LadderNode(
            e.id, e.name, e.level, pad + (e.level - 1) * col_w, pad + r * row_h
        )
    edges = [(nodes[e.id], nodes[p]) for e in seen.values() for p in e.progressions if p in nodes]
    height = pad * 2 + max(rows.values()) * row_h
    return Ladder(list(nodes.values()), edges, width=pad * 2 + 5 * col_w, height=height)


def browse(
    flt: LibraryFilter, db: Database | None = None, actor: Actor | None = None,
    client_id: int | None = None,
) -> list[LibraryEntry]:  # fmt: skip
    """Matching exercises by level then name; with a client, the engine's eligibility too."""
    lib = exercise_library()
    found = sorted((e for e in lib if flt.matches(e)), key=lambda e: (e.level, e.name))
    if db is None or actor is None or client_id is None:
        return [LibraryEntry(e) for e in found]
    from upperback.store.records import Records

    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        profile = Records(s).latest_profile(client_id)
        intake = Records(s).latest_intake(client_id)
        audit(s, actor, "library.browse", client_id)
        uow.commit()
    if profile is None:
        return [LibraryEntry(e, None, "no assessment yet") for e in found]
    active = conditions(profile, intake)
    owned = set(intake.equipment) if intake is not None else set(Equipment)
    dislikes = intake.dislikes if intake is not None else []
    rules = loading_rules()
    out = []
    for e in found:
        why = exclusion_reason(e, active, owned, dislikes, rules)
        out.append(
            LibraryEntry(
                e, why is None, why.reason if why is not None else "eligible for this client"
            )
        )
    return out


def entry(exercise_id: str) -> LibraryEntry:
    """One exercise with its ladder (NotFound for an unknown id)."""
    lib = exercise_library()
    ex = lib.get(exercise_id)
    return LibraryEntry(ex, ladder=ladder_of(ex, lib))
