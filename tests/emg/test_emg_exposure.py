"""Workday exposure metrics on series with known answers, chunking, finding and advice."""

from __future__ import annotations

import numpy as np
import pytest

from upperback.emg import Recording
from upperback.emg.exposure import (
    channel_exposure,
    exposure_finding,
    exposure_of_recording,
    micro_break_prescription,
)
from upperback.emg.exposure.analyze import analyze_exposure, default_thresholds
from upperback.emg.exposure.plots import exposure_plot_png
from upperback.emg.testing.synthetic import generate
from upperback.errors import InvalidInput

FS_ENV = 10.0


def test_metrics_on_a_constructed_day() -> None:
    """10 min at 3 %MVC with a 0.3 s gap every minute, then 5 min of rest at 0.1 %MVC."""
    th = default_thresholds()
    minute = np.full(600, 3.0)
    minute[300:303] = 0.1  # a 0.3 s gap (>= 0.2 s) in the middle of each minute
    work = np.tile(minute, 10)
    rest = np.full(3000, 0.1)
    x = np.concatenate([work, rest])
    ex = channel_exposure(x, fs_env=FS_ENV, th=th, channel="UT_R", muscle="upper_trapezius")
    assert ex.n_gaps == 11  # ten in work + the rest period
    assert ex.gaps_per_min == pytest.approx(11 / 15, abs=1e-3)
    assert ex.rest_pct_time == pytest.approx((30 + 3000) / 9000 * 100, abs=1e-3)
    assert ex.apdf_p10_pct_mvc == pytest.approx(0.1)
    assert ex.apdf_p50_pct_mvc == pytest.approx(3.0)
    assert ex.n_sustained_periods == 0  # gaps every minute: no 4-min uninterrupted period
    eva = np.asarray(ex.eva_pct_time)
    assert eva.sum() == pytest.approx(100.0, abs=1e-2)
    # 3 %MVC is class 1-5 (row 2). Runs: 30 s, nine of 59.7 s (class 30-60 s, col 5), and
    # a last 29.7 s (class 15-30 s, col 4); the rest is 300 s below 0.5 (row 0, col 6).
    assert eva[2, 5] == pytest.approx((300 + 9 * 597) / 9000 * 100, abs=1e-3)
    assert eva[2, 4] == pytest.approx(297 / 9000 * 100, abs=1e-3)
    assert eva[0, 6] == pytest.approx(3000 / 9000 * 100, abs=1e-3)
    no_gaps = channel_exposure(np.full(3000, 3.0), fs_env=FS_ENV, th=th, channel="UT_R")
    assert no_gaps.n_sustained_periods == 1 and no_gaps.sustained_pct_time == 100.0
    assert no_gaps.rest_pct_time == 0.0 and no_gaps.n_gaps == 0


def _desk_day(seed: int, minutes: float, rest_breaks: bool) -> tuple[Recording, Recording]:
    rng = np.random.default_rng(seed)
    chans = ("UT_R", "UT_L")
    rec, _ = generate(rng, duration_s=minutes * 60, channels=chans, sustained=not rest_breaks,
                      snr_db=20, ecg=False, motion=False, mains_hz=None)  # fmt: skip
    mvc, _ = generate(rng, duration_s=10.0, channels=chans, sustained=True, snr_db=20,
                      amplitudes={"UT_R": 10.0, "UT_L": 10.0}, ecg=False, motion=False,
                      mains_hz=None)  # fmt: skip
    return rec, mvc


def test_sustained_desk_work_gives_finding_and_micro_breaks() -> None:
    rec, mvc = _desk_day(0, 6, rest_breaks=False)
    res = exposure_of_recording(rec, mvc)
    ut = res.channels[0]
    assert any("UT_R: no rest to estimate the noise from" in f for f in res.flags)
    assert ut.rest_pct_time < 5 and ut.sustained_pct_time > 50
    assert 5 < ut.apdf_p50_pct_mvc < 40
    f = exposure_finding(res)
    assert f is not None and f.id == "scarce_muscular_rest" and "Nordander" in f.source
    mb = micro_break_prescription(res)
    assert mb is not None and mb.every_min == 20 and mb.because == f.id
    assert "McLean" in mb.source and "20 minutes" in mb.client_text
    assert exposure_plot_png(res)[:4] == b"\x89PNG"


def test_bursty_work_with_rest_gives_no_finding_and_chunks_agree() -> None:
    rec, mvc = _desk_day(1, 3, rest_breaks=True)
    res = exposure_of_recording(rec, mvc)
    assert res.channels[0].rest_pct_time > 10 and res.channels[0].gaps_per_min > 1
    assert exposure_finding(res) is None and micro_break_prescription(res) is None
    other = exposure_of_recording(rec, mvc, chunk_s=7.3)
    assert other.channels[0].apdf_p50_pct_mvc == pytest.approx(
        res.channels[0].apdf_p50_pct_mvc, rel=1e-4
    )
    assert other.channels[0].n_gaps == res.channels[0].n_gaps


def test_exposure_refuses_missing_mvc_and_short_records() -> None:
    rec, _ = _desk_day(2, 1.2, rest_breaks=True)
    other, _ = generate(np.random.default_rng(2), duration_s=10.0, channels=("SCM_L",))
    with pytest.raises(InvalidInput, match=r"no MVC for channel 'UT_R'"):
        exposure_of_recording(rec, other)
    with pytest.raises(InvalidInput, match=r"exposure needs at least 1 minute"):
        analyze_exposure(
            lambda a, b: rec.data[:, a:b], n_samples=int(30 * rec.fs), fs=rec.fs,
            channels=rec.channels, mvc_rms={"UT_R": 1.0, "UT_L": 1.0},
        )  # fmt: skip


def _write_edf(path: object, rec: Recording) -> None:
    import pyedflib

    x = rec.data * 1e6
    top = float(np.ceil(np.abs(x).max() * 1.1))
    w = pyedflib.EdfWriter(str(path), rec.n_channels, file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        w.setSignalHeaders(
            [
                {
                    "label": c,
                    "dimension": "uV",
                    "sample_frequency": int(rec.fs),
                    "physical_max": top,
                    "physical_min": -top,
                    "digital_max": 32767,
                    "digital_min": -32768,
                }
                for c in rec.channels
            ]
        )
        w.writeSamples(list(x))
    finally:
        w.close()


def test_cli_exposure_reads_edf_in_chunks(tmp_path: object) -> None:
    import json
    from pathlib import Path

    from typer.testing import CliRunner

    from upperback.cli.emg import emg_app

    d = Path(str(tmp_path))
    rec, mvc = _desk_day(3, 2, rest_breaks=False)
    _write_edf(d / "day.edf", rec)
    _write_edf(d / "mvc.edf", mvc)
    r = CliRunner().invoke(
        emg_app,
        [
            "exposure",
            str(d / "day.edf"),
            "--mvc",
            str(d / "mvc.edf"),
            "--json",
            "--plot",
            str(d / "x.png"),
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [c["channel"] for c in doc["exposure"]["channels"]] == ["UT_R", "UT_L"]
    assert doc["finding"]["id"] == "scarce_muscular_rest" and doc["micro_break"]["every_min"] == 20
    assert any("chunked" in p for p in doc["exposure"]["processing"])
    assert (d / "x.png").read_bytes()[:4] == b"\x89PNG"
    bad = CliRunner().invoke(emg_app, ["exposure", str(d / "day.edf"), "--mvc", str(d / "no.csv")])
    assert bad.exit_code == 2 and bad.output.strip() == "error: no.csv: file not found"


def test_chunked_edf_analysis_reads_the_same_file_layout(tmp_path: object) -> None:
    """The chunked analysis and the exposure share one EDF chunk reader (edf_chunks)."""
    from pathlib import Path

    from upperback.emg.offline.chunked import analyze_edf_chunked

    path = Path(str(tmp_path)) / "day.edf"
    rec, _mvc = _desk_day(3, 2, rest_breaks=False)
    _write_edf(path, rec)
    result = analyze_edf_chunked(path, chunk_s=30)
    assert list(result.channels) == ["UT_R", "UT_L"]
    assert result.fs == rec.fs
    assert result.source.endswith("day.edf")
