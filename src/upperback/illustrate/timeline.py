"""Tempo -> animation phases, each with the pose it moves between and the breath cue.

Tempo strings are eccentric-pause-concentric-pause seconds (library convention); for
mobility and breathing entries they are into-range (exhale), end-range pause, return
(inhale), pause. A prescribed hold replaces the pause at the end of the movement.
'X' (explosive) is drawn as 1 s [design].
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from upperback.model.common import Frozen

EXPLOSIVE_S = 1.0


class Breath(StrEnum):
    inhale = "in"
    exhale = "out"
    hold = "hold"


class Phase(Frozen):
    """One stretch of the cycle: from one key pose to another (equal for a pause)."""

    frm: str
    to: str
    seconds: float = Field(ge=0)
    breath: Breath
    label: str


def tempo_digits(tempo: str) -> tuple[float, float, float, float]:
    """The four tempo numbers in seconds ('X' = explosive)."""
    parts = tempo.split("-")
    if len(parts) != 4:
        raise ValueError(f"tempo '{tempo}' must have four parts like 3-1-2-0")
    vals = [EXPLOSIVE_S if p.upper() == "X" else float(p) for p in parts]
    return vals[0], vals[1], vals[2], vals[3]


def phases(tempo: str, *, mobility: bool, hold_s: float | None = None) -> list[Phase]:
    """The movement cycle starting from the start pose, zero-length phases left out."""
    e, p1, c, p2 = tempo_digits(tempo)
    if mobility:
        seq = [
            Phase(
                frm="start",
                to="end",
                seconds=e,
                breath=Breath.exhale,
                label="Breathe out into the stretch",
            ),
            Phase(
                frm="end",
                to="end",
                seconds=hold_s or p1,
                breath=Breath.hold,
                label="Stay, breathe easy",
            ),
            Phase(
                frm="end", to="start", seconds=c, breath=Breath.inhale, label="Breathe in, return"
            ),
            Phase(frm="start", to="start", seconds=p2, breath=Breath.hold, label="Rest"),
        ]
    else:
        seq = [
            Phase(
                frm="start",
                to="end",
                seconds=c,
                breath=Breath.exhale,
                label="Breathe out as you move",
            ),
            Phase(
                frm="end",
                to="end",
                seconds=hold_s or p2,
                breath=Breath.hold,
                label="Hold, keep breathing",
            ),
            Phase(
                frm="end",
                to="start",
                seconds=e,
                breath=Breath.inhale,
                label="Breathe in, return slowly",
            ),
            Phase(frm="start", to="start", seconds=p1, breath=Breath.hold, label="Pause"),
        ]
    return [p for p in seq if p.seconds > 0]


def cycle_seconds(ph: list[Phase]) -> float:
    return sum(p.seconds for p in ph)
