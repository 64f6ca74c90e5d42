"""The red-flag and education files validate, cite sources, and reject bad entries."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from upperback.errors import InvalidInput
from upperback.knowledge.education import load_education
from upperback.knowledge.loader import data_path
from upperback.knowledge.red_flags import load_red_flags, red_flag_catalogue


def test_every_item_rule_and_escalation_cites_a_source() -> None:
    cat = red_flag_catalogue()
    for entry in (*cat.items, *cat.rules, *cat.escalations, *cat.yellow_flags):
        assert len(entry.source) >= 3 and entry.evidence.value in "VKU"


def test_catalogue_covers_the_domains_of_domain_md_section_3() -> None:
    domains = {i.domain for i in red_flag_catalogue().items}
    assert domains == {
        "cervical_arterial",
        "cervical_myelopathy",
        "fracture_instability",
        "malignancy",
        "infection",
        "visceral_vascular",
        "inflammatory",
        "radiculopathy",
    }


def _write(tmp_path: Path, doc: dict) -> Path:
    p = tmp_path / "red_flags.yaml"
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return p


def _doc() -> dict:
    return yaml.safe_load(data_path("red_flags.yaml").read_text(encoding="utf-8"))


def test_stand_alone_flag_without_urgency_is_rejected_by_name(tmp_path: Path) -> None:
    doc = _doc()
    doc["items"][0]["urgency"] = "none"
    with pytest.raises(InvalidInput, match="items entry thunderclap_headache"):
        load_red_flags(_write(tmp_path, doc))


def test_rule_naming_an_unknown_item_is_rejected(tmp_path: Path) -> None:
    doc = _doc()
    doc["rules"][0]["items"].append("not_an_item")
    with pytest.raises(InvalidInput, match="unknown item 'not_an_item'"):
        load_red_flags(_write(tmp_path, doc))


def test_education_entry_without_source_is_rejected(tmp_path: Path) -> None:
    doc = yaml.safe_load(data_path("education.yaml").read_text(encoding="utf-8"))
    del doc["texts"][1]["source"]
    p = tmp_path / "education.yaml"
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(InvalidInput, match="entry pain_monitoring: source"):
        load_education(p)
