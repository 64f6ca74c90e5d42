"""Every norm, cut-off and change threshold in tests.yaml cites its source; bad files fail."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from upperback.errors import InvalidInput
from upperback.knowledge.loader import data_path
from upperback.knowledge.tests_catalog import battery, load_battery
from upperback.model.profile import FindingCode


def test_every_norm_and_threshold_cites_a_source_and_evidence_tag() -> None:
    cat = battery()
    for spec in cat.by_id.values():
        for item in (*spec.norms, *spec.change):
            assert len(item.source) >= 3, spec.id
            assert item.evidence.value in "VKU", spec.id
        if spec.bands:
            assert spec.band_source, spec.id
    for rule in cat.findings:
        for trig in rule.triggers:
            assert trig.source and trig.criterion and trig.evidence.value in "VKU"
    assert cat.irritability.source


def test_profile_rules_cover_every_finding_code() -> None:
    assert {r.code for r in battery().findings} == set(FindingCode)


def _load_modified(tmp_path: Path, change) -> None:
    doc = yaml.safe_load(data_path("tests.yaml").read_text(encoding="utf-8"))
    change(doc)
    p = tmp_path / "tests.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    load_battery(p)


def test_norm_without_source_is_rejected_by_entry(tmp_path: Path) -> None:
    def drop(doc):
        del doc["tests"][3]["norms"][0]["source"]  # dnf_endurance

    with pytest.raises(InvalidInput, match=r"tests entry dnf_endurance: norms\.0\.source"):
        _load_modified(tmp_path, drop)


def test_finding_naming_an_unknown_test_is_rejected(tmp_path: Path) -> None:
    def bad(doc):
        doc["findings"][0]["triggers"][0]["tests"] = ["no_such_test"]

    with pytest.raises(
        InvalidInput, match="finding lt_underactive names unknown test 'no_such_test'"
    ):
        _load_modified(tmp_path, bad)


def test_statement_with_unknown_placeholder_is_rejected(tmp_path: Path) -> None:
    def bad(doc):
        doc["findings"][0]["triggers"][0]["statement"] = "LT {ratio}"

    with pytest.raises(InvalidInput, match="unknown field"):
        _load_modified(tmp_path, bad)


def test_two_applied_thresholds_are_rejected(tmp_path: Path) -> None:
    def bad(doc):
        for c in doc["tests"][0]["change"]:
            c["applied"] = True

    with pytest.raises(
        InvalidInput, match=r"tests entry nprs: .*at most one change threshold may be applied"
    ):
        _load_modified(tmp_path, bad)
