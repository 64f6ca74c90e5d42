"""Every library exercise has a figure: it renders, stays in human range, moves at its tempo."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from upperback.errors import InvalidInput
from upperback.illustrate import exercise_phases, figure_animated, figure_still, pose_library
from upperback.illustrate.library import parse_library
from upperback.illustrate.pose import key_poses, out_of_range, place
from upperback.illustrate.render import frames, path_angles
from upperback.illustrate.skeleton import FOREARM, THIGH, UPPER_ARM
from upperback.illustrate.timeline import phases, tempo_digits
from upperback.knowledge.loader import exercise_library

SVG = "{http://www.w3.org/2000/svg}"
LIB = exercise_library().by_id
IDS = sorted(LIB)


def test_every_library_exercise_has_exactly_one_figure() -> None:
    assert set(pose_library().figures) == set(LIB)


@pytest.mark.parametrize("ex_id", IDS)
def test_renders_as_valid_svg_with_a_body(ex_id: str) -> None:
    ex = LIB[ex_id]
    for svg in (figure_animated(ex), figure_still(ex, "start"), figure_still(ex, "end")):
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        lines = root.findall(f"{SVG}line")
        assert len(lines) >= 17  # every body segment is drawn
        assert root.find(f"{SVG}title") is not None


@pytest.mark.parametrize("ex_id", IDS)
def test_joint_angles_stay_within_normal_range(ex_id: str) -> None:
    lib = pose_library()
    r = lib.figures[ex_id]
    poses = key_poses(r)
    for name, angles in poses.items():
        assert out_of_range(angles, lib.limits) == [], f"{ex_id} {name}"
    for u in np.linspace(0, 1, 9):
        assert out_of_range(path_angles(poses, r.poses.mid_at, float(u)), lib.limits) == []


def test_range_check_catches_an_impossible_pose() -> None:
    lib = pose_library()
    assert out_of_range({"elbow_r": 170.0}, lib.limits) == ["elbow_r=170 outside [0, 150]"]
    assert out_of_range({"lumbar_flex": 50.0, "thorax_flex": 45.0}, lib.limits)


def test_limits_cite_their_source() -> None:
    for lim in pose_library().limits:
        assert lim.evidence in {"K", "V", "design"}
        assert lim.evidence == "design" or "AAOS" in lim.source


@pytest.mark.parametrize("ex_id", IDS)
def test_key_poses_move_and_keep_segment_lengths(ex_id: str) -> None:
    r = pose_library().figures[ex_id]
    ph = exercise_phases(LIB[ex_id])
    fr, _ = frames(r, ph)
    moved = max(float(np.linalg.norm(f[k] - fr[0][k])) for f in fr for k in fr[0] if k != "pelvis")
    assert moved > 0.005, "start and end poses are identical"
    for f in fr:
        for s in ("r", "l"):
            assert math.isclose(
                float(np.linalg.norm(f[f"elbow_{s}"] - f[f"shoulder_{s}"])), UPPER_ARM, abs_tol=1e-6
            )
            assert math.isclose(
                float(np.linalg.norm(f[f"wrist_{s}"] - f[f"elbow_{s}"])), FOREARM, abs_tol=1e-6
            )
            assert math.isclose(
                float(np.linalg.norm(f[f"knee_{s}"] - f[f"hip_{s}"])), THIGH, abs_tol=1e-6
            )
        # Nothing sinks through the floor (ankle height of slack for a flexed foot).
        assert min(float(v[1]) for v in f.values()) > -0.045


@pytest.mark.parametrize("ex_id", IDS)
def test_first_contact_rests_on_its_support(ex_id: str) -> None:
    r = pose_library().figures[ex_id]
    name, height = r.contacts[0]
    w = place(r, key_poses(r)["start"], None)
    assert abs(float(w[name][1]) - height) < 0.05


def _breath_texts(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall(f"{SVG}text")


@pytest.mark.parametrize("ex_id", IDS)
def test_animation_phases_equal_the_tempo(ex_id: str) -> None:
    ex = LIB[ex_id]
    svg = figure_animated(ex)
    root = ET.fromstring(svg)
    digits = tempo_digits(ex.tempo)
    assert float(root.get("data-cycle-seconds", "0")) == pytest.approx(sum(digits))
    texts = _breath_texts(svg)
    shown = [float(t.get("data-seconds", "0")) for t in texts]
    assert sorted(shown) == sorted(d for d in digits if d > 0)
    # Every animate element loops over exactly one cycle.
    durs = {a.get("dur") for a in root.iter(f"{SVG}animate")}
    assert durs == {f"{sum(digits):g}s"}
    # Each cue is visible for exactly its phase's share of the cycle.
    for t in texts:
        anim = t.find(f"{SVG}animate")
        assert anim is not None
        kt = [float(x) for x in anim.get("keyTimes", "").split(";")]
        vals = anim.get("values", "").split(";")
        on = next(i for i, v in enumerate(vals) if v == "1")
        end = kt[on + 1] if on + 1 < len(kt) else 1.0
        assert (end - kt[on]) * sum(digits) == pytest.approx(
            float(t.get("data-seconds", "0")), abs=0.01
        )


def test_prescribed_tempo_and_hold_drive_the_cycle() -> None:
    ex = LIB["prone_y"]
    root = ET.fromstring(figure_animated(ex, tempo="3-1-2-0", hold_s=10))
    assert root.get("data-cycle-seconds") == "16"  # 2 up + 10 hold + 3 down + 1 pause
    secs = [t.get("data-seconds") for t in root.findall(f"{SVG}text")]
    assert secs == ["2", "10", "3", "1"]
    breaths = [t.get("data-breath") for t in root.findall(f"{SVG}text")]
    assert breaths == ["out", "hold", "in", "hold"]


def test_mobility_phases_follow_the_breathing_convention() -> None:
    ph = phases("6-2-4-0", mobility=True)
    assert [(p.frm, p.to, p.seconds, p.breath.value) for p in ph] == [
        ("start", "end", 6, "out"),
        ("end", "end", 2, "hold"),
        ("end", "start", 4, "in"),
    ]
    assert tempo_digits("X-0-2-0")[0] == 1.0
    with pytest.raises(ValueError, match="four parts"):
        tempo_digits("3-1-2")


def test_still_frames_differ_between_start_and_end() -> None:
    ex = LIB["band_pull_apart"]
    assert figure_still(ex, "start") != figure_still(ex, "end")
    assert "start position" in figure_still(ex, "start")
    with pytest.raises(InvalidInput, match="pose"):
        figure_still(ex, "middle")


def test_bad_pose_data_is_one_line_naming_the_entry() -> None:
    base = {
        "limits": [{"joint": "elbow", "low": 0, "high": 150, "source": "AAOS", "evidence": "K"}]
    }
    with pytest.raises(InvalidInput, match=r"figures.0.poses.start.*unknown joint angle.*wrist_r"):
        parse_library(
            {
                **base,
                "figures": [
                    {"id": "x", "position": "standing", "poses": {"start": {"wrist_r": 3}}}
                ],
            }
        )
    with pytest.raises(InvalidInput, match="like 'nope'"):
        parse_library({**base, "figures": [{"id": "x", "like": "nope"}]})
    with pytest.raises(InvalidInput, match="position"):
        parse_library({**base, "figures": [{"id": "x", "position": "upside_down", "poses": {}}]})


def test_svg_numbers_are_finite() -> None:
    svg = figure_animated(LIB["open_book"])
    assert not re.search(r"nan|inf", svg, re.IGNORECASE)
