"""The code table: loads, covers the battery, and refuses a mistyped LOINC code."""

from __future__ import annotations

from pathlib import Path

import pytest

from upperback.errors import InvalidInput
from upperback.knowledge.codes import fhir_codes, load_codes, loinc_valid
from upperback.knowledge.tests_catalog import battery


def test_every_enterable_test_has_a_coding() -> None:
    table = fhir_codes()
    missing = [t for t in battery().input_ids() if table.for_test(t) is None]
    assert missing == []
    assert table.for_test("nprs").code == "72514-3"  # type: ignore[union-attr]
    assert table.for_test("ndi").code == "82237-9"  # type: ignore[union-attr]


def test_every_entry_names_its_source_and_loinc_codes_pass_the_check_digit() -> None:
    table = fhir_codes()
    loinc = [e for e in table.by_key.values() if e.system == "http://loinc.org"]
    assert len(loinc) >= 15
    assert all(loinc_valid(e.code) for e in loinc)
    assert all(e.source and e.evidence in "VKU" for e in table.by_key.values())


@pytest.mark.parametrize(
    ("code", "ok"),
    [("72514-3", True), ("72514-4", False), ("82237-9", True), ("8223-9", False), ("abc", False)],
)
def test_loinc_check_digit(code: str, ok: bool) -> None:
    assert loinc_valid(code) is ok


def test_a_mistyped_loinc_code_in_the_table_is_refused(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "src/upperback/knowledge/data/fhir_codes.yaml").read_text()
    bad = tmp_path / "codes.yaml"
    bad.write_text(text.replace("code: 72514-3", "code: 72514-4"), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"code nprs: '72514-4' fails the LOINC check digit"):
        load_codes(bad)


def test_unknown_codes_are_not_found() -> None:
    table = fhir_codes()
    assert table.lookup("http://loinc.org", "1234-5") is None
    assert table.lookup("urn:upperback:exercise", "no_such_exercise") is None
    assert table.lookup("urn:upperback:codes", "test-no_such_test") is None
