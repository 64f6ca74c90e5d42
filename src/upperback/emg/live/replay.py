"""A stored recording replayed through the live loop as display messages (~10 per second):
what the web biofeedback page shows, with the ratio normalised to an MVC recording when one
is given (assessment class units) and the target in those units."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from upperback.emg.live.loop import CALIBRATION_S, DEFAULT_TARGET, LiveLoop
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput


def replay_messages(
    rec: Recording,
    *,
    target: float = DEFAULT_TARGET,
    mvc: Recording | None = None,
    hz: float = 10.0,
    mains: str = "auto",
) -> Iterator[dict[str, Any]]:
    """Yield one message per 1/hz s of the recording: t, ratio, target, cue, level, flags."""
    if not 0 < target <= 50:
        raise InvalidInput(f"target: must be a ratio above 0 and at most 50, got {target:g}")
    need = int(CALIBRATION_S * rec.fs)
    if rec.n_samples < need:
        raise InvalidInput(f"recording: shorter than the {CALIBRATION_S:g} s rest calibration")
    loop = LiveLoop(
        fs=rec.fs, channels=rec.channels, calibration=rec.data[:, :need], target=target,
        mains=mains, mapping=rec.mapping or None, mvc=mvc,
    )  # fmt: skip
    step = max(1, round(rec.fs / hz))
    for start in range(0, rec.n_samples, step):
        _env, cues, level = loop.step(rec.data[:, start : start + step])
        ratio = loop.ratio
        yield {
            "t_s": round((start + step) / rec.fs, 2),
            "ratio": None if ratio is None else round(ratio, 3),
            "target": target,
            "pair": loop.pair,
            "basis": loop.ratio_basis,
            "flags": loop.flags,
            "cue": cues[-1].message if cues else None,
            "level": round(level, 3),
        }
