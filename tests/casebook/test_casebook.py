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


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.adaptations], ids=lambda c: c.name.split(",")[0]
)
def test_one_log_never_moves_two_exercises_to_the_same_rung(case: Case) -> None:
    """Jon's supine and standing serratus punch both went to the dynamic hug in one log;
    the second must progress another way."""
    for n, batch in enumerate(case.adaptations, start=1):
        rungs = [a.reason.rsplit("next rung ", 1)[1] for a in batch if "next rung " in a.reason]
        moved = {a.exercise_id for a in batch if "next rung " in a.reason}
        assert len(set(rungs)) == len(moved), f"{case.name}, log {n}: {rungs}"
