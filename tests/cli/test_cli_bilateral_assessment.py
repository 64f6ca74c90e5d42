"""CLI: a bilateral dyskinesis rating gives one profile finding naming both sides; a rating
outside the scale exits 2 with one line naming the field, nothing stored."""

from __future__ import annotations

from cli_support import START, Cli

BOTH = [
    {"test_id": "scapular_dyskinesis", "rating": "obvious", "side": "L"},
    {"test_id": "scapular_dyskinesis", "rating": "obvious", "side": "R"},
]


def test_cli_bilateral_dyskinesis(cli: Cli) -> None:
    cid = str(cli.json("client", "add", "--name", "Bo", "--sex", "male", "--birth-year",
                       "1990", "--mass", "80")["id"])  # fmt: skip
    bad = {"date": START.isoformat(), "tester": "t", "results": [{**BOTH[1], "rating": "big"}]}
    result = cli("assess", cid, cli.write("bad.json", bad), ok=False)
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "rating: 'big' is not one of normal, subtle, obvious" in lines[0]
    good = {"date": START.isoformat(), "tester": "t", "results": BOTH}
    cli("assess", cid, cli.write("good.json", good))
    prof = cli.json("profile", cid)
    dys = [f for f in prof["findings"] if f["code"] == "scapular_dyskinesis"]
    assert len(dys) == 1 and dys[0]["side"] == "B" and "left and right" in dys[0]["statement"]
    assert prof["irritability_reason"].startswith("no pain level, rest pain or settling time")
    text = cli("profile", cid).output
    assert text.count("left and right") == 1 and "irritability:" in text
