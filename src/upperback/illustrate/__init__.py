"""Exercise illustrations generated from pose data: still frames and tempo-paced animation.

Pure: reads only its data file (knowledge/data/poses.yaml) through the knowledge loader.
"""

from __future__ import annotations

from upperback.illustrate.library import (
    PoseLibraryIndex,
    exercise_phases,
    figure_animated,
    figure_still,
    pose_library,
)

__all__ = [
    "PoseLibraryIndex",
    "exercise_phases",
    "figure_animated",
    "figure_still",
    "pose_library",
]
