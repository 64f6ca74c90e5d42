"""Command-line contract: ``upperback emg analyze REC --json`` and ``emg live --replay``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from upperback.cli.emg import emg_app
from upperback.emg.testing.synthetic import generate

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "emg"
runner = CliRunner()


def _write_csv(path: Path, seed: int = 0, duration_s: float = 12.0) -> None:
    rec, _ = generate(np.random.default_rng(seed), duration_s=duration_s, fs=2000.0)
    t = np.arange(rec.n_samples) / rec.fs
    cols = np.vstack([t, rec.data]).T
    np.savetxt(
        path, cols, delimiter=",", header="time," + ",".join(rec.channels), comments="", fmt="%.9g"
    )


def test_analyze_json_contract(tmp_path: Path) -> None:
    p = tmp_path / "trial.csv"
    _write_csv(p)
    result = runner.invoke(emg_app, ["analyze", str(p), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["fs"] == 2000.0 and doc["duration_s"] == pytest.approx(12.0)
    ut = doc["channels"]["UT_R"]
    assert ut["muscle"] == "upper_trapezius" and ut["side"] == "R"
    for key in (
        "activations",
        "rms_mvc",
        "median_frequency_hz",
        "median_frequency_slope_hz_per_min",
        "quality",
    ):
        assert key in ut
    assert set(ut["quality"]) >= {"ok", "flags"}
    assert ut["activations"] and set(ut["activations"][0]) == {"onset_s", "offset_s"}
    assert set(doc["ratios"]) == {"UT_R/LT_R", "UT_R/SA_R", "UT_R/MT_R"}
    assert "LT_R" in doc["onset_delay_s"]
    assert doc["ratio_basis"] == "raw" and "no --mvc" in doc["normalization"]


def test_analyze_names_the_ecg_reference_lead(tmp_path: Path) -> None:
    rec, _ = generate(np.random.default_rng(5), duration_s=12.0, fs=2000.0, ecg_lead=True)
    p = tmp_path / "with_ecg.csv"
    cols = np.vstack([np.arange(rec.n_samples) / rec.fs, rec.data]).T
    np.savetxt(p, cols, delimiter=",", header="time," + ",".join(rec.channels), comments="")
    doc = json.loads(runner.invoke(emg_app, ["analyze", str(p), "--json"]).stdout)
    assert doc["ecg_lead"] == "ECG" and "ECG" not in doc["channels"]
    text = runner.invoke(emg_app, ["analyze", str(p), "--ecg-lead", "none"])
    assert text.exit_code == 0 and "ECG reference lead: none" in text.stdout
    bad = runner.invoke(emg_app, ["analyze", str(p), "--ecg-lead", "EKG9"])
    assert bad.exit_code == 2 and "no channel named 'EKG9'" in bad.output
    assert len(bad.output.strip().splitlines()) == 1


def test_analyze_with_mvc_and_fs(tmp_path: Path) -> None:
    p = tmp_path / "trial.csv"
    m = tmp_path / "mvc.csv"
    _write_csv(p, 1)
    _write_csv(m, 2, 6.0)
    result = runner.invoke(emg_app, ["analyze", str(p), "--mvc", str(m), "--mains", "50", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["ratio_basis"] == "mvc"
    assert doc["channels"]["UT_R"]["rms_mvc"] is not None


@pytest.mark.skipif(not DATA.exists(), reason=f"real recordings not at {DATA}")
def test_analyze_real_c3d_and_txt() -> None:
    r = runner.invoke(emg_app, ["analyze", str(DATA / "pyomeca_markers_analogs.c3d"), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["channels"]["Trap_sup.EMG6"]["muscle"] == "upper_trapezius"
    assert doc["channels"]["Sensor 12.EMG12"]["quality"]["flags"] == ["flat"]
    assert "Trap_sup.EMG6/Trap_inf.EMG7" in doc["ratios"]
    r = runner.invoke(
        emg_app, ["analyze", str(DATA / "biosppy_emg_1.txt"), "--fs", "1000", "--json"]
    )
    assert r.exit_code == 0, r.output
    acts = json.loads(r.stdout)["channels"]["EMG"]["activations"]
    onsets = [a["onset_s"] for a in acts]
    # Bursts documented in the data README: about 1.5, 15.5-17 and 25.7 s.
    for t in (1.5, 15.5, 25.7):
        assert min(abs(np.array(onsets) - t)) < 0.3


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (
            "UT_R,LT_R\n1,2\n3\n",
            ["--fs", "1000"],
            "error: bad.csv: row 3 has 1 fields, expected 2 (truncated row)",
        ),
        ("1\n2\n3\n", [], "error: bad.csv: no time column and no sampling rate; pass --fs HZ"),
        (
            "UT_R,LT_R\n1,2\n",
            ["--fs", "1000", "--mains", "55"],
            "error: mains must be one of auto, 50, 60, none",
        ),
    ],
)
def test_bad_input_exit_2_one_line(
    tmp_path: Path, content: str, args: list[str], message: str
) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(content)
    r = runner.invoke(emg_app, ["analyze", str(p), *args, "--json"])
    assert r.exit_code == 2
    assert r.stderr.strip().startswith(message)
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.output


def test_live_replay_json(tmp_path: Path) -> None:
    p = tmp_path / "trial.csv"
    _write_csv(p, 3)
    r = runner.invoke(emg_app, ["live", str(p), "--replay", "--speed", "0", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["ratio_pair"] == "UT_R/LT_R"
    assert doc["mean_ratios"]["UT_R/LT_R"] == pytest.approx(2.0, rel=0.35)
    assert 0.0 <= doc["final_level"] <= 1.0
    assert doc["n_blocks"] == 240


def test_live_without_source_fails_cleanly() -> None:
    r = runner.invoke(emg_app, ["live"])
    assert r.exit_code == 2 and r.stderr.startswith("error: give REC with --replay")


def test_live_replay_with_channel_map(tmp_path: Path) -> None:
    rec, _ = generate(np.random.default_rng(4), duration_s=12.0, fs=2000.0)  # as _write_csv
    p = tmp_path / "unlabelled.csv"
    names = [f"EMG{i + 1}" for i in range(len(rec.channels))]
    t = np.arange(rec.n_samples) / rec.fs
    np.savetxt(
        p,
        np.vstack([t, rec.data]).T,
        delimiter=",",
        header="time," + ",".join(names),
        comments="",
        fmt="%.9g",
    )
    r = runner.invoke(emg_app, ["live", str(p), "--replay", "--json"])
    assert r.exit_code == 2 and "serratus channel" in r.stderr
    lt = names[rec.channels.index("LT_R")]
    ut = names[rec.channels.index("UT_R")]
    args = ["live", str(p), "--replay", "--map", f"{ut}=UT_R", "--map", f"{lt}=LT_R", "--json"]
    r = runner.invoke(emg_app, args)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["ratio_pair"] == f"{ut}/{lt}"
    # Same samples as the labelled file: the mapped session gives the same feedback.
    labelled = tmp_path / "labelled.csv"
    _write_csv(labelled, 4)
    ref = json.loads(runner.invoke(emg_app, ["live", str(labelled), "--replay", "--json"]).stdout)
    assert doc["mean_ratios"][f"{ut}/{lt}"] == pytest.approx(ref["mean_ratios"]["UT_R/LT_R"])
    assert doc["final_level"] == pytest.approx(ref["final_level"])
    r = runner.invoke(emg_app, ["live", str(p), "--replay", "--map", "EMG1", "--json"])
    assert r.exit_code == 2 and r.stderr.startswith("error: --map 'EMG1': expected CHANNEL=MUSCLE")
