"""Virtual clients' programs read like real ones: no simulation wording reaches a reason a
clinician reads (rationale lines, prescription reasons, adaptation reasons)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from upperback.feedback import adapt
from upperback.loading import generate_program
from upperback.model.profile import FindingCode, Severity
from upperback.sim.client import _log
from upperback.sim.population import draw_client
from upperback.sim.profiles import make_profile, random_intake, random_profile

DAY = dt.date(2025, 1, 6)


def test_every_finding_code_has_measurement_evidence_not_a_simulation_tag() -> None:
    profile = make_profile(dict.fromkeys(FindingCode, Severity.moderate))
    for f in profile.findings:
        assert f.evidence and "simulat" not in f.evidence.lower()
        assert "simulat" not in f.source.lower()


def test_generated_and_adapted_reasons_never_say_simulated() -> None:
    texts: list[str] = []
    for i in range(12):
        rng = np.random.default_rng([5, i])
        client = draw_client(i, rng, 12)
        profile = random_profile(rng, pain_now=client.baseline_pain, day=DAY)
        intake = random_intake(rng, day=DAY, pain_now=client.baseline_pain)
        program = generate_program(profile, intake, start_date=DAY, seed=i, weeks=4)
        texts += program.rationale
        texts += [p.rationale for s in program.sessions for p in s.prescriptions]
        plan = program.sessions[0]
        log = _log(rng, client, plan, DAY, 1.4, 6.0, True, False, _library())
        result = adapt(program, log, history=[], profile=profile)
        texts += [a.reason for a in result.adaptations]
    assert texts
    assert [t for t in texts if "simulat" in t.lower()] == []


def _library():  # type: ignore[no-untyped-def]
    from upperback.knowledge.loader import exercise_library

    return exercise_library()
