"""Compare a score with the published reference the catalogue names for the client."""

from __future__ import annotations

from upperback.assessment._checks import fmt
from upperback.knowledge.tests_catalog import Norm, TestSpec
from upperback.model.assessment import NormComparison
from upperback.model.common import Sex

Z_BAND = 1.0
"""Within +/- 1 SD of the mean counts as 'within' (a reporting convention, not a cut-off)."""


def compare_norm(spec: TestSpec, score: float, sex: Sex) -> NormComparison | None:
    """Status against the first norm for this sex (else a sex-neutral one), or None."""
    norm = spec.norm_for(sex)
    if norm is None:
        return None
    ref = _reference(norm, spec.unit)
    source = f"{norm.source} [{norm.evidence.value}]"
    if norm.kind == "mean_sd":
        assert norm.mean is not None and norm.sd is not None
        z = (score - norm.mean) / norm.sd
        status = "below" if z < -Z_BAND else "above" if z > Z_BAND else "within"
        return NormComparison(
            reference=ref,
            status=status,
            mean=norm.mean,
            sd=norm.sd,
            z=round(z, 3),
            source=source,
            evidence=norm.evidence.value,
        )
    if norm.kind == "cutoff":
        assert norm.cutoff is not None
        bad = score < norm.cutoff if norm.impaired_when == "below" else score > norm.cutoff
        return NormComparison(
            reference=ref,
            status="impaired" if bad else "typical",
            cutoff=norm.cutoff,
            source=source,
            evidence=norm.evidence.value,
        )
    assert norm.mean is not None
    tol = norm.tolerance or 0.0
    status = (
        "below" if score < norm.mean - tol else "above" if score > norm.mean + tol else "within"
    )
    return NormComparison(
        reference=ref, status=status, mean=norm.mean, source=source, evidence=norm.evidence.value
    )


def _reference(norm: Norm, unit: str) -> str:
    who = f"{norm.population}" + ("" if norm.sex == "any" else f", {norm.sex}")
    if norm.kind == "mean_sd":
        return f"{who}: {fmt(norm.mean or 0)} +/- {fmt(norm.sd or 0)} {unit}"
    if norm.kind == "cutoff":
        return f"{who}: impaired {norm.impaired_when} {fmt(norm.cutoff or 0)} {unit}"
    tol = f" +/- {fmt(norm.tolerance)}" if norm.tolerance else ""
    return f"{who}: {fmt(norm.mean or 0)}{tol} {unit}"
