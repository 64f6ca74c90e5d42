"""Key poses of an exercise placed in the world: angle maps, contacts, tilt, range checks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upperback.illustrate.schema import (
    AXIAL,
    SIDED,
    Angles,
    Figure,
    JointLimit,
    PoseSet,
    Position,
    Prop,
)
from upperback.illustrate.skeleton import ANKLE_H, Vec, body_points, rz

# Body axes (anterior, superior, right) -> world (screen right, up, toward viewer).
_SIDE_LYING = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
ORIENT: dict[Position, Vec] = {
    Position.standing: np.eye(3),
    Position.seated: np.eye(3),
    Position.half_kneeling: np.eye(3),
    Position.prone: rz(-90),
    Position.quadruped: rz(-90),
    Position.plank: rz(-90),
    Position.supine: rz(90),
    Position.side_lying: _SIDE_LYING,
}

PRESET: dict[Position, Angles] = {
    Position.standing: {},
    Position.seated: {"hip_flex": 90, "knee": 90},
    Position.half_kneeling: {
        "hip_flex_r": 90,
        "knee_r": 90,
        "hip_flex_l": -5,
        "knee_l": 90,
        "ankle_l": -40,
    },
    Position.prone: {"ankle": -40},
    Position.supine: {"ankle": -20},
    Position.side_lying: {
        "hip_flex": 45,
        "knee": 90,
        "shoulder_plane": 90,
        "shoulder_elev": 80,
        "elbow": 20,
    },
    Position.quadruped: {
        "hip_flex": 90,
        "knee": 110,
        "ankle": -40,
        "shoulder_plane": 90,
        "shoulder_elev": 90,
    },
    Position.plank: {"shoulder_plane": 90, "shoulder_elev": 80, "ankle": 10},
}

CONTACTS: dict[Position, list[tuple[str, float]]] = {
    Position.standing: [("heel_r", 0.0)],
    Position.seated: [("pelvis", 0.50)],
    Position.half_kneeling: [("knee_l", 0.03)],
    Position.prone: [("thorax", 0.09), ("pelvis", 0.09)],
    Position.supine: [("thorax", 0.09), ("pelvis", 0.09)],
    Position.side_lying: [("thorax", 0.13), ("pelvis", 0.11)],
    Position.quadruped: [("wrist_r", 0.03), ("knee_r", 0.035)],
    Position.plank: [("wrist_r", 0.03), ("toe_r", 0.0)],
}

VIEW: dict[Position, tuple[float, float]] = {
    Position.standing: (-30.0, 8.0),
    Position.seated: (-30.0, 8.0),
    Position.half_kneeling: (-30.0, 8.0),
    Position.prone: (-20.0, 18.0),
    Position.quadruped: (-20.0, 15.0),
    Position.plank: (-15.0, 12.0),
    Position.supine: (20.0, 18.0),
    Position.side_lying: (0.0, 35.0),
}


@dataclass(frozen=True)
class Resolved:
    """A figure with `like` followed and defaults filled in."""

    id: str
    position: Position
    poses: PoseSet
    base: Angles
    props: list[Prop]
    contacts: list[tuple[str, float]]
    yaw: float
    pitch: float


def resolve(fig: Figure, by_id: dict[str, Figure], depth: int = 0) -> Resolved:
    """Follow `like` chains (own fields win) and apply position defaults."""
    if fig.like is not None:
        if depth > 5 or fig.like not in by_id:
            raise ValueError(f"{fig.id}: like '{fig.like}' is not a figure id")
        parent = resolve(by_id[fig.like], by_id, depth + 1)
        position = fig.position or parent.position
        base = {**parent.base, **fig.base}
        return Resolved(
            fig.id,
            position,
            fig.poses or parent.poses,
            base,
            fig.props if fig.props is not None else parent.props,
            fig.contacts or parent.contacts,
            fig.yaw if fig.yaw is not None else parent.yaw,
            fig.pitch if fig.pitch is not None else parent.pitch,
        )
    assert fig.position is not None and fig.poses is not None
    yaw, pitch = VIEW[fig.position]
    return Resolved(
        fig.id,
        fig.position,
        fig.poses,
        dict(fig.base),
        list(fig.props or []),
        list(fig.contacts or CONTACTS[fig.position]),
        fig.yaw if fig.yaw is not None else yaw,
        fig.pitch if fig.pitch is not None else pitch,
    )


def _expand(angles: Angles) -> Angles:
    """Unsuffixed sided names set both sides; suffixed names win."""
    out: Angles = {}
    for k, v in angles.items():
        if k in SIDED:
            out.setdefault(f"{k}_r", v)
            out.setdefault(f"{k}_l", v)
    for k, v in angles.items():
        if k not in SIDED:
            out[k] = v
    return out


def full_angles(r: Resolved, key: Angles) -> Angles:
    """Complete angle map of one key pose: preset, then figure base, then the pose."""
    out: Angles = {}
    for layer in (PRESET[r.position], r.base, key):
        out.update(_expand(layer))
    return out


def key_poses(r: Resolved) -> dict[str, Angles]:
    """Named complete angle maps: start, mid (if any), end; mid/end inherit from start."""
    start = full_angles(r, r.poses.start)
    res = {"start": start}
    if r.poses.mid is not None:
        res["mid"] = {**start, **_expand(r.poses.mid)}
    res["end"] = {**start, **_expand(r.poses.end)}
    return res


def _world(pts: dict[str, Vec], orient: Vec, tilt: float) -> dict[str, Vec]:
    m = rz(tilt) @ orient
    return {k: m @ v for k, v in pts.items()}


def _solve_tilt(
    pts: dict[str, Vec], orient: Vec, c1: tuple[str, float], c2: tuple[str, float], guess: float
) -> float:
    """Tilt (deg about the viewing axis) that puts the second contact where it belongs."""
    name2, horizontal = c2[0].removesuffix("@x"), c2[0].endswith("@x")
    a, b = orient @ pts[c1[0]], orient @ pts[name2]

    def f(t: float) -> float:
        m = rz(t)
        wa, wb = m @ a, m @ b
        if horizontal:
            return float(wb[0] - wa[0]) - c2[1]
        return float(wa[1] - wb[1]) - (c1[1] - c2[1])

    roots: list[float] = []
    grid = [float(t) for t in range(-85, 86, 5)]
    vals = [f(t) for t in grid]
    for i in range(len(grid) - 1):
        t0, v0, t1, v1 = grid[i], vals[i], grid[i + 1], vals[i + 1]
        if v0 == 0 or v0 * v1 < 0:
            lo, hi, flo = t0, t1, v0
            for _ in range(30):
                mid = (lo + hi) / 2
                fm = f(mid)
                if flo * fm <= 0:
                    hi = mid
                else:
                    lo, flo = mid, fm
            roots.append((lo + hi) / 2)
    if not roots:
        return guess
    return min(roots, key=lambda x: abs(x - guess))


def place(r: Resolved, angles: Angles, anchor_x: float | None) -> dict[str, Vec]:
    """World points of one pose, grounded on its contacts (first contact keeps its x)."""
    pts = body_points(angles)
    orient = ORIENT[r.position]
    guess = angles.get("tilt", 0.0)
    tilt = (
        _solve_tilt(pts, orient, r.contacts[0], r.contacts[1], guess)
        if len(r.contacts) >= 2
        else guess
    )
    w = _world(pts, orient, tilt)
    name, h = r.contacts[0]
    dx = 0.0 if anchor_x is None else anchor_x - float(w[name][0])
    shift = np.array([dx, h - float(w[name][1]), 0.0])
    placed = {k: v + shift for k, v in w.items()}
    low = min(float(v[1]) for k, v in placed.items() if k != "nose")
    if low < -ANKLE_H:  # never below the floor: lift the whole figure
        placed = {k: v + np.array([0.0, -low, 0.0]) for k, v in placed.items()}
    return placed


def derived(angles: Angles) -> dict[str, float]:
    """Angle values compared with the limits table (sided names keep their suffix)."""
    out = {k: v for k, v in angles.items() if k in AXIAL}
    out["trunk_flex"] = angles.get("lumbar_flex", 0.0) + angles.get("thorax_flex", 0.0)
    for j in SIDED:
        for s in ("r", "l"):
            out[f"{j}_{s}"] = angles.get(f"{j}_{s}", 0.0)
    return out


def out_of_range(angles: Angles, limits: list[JointLimit]) -> list[str]:
    """Human-readable list of angles outside the normal active range."""
    vals = derived(angles)
    bad: list[str] = []
    for lim in limits:
        names = [f"{lim.joint}_r", f"{lim.joint}_l"] if lim.joint in SIDED else [lim.joint]
        for n in names:
            v = vals.get(n, 0.0)
            if not (lim.low <= v <= lim.high):
                bad.append(f"{n}={v:g} outside [{lim.low:g}, {lim.high:g}]")
    return bad
