"""sEMG engine, by stage: ``readers`` (files in), ``offline`` (analysis of a recording),
``live`` (block-by-block feedback), ``exposure`` (workday amplitude metrics).

Public API::

    from upperback.emg import read_recording, analyze_recording
    rec = read_recording("trial.csv", fs=2000)
    result = analyze_recording(rec, mvc=read_recording("mvc.csv", fs=2000))
    print(result.model_dump_json())

Names resolve lazily (PEP 562), so a reader's child process imports no signal processing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upperback.emg.offline.analysis import analyze_recording
    from upperback.emg.readers import read_recording
    from upperback.emg.recording import Recording

__all__ = ["Recording", "analyze_recording", "read_recording"]


def __getattr__(name: str) -> Any:
    if name == "analyze_recording":
        from upperback.emg.offline.analysis import analyze_recording

        return analyze_recording
    if name == "read_recording":
        from upperback.emg.readers import read_recording

        return read_recording
    if name == "Recording":
        from upperback.emg.recording import Recording

        return Recording
    raise AttributeError(f"module 'upperback.emg' has no attribute {name!r}")
