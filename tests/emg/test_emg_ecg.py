"""ECG during activity: beats found on an active trapezius channel, template subtracted,
and the result stated in the analysis (text and JSON)."""

from __future__ import annotations

import numpy as np
import pytest

from upperback.emg import Recording, analyze_recording
from upperback.emg.offline.analysis import Plan, analyze_features, extract_features, make_plan
from upperback.emg.offline.chunked import analyze_chunked
from upperback.emg.offline.ecg import find_beats, qrs_band
from upperback.emg.testing.synthetic import generate
from upperback.errors import InvalidInput

KW = {"fs": 2000.0, "duration_s": 40.0, "snr_db": 12.0, "sustained": True}


@pytest.fixture(scope="module")
def hold() -> tuple:
    """A 40 s hold (muscles active throughout) with ECG, and the same without ECG."""
    rec, truth = generate(np.random.default_rng(5), **KW)
    clean, _ = generate(np.random.default_rng(5), ecg_gain=0.0, **KW)
    return rec, truth, clean


def test_beats_found_while_the_muscle_is_active(hold: tuple) -> None:
    rec, truth, _ = hold
    band = qrs_band(rec.data, fs=rec.fs)
    for name, beats in truth.ecg_beats_s.items():
        found = find_beats(band[rec.channels.index(name)], fs=rec.fs) / rec.fs
        hits = sum(np.min(np.abs(found - b)) <= 0.03 for b in beats)
        assert hits >= 0.95 * len(beats), name  # sensitivity
        assert hits >= 0.95 * found.size, name  # positive predictive value


def test_analysis_states_ecg_and_counts_beats(hold: tuple) -> None:
    rec, truth, _ = hold
    res = analyze_recording(rec)
    for name, beats in truth.ecg_beats_s.items():
        q = res.channels[name].quality
        assert q.ecg_detected and "ecg_contamination" in q.flags
        assert q.ecg_beats is not None and abs(q.ecg_beats - len(beats)) <= 2
    assert not res.channels["UT_R"].quality.ecg_detected
    note = next(p for p in res.processing if p.startswith("ECG detected"))
    assert "template subtracted" in note and "residual" in note and "MT_R:" in note
    assert "beats" in res.model_dump_json()


def test_template_subtraction_restores_the_amplitude(hold: tuple) -> None:
    rec, truth, clean = hold
    ref = analyze_recording(clean)
    now = analyze_recording(rec)
    head = rec.data[:, : int(30 * rec.fs)]
    p = make_plan(head, fs=rec.fs, offline=True)
    bare = Plan(p.filters, p.mains, (), p.motion, ())
    untouched = analyze_features(
        extract_features(rec.data, bare), bare, channels=rec.channels, units=rec.units
    )
    for name in truth.ecg_beats_s:
        r = ref.channels[name].rms
        assert r is not None
        err_now = abs(now.channels[name].rms / r - 1)
        err_none = abs(untouched.channels[name].rms / r - 1)
        assert err_now < 0.02 and err_now < err_none, name


def test_no_ecg_is_stated() -> None:
    rec, _ = generate(np.random.default_rng(6), duration_s=12.0, ecg=False)
    res = analyze_recording(rec)
    assert any(p.startswith("ECG: no QRS template") for p in res.processing)
    assert not any(c.quality.ecg_detected for c in res.channels.values())


def test_reference_lead_gives_the_beats_and_is_not_analysed_as_semg() -> None:
    """A channel named ECG is the reference lead: every beat of the heart is subtracted on
    the contaminated trunk channels, the lead is left out of the sEMG results and named."""
    rec, truth = generate(np.random.default_rng(41), duration_s=40.0, ecg_lead=True, snr_db=10)
    res = analyze_recording(rec)
    assert res.ecg_lead == "ECG" and "ECG" not in res.channels
    n_true = len(truth.ecg_beats_s["ECG"])
    hits = [c for n, c in res.channels.items() if c.quality.ecg_detected]
    assert hits and all(abs((c.quality.ecg_beats or 0) - n_true) <= 1 for c in hits)
    assert not res.channels["UT_R"].quality.ecg_detected  # no ECG on UT in the generator
    assert any(n.startswith("ECG reference lead: ECG") for n in res.processing)
    alone = analyze_recording(rec, ecg_lead="none")
    assert alone.ecg_lead is None and "ECG" in alone.channels


def test_reference_lead_chunked_equals_in_memory() -> None:
    rec, _ = generate(np.random.default_rng(42), duration_s=40.0, ecg_lead=True)
    whole = analyze_recording(rec, ecg_lead="ECG")
    chunked = analyze_chunked(
        lambda a, b: rec.data[:, a:b],
        n_samples=rec.n_samples,
        fs=rec.fs,
        channels=rec.channels,
        chunk_s=3.0,
        ecg_lead="ecg",
    )
    assert chunked.ecg_lead == whole.ecg_lead == "ECG"
    for name, ch in whole.channels.items():
        assert (
            abs((chunked.channels[name].quality.ecg_beats or 0) - (ch.quality.ecg_beats or 0)) <= 2
        )
        assert chunked.channels[name].rms == pytest.approx(ch.rms, rel=5e-3)


def test_unknown_reference_lead_is_one_clear_error() -> None:
    rec, _ = generate(np.random.default_rng(43), duration_s=10.0)
    with pytest.raises(InvalidInput, match="no channel named 'ECG2'"):
        analyze_recording(rec, ecg_lead="ECG2")


def test_reference_lead_without_beats_falls_back_to_each_channel() -> None:
    """A lead with no regular beats is stated, left out of the sEMG results, and the beats
    are sought on each channel as without a lead."""
    rec, _ = generate(np.random.default_rng(44), duration_s=30.0)
    noise = 1e-5 * np.random.default_rng(45).standard_normal(rec.n_samples)
    with_lead = Recording(
        data=np.vstack([rec.data, noise[None, :]]),
        fs=rec.fs,
        channels=(*rec.channels, "EKG"),
        units=(*rec.units, "V"),
    )
    res = analyze_recording(with_lead)
    assert res.ecg_lead is None and "EKG" not in res.channels
    assert any("EKG showed no regular beats" in n for n in res.processing)
    plain = analyze_recording(rec)
    for name, ch in plain.channels.items():
        assert res.channels[name].quality.ecg_beats == ch.quality.ecg_beats
