"""The sEMG page's plot labels say what each channel is: an ECG reference lead is named as
such, never given an sEMG quality verdict it was not judged on."""

from __future__ import annotations

import json

import numpy as np

from upperback.emg import analyze_recording
from upperback.emg.testing.synthetic import generate
from upperback.report.emg_view import channel_title


def test_the_ecg_lead_is_labelled_as_the_reference_not_as_semg() -> None:
    rec, _ = generate(np.random.default_rng(5), duration_s=12.0, fs=2000.0, ecg_lead=True)
    analysis = json.loads(analyze_recording(rec).model_dump_json())
    assert analysis["ecg_lead"] == "ECG"
    assert channel_title("ECG", analysis).startswith("ECG: ECG reference lead")
    assert "quality" not in channel_title("ECG", analysis)
    assert channel_title("UT_R", analysis).startswith("UT_R: quality ")
    assert channel_title("XYZ", analysis) == "XYZ: not analysed"
