"""Publish the controller's level and the cues on Lab Streaming Layer outlets.

A motorised resistance device, a game engine or a lab recorder subscribes by name:

- ``<name>`` (type ``Control``): one float32 sample per processed block, channels
  ``level`` (0-1 of the prescribed load or instability range), ``ratio`` (NaN at rest) and
  ``target`` (same units as the ratio);
- ``<name>-cues`` (type ``Markers``): one string sample per cue, its message.

Time stamps are LSL's clock at the end of each block, so a recorder can align them with
the EMG stream.
"""

from __future__ import annotations

import math
from typing import Any

from upperback.errors import InvalidInput
from upperback.model.emg import Cue

CONTROL_CHANNELS = ("level", "ratio", "target")


class FeedbackOutlet:
    """Two LSL outlets (control values and cue markers) for one live session."""

    def __init__(self, name: str, *, source_id: str | None = None) -> None:
        if not name or len(name) > 100 or not name.replace("-", "").replace("_", "").isalnum():
            raise InvalidInput(f"--outlet {name!r}: use 1-100 letters, digits, '-' or '_'")
        try:
            import pylsl
        except Exception as exc:  # liblsl missing or not loadable
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InvalidInput(f"--outlet needs pylsl with liblsl ({first})") from None
        self._lsl: Any = pylsl
        sid = source_id or f"upperback-{name}"
        info = pylsl.StreamInfo(name, "Control", len(CONTROL_CHANNELS), 0.0, "float32", sid)
        chans = info.desc().append_child("channels")
        for label in CONTROL_CHANNELS:
            chans.append_child("channel").append_child_value("label", label)
        self.control = pylsl.StreamOutlet(info)
        cue_info = pylsl.StreamInfo(f"{name}-cues", "Markers", 1, 0.0, "string", sid + "-cues")
        self.cues = pylsl.StreamOutlet(cue_info)
        self.name = name

    def publish(self, level: float, ratio: float | None, target: float, cues: list[Cue]) -> None:
        """Push one control sample and any new cues."""
        stamp = self._lsl.local_clock()
        r = math.nan if ratio is None else float(ratio)
        self.control.push_sample([float(level), r, float(target)], stamp)
        for c in cues:
            self.cues.push_sample([c.message], stamp)
