"""sEMG engine: readers, processing, activations, ratios, fatigue, quality, live feedback.

Public API::

    from upperback.emg import read_recording, analyze_recording
    rec = read_recording("trial.csv", fs=2000)
    result = analyze_recording(rec, mvc=read_recording("mvc.csv", fs=2000))
    print(result.model_dump_json())
"""

from upperback.emg.analysis import analyze_recording
from upperback.emg.readers import read_recording
from upperback.emg.recording import Recording

__all__ = ["Recording", "analyze_recording", "read_recording"]
