"""The clinical casebook: every named client meets each of its expectations."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from predicates import PREDICATES

from casebook import Case, load_cases

CASES = load_cases()


def test_the_casebook_has_at_least_30_named_clients() -> None:
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name.split(",")[0] for c in CASES])
def test_case_meets_its_expectations(case: Case) -> None:
    failed = [name for name in case.expect if not PREDICATES[name](case)]
    assert not failed, f"{case.name}: {', '.join(failed)}"
