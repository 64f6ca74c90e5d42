"""Readers on the real files in shared/data/emg and on bad files made in tmp_path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from upperback.emg import read_recording
from upperback.emg.channels import parse_channel, resolve_channels
from upperback.errors import InvalidInput, NotFound

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "emg"
needs_data = pytest.mark.skipif(not DATA.exists(), reason=f"real recordings not at {DATA}")


@needs_data
def test_c3d_and_vicon_csv_agree_on_the_same_trial() -> None:
    c3d = read_recording(DATA / "pyomeca_markers_analogs.c3d")
    csv = read_recording(DATA / "pyomeca_analogs.csv")
    assert c3d.fs == csv.fs == 2000.0
    assert c3d.n_samples == csv.n_samples == 11600
    for muscle_label, col in (
        ("Trap_sup.EMG6", "EMG6"),
        ("Trap_inf.EMG7", "EMG7"),
        ("Gd_dent.EMG8", "EMG8"),
    ):
        a = c3d.data[c3d.channels.index(muscle_label)]
        b = csv.data[csv.channels.index(col)]
        # The CSV holds 3 significant digits: agree to the rounding.
        assert np.max(np.abs(a - b)) <= 1e-3 * np.max(np.abs(a)) + 1e-7
    info = {i.name: i.muscle for i in resolve_channels(c3d.channels)}
    assert info["Trap_sup.EMG6"] == "upper_trapezius"
    assert info["Trap_inf.EMG7"] == "lower_trapezius"
    assert info["Gd_dent.EMG8"] == "serratus_anterior"
    assert "Voltage.1" not in c3d.channels  # force analogs dropped


@needs_data
def test_wfdb_healthy_is_4000_hz_millivolts() -> None:
    rec = read_recording(DATA / "physionet_emgdb_emg_healthy.hea")
    assert rec.fs == 4000.0
    assert rec.n_samples == 50860
    assert rec.units == ("mV",)
    assert 0.01 < float(np.std(rec.data)) < 5


@needs_data
def test_biosppy_text_counts_with_fs() -> None:
    rec = read_recording(DATA / "biosppy_emg_1.txt", fs=1000)
    assert rec.fs == 1000.0 and rec.n_channels == 1
    assert rec.n_samples == 63880
    assert 1900 < float(np.mean(rec.data)) < 2200  # 12-bit counts around 2048


def test_headerless_numeric_file_needs_fs_and_names_emg1(tmp_path: Path) -> None:
    p = tmp_path / "counts.txt"
    p.write_text("\n".join(str(2048 + (i % 7)) for i in range(3000)))
    with pytest.raises(InvalidInput, match=r"counts.txt: no time column and no sampling rate"):
        read_recording(p)
    rec = read_recording(p, fs=1000)
    assert rec.channels == ("EMG1",)


def test_time_column_gives_fs(tmp_path: Path) -> None:
    t = np.arange(4096) / 2048.0
    p = tmp_path / "t.csv"
    rows = ["time,UT_R,LT_R"] + [f"{ti:.4f},{np.sin(ti):.5f},{np.cos(ti):.5f}" for ti in t]
    p.write_text("\n".join(rows))
    rec = read_recording(p)
    assert rec.fs == 2048.0  # rounded time stamps still give the exact rate
    assert rec.channels == ("UT_R", "LT_R")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("UT_R,LT_R\n1,2\n3,4\n5\n", r"bad.csv: row 4 has 1 fields, expected 2 \(truncated row\)"),
        ("UT_R,UT_R\n1,2\n3,4\n", r"bad.csv: duplicate column names in header: UT_R"),
        ("UT_R,,LT\n1,2,3\n", r"bad.csv: header row has an empty column name"),
        (
            "UT_R,LT_R\n1,nan\n3,4\n",
            r"bad.csv: channel 'LT_R' has 1 NaN/missing value\(s\), first at row 2",
        ),
        ("UT_R,LT_R\n1,\n3,\n", r"bad.csv: channel 'LT_R' is empty"),
        ("UT_R,LT_R\n1,abc\n", r"bad.csv: row 2, column 2: 'abc' is not a number"),
        ("", r"bad.csv: file has no data rows"),
        ("UT_R,LT_R\n", r"bad.csv: file has a header but no data rows"),
    ],
)
def test_bad_csv_files_raise_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(content)
    with pytest.raises(InvalidInput, match=message) as exc:
        read_recording(p, fs=1000)
    assert "\n" not in str(exc.value)


def test_bad_vicon_header(tmp_path: Path) -> None:
    p = tmp_path / "v.csv"
    p.write_text("Devices\nrate?\nx\nFrame,Sub Frame,EMG1\n,,V\n1,0,0.1\n")
    with pytest.raises(InvalidInput, match=r"v.csv: Vicon export row 2 should hold the rate"):
        read_recording(p)


@needs_data
def test_truncated_vicon_export(tmp_path: Path) -> None:
    text = (DATA / "pyomeca_analogs.csv").read_text()
    p = tmp_path / "cut.csv"
    p.write_text(text[: len(text) // 2].rsplit(",", 3)[0])
    with pytest.raises(
        InvalidInput, match=r"cut.csv: row \d+ has \d+ fields, expected 40 \(truncated row\)"
    ):
        read_recording(p)


@needs_data
def test_truncated_c3d_and_wfdb_and_bad_edf(tmp_path: Path) -> None:
    raw = (DATA / "pyomeca_markers_analogs.c3d").read_bytes()
    p = tmp_path / "cut.c3d"
    p.write_bytes(raw[:300])
    with pytest.raises(InvalidInput, match=r"cut.c3d: not a C3D file"):
        read_recording(p)
    q = tmp_path / "junk.c3d"
    q.write_bytes(b"\x02\x50" + b"\x00" * 510 + raw[512:2000])
    with pytest.raises(InvalidInput, match=r"junk.c3d: "):
        read_recording(q)
    e = tmp_path / "bad.edf"
    e.write_bytes(b"0       not an edf header" + b" " * 100)
    with pytest.raises(InvalidInput, match=r"bad.edf: not a readable EDF/BDF file"):
        read_recording(e)
    h = tmp_path / "rec.hea"
    h.write_text((DATA / "physionet_emgdb_emg_healthy.hea").read_text())
    (tmp_path / "rec.dat").write_bytes(
        (DATA / "physionet_emgdb_emg_healthy.dat").read_bytes()[:1000]
    )
    with pytest.raises(InvalidInput, match=r"rec.hea: "):
        read_recording(h)


def test_edf_roundtrip(tmp_path: Path) -> None:
    pyedflib = pytest.importorskip("pyedflib")
    fs = 1000
    x = np.random.default_rng(0).standard_normal((2, 5 * fs)) * 100.0
    p = tmp_path / "r.edf"
    w = pyedflib.EdfWriter(str(p), 2, file_type=pyedflib.FILETYPE_EDFPLUS)
    hdr = []
    for name in ("UT_L", "LT_L"):
        hdr.append(
            {
                "label": name,
                "dimension": "uV",
                "sample_frequency": fs,
                "physical_max": 1000.0,
                "physical_min": -1000.0,
                "digital_max": 32767,
                "digital_min": -32768,
            }
        )
    w.setSignalHeaders(hdr)
    w.writeSamples(list(x))
    w.close()
    rec = read_recording(p)
    assert rec.fs == fs and rec.channels == ("UT_L", "LT_L") and rec.units == ("uV", "uV")
    assert np.max(np.abs(rec.data - x)) < 0.05


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match=r"nope.csv: file not found"):
        read_recording(tmp_path / "nope.csv")
    p = tmp_path / "x.xyz"
    p.write_text("1")
    with pytest.raises(InvalidInput, match=r"x.xyz: unknown recording format"):
        read_recording(p)


def test_channel_mapping_and_override(tmp_path: Path) -> None:
    assert parse_channel("UT_R").muscle == "upper_trapezius"
    assert parse_channel("UT_R").side == "R"
    assert parse_channel("LT").muscle == "lower_trapezius"
    assert parse_channel("Gd_dent").muscle == "serratus_anterior"
    assert parse_channel("SCM_L").muscle == "sternocleidomastoid"
    assert parse_channel("DNF_R").muscle == "deep_neck_flexors"
    infos = resolve_channels(("EMG6", "EMG7"), {"EMG6": "UT_R", "EMG7": "lower_trapezius"})
    assert (infos[0].muscle, infos[0].side, infos[1].muscle) == (
        "upper_trapezius",
        "R",
        "lower_trapezius",
    )
    with pytest.raises(InvalidInput, match=r"mapping names channel 'EMG9'"):
        resolve_channels(("EMG6",), {"EMG9": "UT"})
    with pytest.raises(InvalidInput, match=r"mapping for channel 'EMG6': unknown muscle 'elbow'"):
        resolve_channels(("EMG6",), {"EMG6": "elbow"})
