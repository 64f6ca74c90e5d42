"""The rules file validates, cites every block and fails with a named field when broken."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from upperback.errors import InvalidInput
from upperback.knowledge.loader import data_path
from upperback.knowledge.loading_rules import load_loading_rules, loading_rules


def test_packaged_rules_cite_every_block() -> None:
    rules = loading_rules()
    blocks = [
        rules.deload,
        rules.session,
        rules.starting_load,
        rules.effort,
        rules.pain,
        rules.readiness,
        rules.adherence,
        rules.emg,
        rules.technique,
        rules.weekly_cap,
        rules.acwr,
        *rules.phases,
        *rules.selection,
    ]
    assert all(b.source and b.evidence in ("V", "K", "U") for b in blocks)
    assert rules.pain.during_max == 5  # Silbernagel 2007
    assert rules.weekly_cap.max_increase == pytest.approx(0.10)


def test_broken_rules_name_the_field(tmp_path: Path) -> None:
    doc = yaml.safe_load(data_path("loading_rules.yaml").read_text(encoding="utf-8"))
    doc["pain"]["during_max"] = 15
    bad = tmp_path / "rules.yaml"
    bad.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"rules.yaml: pain.during_max"):
        load_loading_rules(bad)
