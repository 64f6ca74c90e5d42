"""Forward kinematics: joint angles -> 3-D points of a segment figure, in body-height units.

Segment lengths are fractions of body height from Winter's anthropometric table [K]
(Winter, Biomechanics and Motor Control of Human Movement, 4th ed. 2009, fig. 4.1): upper
arm 0.186, forearm 0.146, thigh 0.245, shank 0.246, shoulder width 0.259. The trunk is split
into a lumbar and a thoracic link so thoracic rotation and extension show [design].
The arm uses the ISB humerothoracic convention (plane of elevation, elevation, axial
rotation; Wu et al. 2005 J Biomech 38:981) [K]; flexion/extension and abduction are read
off it for the range checks.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Vec = npt.NDArray[np.float64]

UPPER_ARM = 0.186
FOREARM = 0.146
HAND = 0.07
THIGH = 0.245
SHANK = 0.246
FOOT = 0.12
ANKLE_H = 0.039
HALF_SHOULDER = 0.125
HALF_HIP = 0.085
LUMBAR = 0.12
THORAX = 0.19
NECK = 0.055
HEAD_R = 0.058
CM = 1 / 175.0  # one centimetre on a 175-cm figure

SEGMENTS: tuple[tuple[str, str, str], ...] = (
    # (from, to, kind)
    ("pelvis", "t12", "trunk"),
    ("t12", "c7", "trunk"),
    ("hip_r", "hip_l", "pelvis"),
    ("shoulder_r", "shoulder_l", "girdle"),
    ("c7", "head", "neck"),
    ("hip_r", "knee_r", "limb"),
    ("knee_r", "ankle_r", "limb"),
    ("heel_r", "toe_r", "foot"),
    ("hip_l", "knee_l", "limb"),
    ("knee_l", "ankle_l", "limb"),
    ("heel_l", "toe_l", "foot"),
    ("shoulder_r", "elbow_r", "limb"),
    ("elbow_r", "wrist_r", "limb"),
    ("wrist_r", "hand_r", "hand"),
    ("shoulder_l", "elbow_l", "limb"),
    ("elbow_l", "wrist_l", "limb"),
    ("wrist_l", "hand_l", "hand"),
)


def rx(deg: float) -> Vec:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]], dtype=np.float64)


def ry(deg: float) -> Vec:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]], dtype=np.float64)


def rz(deg: float) -> Vec:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], dtype=np.float64)


def _rodrigues(v: Vec, axis: Vec, deg: float) -> Vec:
    n = float(np.linalg.norm(axis))
    if n < 1e-9:
        return v
    k = axis / n
    a = math.radians(deg)
    out: Vec = v * math.cos(a) + np.cross(k, v) * math.sin(a) + k * float(k @ v) * (1 - math.cos(a))
    return out


def arm_directions(plane: float, elev: float, rot: float, elbow: float) -> tuple[Vec, Vec]:
    """Unit vectors of the right upper arm and forearm in the thorax frame.

    Frame: x anterior, y superior, z right. Plane 0 = abduction, 90 = flexion; elevation
    from hanging; rotation + = external; with rotation 0 and the arm hanging, a bent elbow
    points the forearm forward.
    """
    down = np.array([0.0, -1.0, 0.0])
    p = math.radians(plane)
    toward = np.array([math.sin(p), 0.0, math.cos(p)])
    r = math.radians(rot)
    fwd = np.array([math.cos(r), 0.0, math.sin(r)])
    axis = np.cross(down, toward)
    upper = _rodrigues(down, axis, elev)
    ref = _rodrigues(fwd, axis, elev)
    f = math.radians(elbow)
    fore: Vec = upper * math.cos(f) + ref * math.sin(f)
    return upper, fore


def _mirror(v: Vec) -> Vec:
    return np.array([v[0], v[1], -v[2]])


def body_points(a: dict[str, float]) -> dict[str, Vec]:
    """Joint centres in the pelvis frame for a complete angle map (see schema.joint_names)."""
    g = a.get
    pts: dict[str, Vec] = {"pelvis": np.zeros(3)}
    lum = rz(-g("lumbar_flex", 0.0))
    pts["t12"] = lum @ np.array([0.0, LUMBAR, 0.0])
    tho = lum @ rz(-g("thorax_flex", 0.0)) @ rx(g("thorax_side", 0.0)) @ ry(-g("thorax_rot", 0.0))
    pts["c7"] = pts["t12"] + tho @ np.array([0.0, THORAX, 0.0])
    neck = tho @ rz(-g("neck_flex", 0.0)) @ ry(-g("neck_rot", 0.0))
    pts["head"] = pts["c7"] + neck @ np.array([0.012, NECK + HEAD_R, 0.0])
    pts["nose"] = pts["head"] + neck @ np.array([HEAD_R * 1.15, -0.01, 0.0])
    pts["thorax"] = (pts["t12"] + pts["c7"]) / 2
    for side, sgn in (("r", 1.0), ("l", -1.0)):
        elev_cm = g(f"girdle_elev_{side}", 0.0) * CM
        pro_cm = g(f"girdle_pro_{side}", 0.0) * CM
        local_sh = np.array([pro_cm, -0.03 + elev_cm, sgn * (HALF_SHOULDER - 0.3 * pro_cm)])
        sh = pts["c7"] + tho @ local_sh
        up, fore = arm_directions(
            g(f"shoulder_plane_{side}", 0.0),
            g(f"shoulder_elev_{side}", 0.0),
            g(f"shoulder_rot_{side}", 0.0),
            g(f"elbow_{side}", 0.0),
        )
        if sgn < 0:
            up, fore = _mirror(up), _mirror(fore)
        pts[f"shoulder_{side}"] = sh
        pts[f"elbow_{side}"] = sh + tho @ up * UPPER_ARM
        pts[f"wrist_{side}"] = pts[f"elbow_{side}"] + tho @ fore * FOREARM
        pts[f"hand_{side}"] = pts[f"wrist_{side}"] + tho @ fore * HAND
        hip = np.array([0.0, 0.0, sgn * HALF_HIP])
        leg = rx(-sgn * g(f"hip_abd_{side}", 0.0)) @ rz(g(f"hip_flex_{side}", 0.0))
        knee = hip + leg @ np.array([0.0, -THIGH, 0.0])
        shank = leg @ rz(-g(f"knee_{side}", 0.0))
        ankle = knee + shank @ np.array([0.0, -SHANK, 0.0])
        foot = shank @ rz(g(f"ankle_{side}", 0.0))
        pts[f"hip_{side}"] = hip
        pts[f"knee_{side}"] = knee
        pts[f"ankle_{side}"] = ankle
        pts[f"heel_{side}"] = ankle + foot @ np.array([-0.035, -ANKLE_H, 0.0])
        pts[f"toe_{side}"] = ankle + foot @ np.array([FOOT, -ANKLE_H, 0.0])
    return pts
