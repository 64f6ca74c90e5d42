"""Schema of knowledge/data/poses.yaml: key poses as joint angles, props, view.

A pose is a set of joint angles (degrees; girdle translations in cm) over the neutral
standing posture. Each exercise names a position preset, the props it needs and its key
poses (start, optional middle, end); `like` reuses another entry's poses.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from upperback.model.common import Frozen

SIDED: frozenset[str] = frozenset(
    {
        "shoulder_plane",
        "shoulder_elev",
        "shoulder_rot",
        "elbow",
        "girdle_elev",
        "girdle_pro",
        "hip_flex",
        "hip_abd",
        "knee",
        "ankle",
    }
)
"""Joint angles that exist once per side (suffix _r / _l, or unsuffixed for both sides)."""

AXIAL: frozenset[str] = frozenset(
    {"lumbar_flex", "thorax_flex", "thorax_rot", "thorax_side", "neck_flex", "neck_rot"}
)
"""Joint angles of the spine and neck (one each)."""


def joint_names() -> frozenset[str]:
    """Every fully qualified joint-angle name a pose may set."""
    return AXIAL | {f"{j}_{s}" for j in SIDED for s in ("r", "l")}


class Position(StrEnum):
    """Body positions named by the library's `position` field."""

    standing = "standing"
    seated = "seated"
    half_kneeling = "half_kneeling"
    prone = "prone"
    supine = "supine"
    side_lying = "side_lying"
    quadruped = "quadruped"
    plank = "plank"


class PropKind(StrEnum):
    floor = "floor"
    mat = "mat"
    bench = "bench"
    incline_bench = "incline_bench"
    chair = "chair"
    wall = "wall"
    band = "band"
    dumbbell = "dumbbell"
    kettlebell = "kettlebell"
    kettlebell_up = "kettlebell_up"
    ball = "ball"
    bosu = "bosu"
    roller = "roller"
    towel = "towel"
    cable = "cable"
    barbell = "barbell"
    suspension = "suspension"
    cuff = "cuff"
    tap = "tap"
    post = "post"


class Prop(Frozen):
    """One piece of equipment, placed relative to points of the figure's start pose.

    `at` names body points (e.g. hand_r, elbow_l, head, thorax) or is empty for props on the
    floor under the figure; `anchor` is a fixed point in world units relative to `at`'s
    start-pose position [forward, up, toward viewer] (band, cable, barbell ends).
    """

    kind: PropKind
    at: list[str] = Field(default_factory=list, max_length=2)
    anchor: tuple[float, float, float] | None = None
    size: float = Field(default=1.0, gt=0, le=3)
    floor_y: float | None = Field(
        default=None, ge=0, le=2.5, description="Absolute height of the anchor (e.g. on the floor)."
    )


Angles = dict[str, float]


class PoseSet(Frozen):
    """Key poses of one exercise: start, optional middle (where the path bends), end."""

    start: Angles = Field(default_factory=dict)
    mid: Angles | None = None
    end: Angles = Field(default_factory=dict)
    mid_at: float = Field(default=0.5, gt=0, lt=1)

    @field_validator("start", "mid", "end")
    @classmethod
    def _known(cls, v: Angles | None) -> Angles | None:
        if v is None:
            return v
        known = joint_names() | SIDED
        bad = sorted(k for k in v if k not in known and k not in {"tilt", "height"})
        if bad:
            raise ValueError(f"unknown joint angle(s): {', '.join(bad)}")
        return v


class Figure(Frozen):
    """The illustration entry of one exercise."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    like: str | None = None
    position: Position | None = None
    base: Angles = Field(default_factory=dict)
    poses: PoseSet | None = None
    props: list[Prop] | None = None
    contacts: list[tuple[str, float]] | None = Field(
        default=None,
        description="Body points and the heights they rest on; a second contact solves the "
        "tilt (name@x: its distance in front of the first instead of a height).",
    )
    yaw: float | None = Field(default=None, ge=-180, le=180)
    pitch: float | None = Field(default=None, ge=-90, le=90)
    note: str = ""

    @model_validator(mode="after")
    def _complete(self) -> Figure:
        if self.like is None and (self.position is None or self.poses is None):
            raise ValueError("give position and poses, or `like` another entry")
        return self


class JointLimit(Frozen):
    """Normal active range of one joint angle, with its source."""

    joint: str
    low: float
    high: float
    source: str = Field(min_length=3)
    evidence: str = Field(pattern=r"^(V|K|U|design)$")


class PoseLibrary(Frozen):
    limits: list[JointLimit] = Field(min_length=1)
    figures: list[Figure] = Field(min_length=1)
