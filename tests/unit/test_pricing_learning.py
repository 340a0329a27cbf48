"""Learning demand from booking pace: a hit's estimate rises, a flop's falls, no data leaves the prior."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing_engine import RepricePolicy, ShowtimeBatch, advance_exposure, reprice
from pricing_engine.demand import default_booking_fraction, price_response
from pricing_engine.learning import evidence_weight, learn_demand

D0 = np.array([50.0, 50.0, 50.0, 80.0])
FILM = np.array([0, 0, 0, 1])
ALL = np.ones(4, dtype=bool)


def estimate(sold, exposure, film=FILM, evidence=ALL):
    return learn_demand(D0, np.asarray(exposure, float), np.asarray(sold), film, evidence)


def test_no_data_leaves_the_prior():
    e = estimate([0, 0, 0, 0], [0.0] * 4)
    assert e.appeal.tolist() == [1.0] * 4 and e.pace.tolist() == [1.0] * 4
    assert e.expected_so_far.tolist() == [0.0] * 4


def test_bookings_exactly_on_the_curve_leave_the_prior():
    e = estimate([10, 10, 10, 16], [0.2] * 4)  # 50 x 0.2 = 10 and 80 x 0.2 = 16 expected
    assert np.allclose(e.appeal, 1.0) and np.allclose(e.pace, 1.0)


def test_a_hit_rises_and_a_flop_falls_and_films_do_not_mix():
    e = estimate([30, 25, 35, 2], [0.2] * 4)  # film 0 at 3x its curve, film 1 at 1/8
    assert np.all(e.appeal[:3] > 2.0) and e.appeal[3] < 0.5
    assert len(set(e.appeal[:3].tolist())) == 1  # one appeal per film
    # The showtime that books fastest within the hit gets the highest pace.
    assert e.pace[2] > e.pace[0] > e.pace[1]
    assert np.allclose(e.factor[:3] * 10, [30 * 1.0, 25, 35], rtol=0.35)


def test_a_hit_is_recognised_more_surely_as_its_evidence_grows():
    early = estimate([6, 6, 6, 0], [0.04] * 4)  # 3x pace but only 2 expected per showtime
    later = estimate([30, 30, 30, 0], [0.2] * 4)
    assert 1.0 < early.appeal[0] < later.appeal[0] < 3.0


def test_pooling_lifts_a_showtime_that_has_not_sold_yet():
    # Rows 0-1 have sold strongly; row 2 of the same film opened a moment ago.
    e = estimate([30, 30, 0, 0], [0.2, 0.2, 0.0, 0.0])
    assert e.factor[2] == pytest.approx(e.appeal[0]) and e.factor[2] > 2.0
    assert e.factor[3] == 1.0  # another film


def test_without_films_each_showtime_learns_from_its_own_pace_only():
    e = estimate([30, 10, 0, 0], [0.2] * 4, film=None)
    assert e.appeal.tolist() == [1.0] * 4
    assert e.pace[0] > 1.0 and e.pace[2] < 1.0 and e.pace[1] == pytest.approx(1.0)


def test_rows_outside_the_evidence_do_not_inform_their_film():
    evidence = np.array([True, True, False, True])
    with_row = estimate([10, 10, 50, 0], [0.2] * 4)
    without = estimate([10, 10, 50, 0], [0.2] * 4, evidence=evidence)
    assert with_row.appeal[0] > 1.5 and without.appeal[0] == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(
    sold=st.integers(0, 400),
    extra=st.integers(1, 50),
    exposure=st.floats(0.0, 1.5),
    demand=st.floats(0.1, 500.0),
)
def test_estimate_moves_with_bookings_and_stays_between_prior_and_data(sold, extra, exposure, demand):
    def appeal(n):
        return learn_demand(np.array([demand]), np.array([exposure]), np.array([n]), np.array([0]),
                            np.array([True]))  # fmt: skip

    low, high = appeal(sold), appeal(sold + extra)
    assert high.appeal[0] > low.appeal[0]
    expected = demand * exposure
    if expected > 0:
        ratio = sold / expected
        assert min(1.0, ratio) - 1e-9 <= low.appeal[0] <= max(1.0, ratio) + 1e-9


def test_bookings_far_from_the_show_count_for_less_than_a_finished_show():
    expected, sold = np.array([10.0, 10.0, 10.0, 100.0]), np.array([30, 30, 30, 300])
    weight = evidence_weight(expected, sold, np.array([0.0, 24.0, 120.0, 24.0]))
    assert weight[0] == 1.0 and 1.0 > weight[1] > weight[2] > 0.0
    assert weight[3] < weight[1]  # many bookings: the curve's error, not chance, dominates
    # Tempered, a hit still rises, just less far on the same early evidence.
    full = learn_demand(np.array([50.0]), np.array([0.2]), np.array([30]), np.array([0]), [1.0])
    early = learn_demand(np.array([50.0]), np.array([0.2]), np.array([30]), np.array([0]), weight[2:3])
    assert 1.0 < early.appeal[0] < full.appeal[0]
    assert evidence_weight(expected, sold, np.full(4, 120.0), curve_sigma=0.0).tolist() == [1.0] * 4


def test_exposure_accrues_along_the_curve_at_the_price_charged_while_seats_are_left():
    hours_before, hours_now = np.array([48.0] * 3), np.array([24.0] * 3)
    eps = np.array([-1.0] * 3)
    grown = advance_exposure([0.1] * 3, hours_before, hours_now, [10000, 12000, 10000], eps,
                             [True, True, False])  # fmt: skip
    step = default_booking_fraction(24.0) - default_booking_fraction(48.0)
    assert grown[0] == pytest.approx(0.1 + step)
    assert grown[1] == pytest.approx(0.1 + step * price_response(1.2, -1.0))
    assert grown[2] == 0.1  # sold out: its bookings no longer measure demand
    # Summed over a whole window at x1.00 it reaches the curve's share, whatever the steps.
    hours = np.linspace(168.0, 0.0, 50)
    total = np.zeros(1)
    for before, now in zip(hours, hours[1:], strict=False):
        total = advance_exposure(total, [before], [now], [10000], [-1.0], [True])
    assert total[0] == pytest.approx(1.0 - default_booking_fraction(168.0))


def test_engine_raises_a_new_showtime_of_a_hit_film_before_it_sells_a_seat():
    # Four rows of one film: three on sale for days at 3x pace, one just opened (no bookings).
    # Capacity binds for the new one only if the film's appeal carries over to it.
    n = 4
    batch = dict(
        base_price_minor=[1000] * n, capacity=[120] * n, sold=[90, 90, 90, 0],
        hours_to_show=[20.0, 20.0, 20.0, 160.0], baseline_demand=[60.0] * n,
        elasticity=[-1.0] * n, current_bp=[10000] * n, minutes_since_change=[1e6] * n,
        frozen=[False] * n,
    )  # fmt: skip
    free = RepricePolicy(max_step_bp=5000, min_gain_fraction=0.0)
    pooled = reprice(ShowtimeBatch(**batch, film=[7, 7, 7, 7]), free)
    alone = reprice(ShowtimeBatch(**batch), free)
    assert pooled.multiplier_bp[3] > 10000 and alone.multiplier_bp[3] == 10000
    assert pooled.estimate.appeal[3] > 2.0
