"""Live feedback, block by block: stream processor, ratio feedback, controller, LSL in/out.

The names below are re-exported for callers that import ``upperback.emg.live``.
"""

from upperback.emg.live.loop import (
    CALIBRATION_S,
    LiveLoop,
    ratio_pair,
    run_lsl,
    run_replay,
    run_session,
)

__all__ = ["CALIBRATION_S", "LiveLoop", "ratio_pair", "run_lsl", "run_replay", "run_session"]
