"""Cohort figures: change vs MCID, responder rates, adherence and dose-response."""

from __future__ import annotations

import random

from upperback.outcomes.cohort import ClientCohortRow, MeasureChange, aggregate


def _row(cid: int, nprs: float, improved: bool, sets: int, adherence: float) -> ClientCohortRow:
    return ClientCohortRow(
        client_id=cid,
        changes=[
            MeasureChange(
                measure="nprs", change=nprs, threshold=2.0, improved=improved, worsened=False
            )
        ],
        responder=improved,
        adherence=adherence,
        completed_sessions=sets // 6,
        volume_sets=sets,
        volume_reps=sets * 10,
        pain_change=nprs,
    )


ROWS = [
    _row(1, -3.0, True, 120, 0.9),
    _row(2, -1.0, False, 60, 0.5),
    _row(3, -4.0, True, 150, 1.0),
    _row(4, 0.0, False, 30, 0.3),
]


def test_rates_and_changes_follow_the_rows() -> None:
    out = aggregate(ROWS)
    assert out.n_clients == 4
    (m,) = out.measures
    assert (m.measure, m.n, m.threshold) == ("nprs", 4, 2.0)
    assert m.mean_change == -2.0 and m.median_change == -2.0
    assert m.improved_rate == 0.5 and m.worsened_rate == 0.0
    assert out.responders == 2 and out.responder_rate == 0.5
    assert out.adherence_mean == 0.675 and out.adherent_rate == 0.5


def test_more_volume_with_more_pain_relief_is_a_negative_rank_correlation() -> None:
    dr = aggregate(ROWS).dose_response
    assert dr.n == 4
    assert dr.spearman_rho == -1.0  # pain change falls strictly as completed sets rise
    assert dr.slope_per_10_sets is not None and dr.slope_per_10_sets < 0


def test_the_figures_do_not_depend_on_row_order() -> None:
    shuffled = ROWS[:]
    random.Random(3).shuffle(shuffled)
    assert aggregate(shuffled) == aggregate(ROWS)


def test_too_few_clients_give_no_correlation_rather_than_a_fake_one() -> None:
    dr = aggregate(ROWS[:2]).dose_response
    assert dr.n == 2 and dr.spearman_rho is None and dr.p_value is None
