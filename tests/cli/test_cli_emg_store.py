"""`upperback client emg` keeps an analysed sEMG recording with the client's record through the
same service as the web upload; `client emg-list` reads it back; refusals are one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from cli_support import Cli


def _recording(path: Path, seconds: float = 6.0, fs: float = 1000.0) -> Path:
    """Three channels of noise with 1-s bursts every 2 s (a plain CSV with a time column)."""
    rng = np.random.default_rng(1)
    t = np.arange(int(seconds * fs)) / fs
    burst = ((t % 2.0) > 1.0).astype(float)
    data = [rng.normal(0, 0.01 + 0.2 * burst * gain) for gain in (1.0, 0.6, 0.8)]
    header = "time,UT_R,LT_R,SA_R"
    np.savetxt(path, np.column_stack([t, *data]), delimiter=",", fmt="%.6g", header=header,
               comments="")  # fmt: skip
    return path


def test_a_recording_is_analysed_stored_and_listed(cli: Cli, tmp_path: Path) -> None:
    cid = cli.json("client", "add", "--name", "Em", "--sex", "male", "--birth-year", "1980")["id"]
    rec = _recording(tmp_path / "trial.csv")
    out = cli.json("client", "emg", str(cid), str(rec), "--date", "2026-02-03")
    listed = cli.json("client", "emg-list", str(cid))
    assert listed == [{"id": out["id"], "date": "2026-02-03", "filename": "trial.csv"}]
    stored = json.loads(cli("export").stdout)["tables"]["emg_recording"][0]["analysis"]
    assert stored["analysis"] and "envelope" in stored


def test_refusals_are_one_line_and_store_nothing(cli: Cli, tmp_path: Path) -> None:
    cid = cli.json("client", "add", "--name", "Em", "--sex", "male", "--birth-year", "1980")["id"]
    cases = {
        ("client", "emg", str(cid), str(tmp_path / "missing.csv")): "file not found",
        ("client", "emg", "999", str(_recording(tmp_path / "a.csv"))): "client 999 not found",
        ("client", "emg", str(cid), str(tmp_path / "a.csv"), "--mains", "55"): "--mains",
    }
    for args, message in cases.items():
        result = cli(*args, ok=False)
        assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith("error: ") and message in result.stderr
    assert cli.json("client", "emg-list", str(cid)) == []
