"""Draw placed poses as SVG primitives and animate them (SMIL) at the prescribed tempo."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import numpy as np

from upperback.illustrate.pose import Resolved, key_poses, place
from upperback.illustrate.schema import Angles, Prop, PropKind
from upperback.illustrate.skeleton import HEAD_R, SEGMENTS, Vec
from upperback.illustrate.timeline import Breath, Phase, cycle_seconds

SCALE = 200.0  # px per body height
MIN_WIDTH = 520.0  # px of viewBox, so the breath words fit
SAMPLES = 6  # frames per moving phase (angle-space interpolation keeps limb lengths)
NEAR, FAR, TRUNK = "#1d3557", "#8da9c4", "#274c77"
PROP, BAND, METAL = "#b08968", "#e76f51", "#495057"
BREATH_COLOUR = {Breath.inhale: "#2a9d8f", Breath.exhale: "#e9c46a", Breath.hold: "#adb5bd"}


@dataclass
class Prim:
    """One SVG element; `attrs` may vary frame to frame, `style` never does."""

    key: str
    tag: str
    attrs: dict[str, str]
    style: dict[str, str] = field(default_factory=dict)
    depth: float = 0.0


@dataclass(frozen=True)
class Camera:
    yaw: float
    pitch: float

    def project(self, v: Vec) -> tuple[float, float, float]:
        y = math.radians(self.yaw)
        p = math.radians(self.pitch)
        x1 = v[0] * math.cos(y) + v[2] * math.sin(y)
        z1 = -v[0] * math.sin(y) + v[2] * math.cos(y)
        y2 = v[1] * math.cos(p) - z1 * math.sin(p)
        z2 = v[1] * math.sin(p) + z1 * math.cos(p)
        return float(x1) * SCALE, -float(y2) * SCALE, float(z2)


def _f(x: float) -> str:
    return f"{x:.1f}"


def _interp(a: Angles, b: Angles, t: float) -> Angles:
    keys = set(a) | set(b)
    return {k: a.get(k, 0.0) + (b.get(k, 0.0) - a.get(k, 0.0)) * t for k in keys}


def path_angles(poses: dict[str, Angles], mid_at: float, u: float) -> Angles:
    """Angles at path parameter u (0 = start, 1 = end), through the middle pose if any."""
    if "mid" not in poses:
        return _interp(poses["start"], poses["end"], u)
    if u <= mid_at:
        return _interp(poses["start"], poses["mid"], u / mid_at)
    return _interp(poses["mid"], poses["end"], (u - mid_at) / (1 - mid_at))


def _u(pose: str) -> float:
    return 0.0 if pose == "start" else 1.0


def frames(r: Resolved, ph: list[Phase]) -> tuple[list[dict[str, Vec]], list[float]]:
    """Placed frames and their times (s) over one cycle starting at the start pose."""
    poses = key_poses(r)
    start = place(r, poses["start"], None)
    ax = float(start[r.contacts[0][0]][0])
    out = [start]
    times = [0.0]
    t = 0.0
    for p in ph:
        u0, u1 = _u(p.frm), _u(p.to)
        if u0 == u1:
            t += p.seconds
            out.append(out[-1])
            times.append(t)
            continue
        for i in range(1, SAMPLES + 1):
            u = u0 + (u1 - u0) * i / SAMPLES
            out.append(place(r, path_angles(poses, r.poses.mid_at, u), ax))
            times.append(t + p.seconds * i / SAMPLES)
        t += p.seconds
    return out, times


def _line(
    key: str,
    a: tuple[float, float, float],
    b: tuple[float, float, float],
    colour: str,
    width: float,
) -> Prim:
    return Prim(
        key,
        "line",
        {"x1": _f(a[0]), "y1": _f(a[1]), "x2": _f(b[0]), "y2": _f(b[1])},
        {"stroke": colour, "stroke-width": _f(width), "stroke-linecap": "round"},
        (a[2] + b[2]) / 2,
    )


def _circle(
    key: str, c: tuple[float, float, float], r: float, fill: str, stroke: str = "none"
) -> Prim:
    return Prim(
        key,
        "circle",
        {"cx": _f(c[0]), "cy": _f(c[1]), "r": _f(r)},
        {"fill": fill, "stroke": stroke, "stroke-width": "2"},
        c[2],
    )


def _poly(
    key: str, pts: list[tuple[float, float, float]], fill: str, depth: float, stroke: str = "none"
) -> Prim:
    return Prim(
        key,
        "polygon",
        {"points": " ".join(f"{_f(p[0])},{_f(p[1])}" for p in pts)},
        {"fill": fill, "stroke": stroke, "stroke-width": "1.5"},
        depth,
    )


def body_prims(w: dict[str, Vec], cam: Camera) -> list[Prim]:
    pr = {k: cam.project(v) for k, v in w.items()}
    near_r = pr["shoulder_r"][2] >= pr["shoulder_l"][2]
    out: list[Prim] = []
    for a, b, kind in SEGMENTS:
        side = a[-1] if a[-2:] in ("_r", "_l") else ""
        near = side == "" or (side == "r") == near_r
        colour = TRUNK if kind in ("trunk", "neck", "pelvis", "girdle") else (NEAR if near else FAR)
        width = {
            "trunk": 0.085,
            "neck": 0.04,
            "pelvis": 0.05,
            "girdle": 0.04,
            "limb": 0.036,
            "hand": 0.028,
            "foot": 0.03,
        }[kind] * SCALE
        p = _line(f"{a}-{b}", pr[a], pr[b], colour, width)
        if side and not near:
            p.depth -= 1.0  # far limbs always behind the trunk
        elif side:
            p.depth += 1.0
        out.append(p)
    out.append(_circle("head", pr["head"], HEAD_R * SCALE, "#f4a261", TRUNK))
    out.append(_circle("nose", pr["nose"], 0.012 * SCALE, TRUNK))
    out[-2].depth = pr["head"][2] + 0.5
    out[-1].depth = pr["head"][2] + 0.6
    return out


def _at(w: dict[str, Vec], names: list[str]) -> Vec:
    return sum((w[n] for n in names), np.zeros(3)) / max(len(names), 1)


def _box(x0: float, x1: float, y: float, z: float) -> list[Vec]:
    return [
        np.array([x0, y, -z]),
        np.array([x1, y, -z]),
        np.array([x1, y, z]),
        np.array([x0, y, z]),
    ]


def prop_prims(
    props: list[Prop], w: dict[str, Vec], w0: dict[str, Vec], cam: Camera, span: tuple[float, float]
) -> list[Prim]:
    """Props for frame `w`; fixed props are placed from the start frame `w0`."""
    out: list[Prim] = []
    P = cam.project
    for i, prop in enumerate(props):
        k = f"p{i}-{prop.kind.value}"
        at = prop.at or ["pelvis"]
        off = np.array(prop.anchor) if prop.anchor is not None else np.zeros(3)
        here, fixed = _at(w, at), _at(w0, at)
        if prop.floor_y is not None:
            off = off.copy()
            off[1] = prop.floor_y - float(fixed[1])
        kind = prop.kind
        if kind in (PropKind.floor, PropKind.mat):
            z = 0.2 if kind == PropKind.mat else 0.45
            x0, x1 = span
            pts = _box(x0 - 0.05, x1 + 0.05, 0.0 if kind == PropKind.floor else 0.012, z)
            colour = "#e9ecef" if kind == PropKind.floor else "#a8dadc"
            out.append(
                _poly(k, [P(p) for p in pts], colour, -99 if kind == PropKind.floor else -98)
            )
        elif kind == PropKind.bench:
            xs = [float(w0[n][0]) for n in at]
            x0, x1 = min(xs) - 0.12 * prop.size, max(xs) + 0.12 * prop.size
            top = 0.45
            out.append(_poly(k, [P(p) for p in _box(x0, x1, top, 0.13)], PROP, -50, METAL))
            for j, x in enumerate((x0 + 0.04, x1 - 0.04)):
                out.append(
                    _line(
                        f"{k}-leg{j}",
                        P(np.array([x, top, 0.1])),
                        P(np.array([x, 0, 0.1])),
                        METAL,
                        6,
                    )
                )
        elif kind == PropKind.incline_bench:
            a, b = w0[at[0]], w0[at[-1]]
            d = (b - a) / float(np.linalg.norm(b - a))
            under = np.array([0.0, -0.085, 0.0])
            lo, hi = a - d * 0.15 + under, b + d * 0.1 + under
            out.append(_line(k, P(lo), P(hi), PROP, 0.05 * SCALE))
            out[-1].depth = -50
            out.append(_line(f"{k}-leg", P(hi), P(np.array([hi[0], 0, hi[2]])), METAL, 6))
            out.append(_line(f"{k}-foot", P(lo), P(np.array([lo[0], 0, lo[2]])), METAL, 6))
            out[-1].depth = out[-2].depth = -51
        elif kind == PropKind.chair:
            beside = prop.at != [] and at[0] != "pelvis"
            cz = float(fixed[2]) if beside else 0.0
            bx = (float(fixed[0]) if beside else float(w0["pelvis"][0]) - 0.15) + off[0]
            top = max(float(fixed[1]), 0.85) if beside else 0.85
            seat = [p + np.array([0.0, 0.0, cz]) for p in _box(bx, bx + 0.32, 0.45, 0.17)]
            out.append(_poly(k, [P(p) for p in seat], PROP, -50, METAL))
            out.append(
                _line(
                    f"{k}-back",
                    P(np.array([bx, 0.45, cz])),
                    P(np.array([bx, top, cz])),
                    PROP,
                    0.035 * SCALE,
                )
            )
            out[-1].depth = -60 if not beside else P(np.array([bx, top, cz]))[2]
            for j, x in enumerate((bx + 0.03, bx + 0.29)):
                out.append(
                    _line(
                        f"{k}-leg{j}",
                        P(np.array([x, 0.45, cz + 0.15])),
                        P(np.array([x, 0, cz + 0.15])),
                        METAL,
                        6,
                    )
                )
                out[-1].depth = -49
        elif kind == PropKind.post:
            base = fixed + off
            out.append(
                _line(
                    k,
                    P(np.array([base[0], 0, base[2]])),
                    P(np.array([base[0], 1.2, base[2]])),
                    PROP,
                    0.05 * SCALE,
                )
            )
            out[-1].depth = P(base)[2] - 0.05
        elif kind == PropKind.wall:
            x = float(fixed[0]) + (off[0] if prop.anchor else 0.05)
            pts = [
                np.array([x, 0, -0.4]),
                np.array([x, 1.15, -0.4]),
                np.array([x, 1.15, 0.4]),
                np.array([x, 0, 0.4]),
            ]
            out.append(_poly(k, [P(p) for p in pts], "#dee2e6", -97, "#adb5bd"))
        elif kind in (PropKind.band, PropKind.cable, PropKind.suspension, PropKind.barbell):
            colour = {
                PropKind.band: BAND,
                PropKind.cable: METAL,
                PropKind.suspension: "#343a40",
                PropKind.barbell: METAL,
            }[kind]
            width = {PropKind.barbell: 0.025}.get(kind, 0.012) * SCALE
            if prop.anchor is None and len(at) == 2:
                out.append(_line(k, P(w[at[0]]), P(w[at[1]]), colour, width))
                out[-1].depth += 1.5
            else:
                anchor = fixed + off
                ends = [w[n] for n in at] if kind == PropKind.suspension else [here]
                for j, e in enumerate(ends):
                    if kind == PropKind.barbell:
                        e = e + (e - anchor) / max(float(np.linalg.norm(e - anchor)), 1e-6) * 0.12
                    out.append(_line(f"{k}-{j}", P(anchor), P(e), colour, width))
                    out[-1].depth += 1.5
                box = P(anchor)
                out.append(
                    Prim(
                        f"{k}-anchor",
                        "rect",
                        {"x": _f(box[0] - 7), "y": _f(box[1] - 7)},
                        {"width": "14", "height": "14", "fill": METAL},
                        box[2],
                    )
                )
                if kind == PropKind.cable:
                    col = fixed + off
                    out.append(
                        _line(
                            f"{k}-col",
                            P(np.array([col[0], 1.1, col[2]])),
                            P(np.array([col[0], 0, col[2]])),
                            "#6c757d",
                            10,
                        )
                    )
                    out[-1].depth = -60
        elif kind in (PropKind.dumbbell, PropKind.kettlebell, PropKind.kettlebell_up):
            for j, n in enumerate(at):
                hp = P(w[n])
                drop = 0.0 if kind == PropKind.dumbbell else 0.05 * SCALE
                if kind == PropKind.dumbbell:
                    out.append(
                        Prim(
                            f"{k}-{j}",
                            "rect",
                            {"x": _f(hp[0] - 13), "y": _f(hp[1] - 6)},
                            {"width": "26", "height": "12", "rx": "4", "fill": METAL},
                            hp[2] + 2,
                        )
                    )
                else:
                    cy = hp[1] + (drop if kind == PropKind.kettlebell else -drop)
                    out.append(_circle(f"{k}-{j}", (hp[0], cy, hp[2] + 2), 0.04 * SCALE, METAL))
        elif kind == PropKind.ball:
            bc = (here if "hand" in at[0] or "wrist" in at[0] else fixed) + off
            out.append(_circle(k, P(bc), 0.24 * prop.size * SCALE, "#90be6d", "#588157"))
            out[-1].depth = P(bc)[2] - 0.3 if prop.size > 0.5 else P(bc)[2] + 1
        elif kind == PropKind.bosu:
            pc = P(fixed + off)
            rb = 0.16 * SCALE
            out.append(
                Prim(
                    k,
                    "path",
                    {
                        "d": f"M{_f(pc[0] - rb)},{_f(pc[1])} A{_f(rb)},{_f(rb * 0.6)} 0 0 1 "
                        f"{_f(pc[0] + rb)},{_f(pc[1])} Z"
                    },
                    {"fill": "#4d908e", "stroke": METAL},
                    pc[2] - 0.5,
                )
            )
        elif kind in (PropKind.roller, PropKind.towel):
            rc = (here if kind == PropKind.towel else fixed) + off
            rad = (0.065 if kind == PropKind.roller else 0.028) * prop.size * SCALE
            out.append(
                _circle(k, P(rc), rad, "#f28482" if kind == PropKind.roller else "#f6bd60", METAL)
            )
            out[-1].depth = P(rc)[2] - 0.2
        elif kind == PropKind.cuff:
            cp = P(fixed + off)
            out.append(
                Prim(
                    k,
                    "rect",
                    {"x": _f(cp[0] - 16), "y": _f(cp[1] - 6)},
                    {"width": "32", "height": "12", "rx": "3", "fill": "#4361ee"},
                    cp[2] - 0.5,
                )
            )
            dp = P(fixed + np.array([0.0, 0.2, 0.0]))
            out.append(_circle(f"{k}-dial", (dp[0], dp[1], dp[2] + 5), 14, "#ffffff", "#4361ee"))
            out.append(_line(f"{k}-tube", cp, (dp[0], dp[1], dp[2] + 4), "#4361ee", 2))
        elif kind == PropKind.tap:
            tp = P(fixed)
            tip = (tp[0] + off[0] * SCALE, tp[1] - off[1] * SCALE, tp[2] + 3)
            out.append(
                _line(
                    k,
                    tip,
                    (tp[0] + off[0] * SCALE * 0.3, tp[1] - off[1] * SCALE * 0.3, tp[2] + 3),
                    "#d62828",
                    4,
                )
            )
            out.append(_circle(f"{k}-hand", tip, 9, "#d62828"))
    return out


FLOOR = Prop(kind=PropKind.floor)


def _frame_prims(
    r: Resolved, w: dict[str, Vec], w0: dict[str, Vec], cam: Camera, span: tuple[float, float]
) -> list[Prim]:
    return prop_prims([FLOOR, *r.props], w, w0, cam, span) + body_prims(w, cam)


def _span(all_frames: list[dict[str, Vec]]) -> tuple[float, float]:
    xs = [float(v[0]) for f in all_frames for v in f.values()]
    return min(xs), max(xs)


def _bbox(prims: list[list[Prim]]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for frame in prims:
        for p in frame:
            a = p.attrs
            if p.tag == "line":
                xs += [float(a["x1"]), float(a["x2"])]
                ys += [float(a["y1"]), float(a["y2"])]
            elif p.tag == "circle":
                r = float(a["r"])
                xs += [float(a["cx"]) - r, float(a["cx"]) + r]
                ys += [float(a["cy"]) - r, float(a["cy"]) + r]
            elif p.tag == "polygon":
                for pair in a["points"].split():
                    x, y = pair.split(",")
                    xs.append(float(x))
                    ys.append(float(y))
            elif p.tag == "rect":
                xs.append(float(a["x"]))
                ys.append(float(a["y"]))
    pad = 18.0
    return min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad


def _attrs(d: dict[str, str]) -> str:
    return " ".join(f'{k}="{escape(v)}"' for k, v in d.items())


def _svg_open(box: tuple[float, float, float, float], title: str, extra_h: float = 0) -> str:
    x, y, w, h = box
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="exfig" role="img" '
        f'viewBox="{_f(x)} {_f(y)} {_f(w)} {_f(h + extra_h)}">'
        f"<title>{escape(title)}</title>"
    )


def static_svg(r: Resolved, pose: str, title: str) -> str:
    """One key pose as a still picture (printouts)."""
    poses = key_poses(r)
    w0 = place(r, poses["start"], None)
    ax = float(w0[r.contacts[0][0]][0])
    w = w0 if pose == "start" else place(r, poses[pose], ax)
    span = _span([w0, w])
    cam = Camera(r.yaw, r.pitch)
    both = [_frame_prims(r, w0, w0, cam, span), _frame_prims(r, w, w0, cam, span)]
    box = _bbox(both)
    prims = sorted(both[1], key=lambda p: p.depth)
    body = "".join(f"<{p.tag} {_attrs({**p.attrs, **p.style})}/>" for p in prims)
    return _svg_open(box, title) + body + "</svg>"


def animated_svg(
    r: Resolved, ph: list[Phase], title: str, label: Callable[[Phase], str] | None = None
) -> str:
    """The exercise looping at its tempo, with the breath cue for each phase (SMIL)."""
    fr, times = frames(r, ph)
    total = cycle_seconds(ph)
    cam = Camera(r.yaw, r.pitch)
    span = _span(fr)
    per_frame = [_frame_prims(r, w, fr[0], cam, span) for w in fr]
    bx, by, bw, bh = _bbox(per_frame)
    if bw < MIN_WIDTH:  # room for the breath cue under narrow (standing) figures
        bx, bw = bx - (MIN_WIDTH - bw) / 2, MIN_WIDTH
    box = (bx, by, bw, bh)
    key_times = ";".join(f"{t / total:.4f}" for t in times)
    order = sorted(range(len(per_frame[0])), key=lambda i: per_frame[0][i].depth)
    parts: list[str] = []
    for i in order:
        p0 = per_frame[0][i]
        anims = []
        static = dict(p0.attrs)
        for attr in p0.attrs:
            vals = [f[i].attrs[attr] for f in per_frame]
            if len(set(vals)) > 1:
                anims.append(
                    f'<animate attributeName="{attr}" dur="{total:g}s" repeatCount="indefinite" '
                    f'keyTimes="{key_times}" values="{";".join(vals)}"/>'
                )
        parts.append(f"<{p0.tag} {_attrs({**static, **p0.style})}>{''.join(anims)}</{p0.tag}>")
    # Breath cue: a dot that swells on the in-breath, with the phase's words under the figure.
    x, y, _w, h = box
    band_y = y + h + 8
    radii = []
    rad = 9.0
    for j in range(len(times)):
        radii.append(_f(rad))
        if j < len(times) - 1:
            ph_j = _phase_at(ph, (times[j] + times[j + 1]) / 2)
            rad = {
                Breath.inhale: min(rad + 16.0 / SAMPLES, 25.0),
                Breath.exhale: max(rad - 16.0 / SAMPLES, 9.0),
            }.get(ph_j.breath, rad)
    parts.append(
        f'<circle class="breath-dot" cx="{_f(x + 30)}" cy="{_f(band_y + 24)}" r="{radii[0]}" '
        f'fill="#2a9d8f" opacity="0.8"><animate attributeName="r" dur="{total:g}s" '
        f'repeatCount="indefinite" keyTimes="{key_times}" values="{";".join(radii)}"/></circle>'
    )
    t = 0.0
    for n, p in enumerate(ph):
        a, b = t / total, (t + p.seconds) / total
        t += p.seconds
        if a <= 0:
            values, kt = ("1;0", f"0;{b:.4f}") if b < 1 else ("1", "0")
        elif b >= 1:
            values, kt = "0;1", f"0;{a:.4f}"
        else:
            values, kt = "0;1;0", f"0;{a:.4f};{b:.4f}"
        text = label(p) if label else p.label
        parts.append(
            f'<text class="breath" data-breath="{p.breath.value}" data-seconds="{p.seconds:g}" '
            f'x="{_f(x + 62)}" y="{_f(band_y + 31)}" font-size="22" font-family="sans-serif" '
            f'fill="{BREATH_COLOUR[p.breath] if p.breath != Breath.hold else "#495057"}" '
            f'opacity="{"1" if n == 0 else "0"}">{escape(text)} ({p.seconds:g} s)'
            f'<animate attributeName="opacity" calcMode="discrete" dur="{total:g}s" '
            f'repeatCount="indefinite" keyTimes="{kt}" values="{values}"/></text>'
        )
    return (
        _svg_open(box, title, extra_h=52).replace(
            'class="exfig"', f'class="exfig animated" data-cycle-seconds="{total:g}"'
        )
        + "".join(parts)
        + "</svg>"
    )


def _phase_at(ph: list[Phase], t: float) -> Phase:
    acc = 0.0
    for p in ph:
        acc += p.seconds
        if t <= acc:
            return p
    return ph[-1]
