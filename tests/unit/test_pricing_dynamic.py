"""Dynamic pricing: demand model, constraints, flags, and vectorised == scalar reference."""

from __future__ import annotations

import math
import time
from decimal import Decimal as D

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing_engine import (
    PricingInputError,
    Reason,
    RepricePolicy,
    ShowtimeBatch,
    bp_from_multiplier,
    default_booking_fraction,
    default_elasticity,
    multiplier_from_bp,
    reprice,
)
from pricing_engine.demand import DEFAULT_PRIOR_STRENGTH, price_response
from pricing_engine.simulation.snapshot import live_columns

POLICY = RepricePolicy()  # grid 8000..13000 step 500, max step 1000, 180 min, 1 % gain
FREE = RepricePolicy(max_step_bp=5000, min_gain_fraction=0.0)


def make_batch(n: int = 1, **columns: object) -> ShowtimeBatch:
    data: dict[str, object] = {
        "base_price_minor": [1000] * n,
        "capacity": [200] * n,
        "sold": [0] * n,
        "hours_to_show": [48.0] * n,
        "baseline_demand": [50.0] * n,
        "elasticity": [-1.0] * n,
        "current_bp": [10000] * n,
        "minutes_since_change": [1e6] * n,
        "frozen": [False] * n,
    }
    data.update(columns)
    return ShowtimeBatch(**{k: v if v is None else np.asarray(v) for k, v in data.items()})


def choose(policy: RepricePolicy = POLICY, **columns: object) -> tuple[int, Reason]:
    result = reprice(make_batch(**columns), policy)
    return int(result.multiplier_bp[0]), result.reasons_for(0)


def test_output_shapes_and_dtypes():
    result = reprice(make_batch(7), POLICY)
    for array in (result.multiplier_bp, result.expected_revenue_minor, result.expected_sales):
        assert array.shape == (7,)
    assert result.multiplier_bp.dtype == np.int64
    assert result.expected_revenue_minor.dtype == np.int64
    assert result.reasons.dtype == np.uint16 and result.changed.dtype == bool


def test_inelastic_demand_raises_price_one_step_at_a_time():
    assert choose(elasticity=[-0.6]) == (11000, Reason.CHANGED | Reason.STEP_CAPPED)
    assert choose(elasticity=[-0.6], current_bp=[12000]) == (13000, Reason.CHANGED)
    assert choose(FREE, elasticity=[-0.6]) == (13000, Reason.CHANGED)


def test_elastic_demand_lowers_price():
    assert choose(elasticity=[-1.4]) == (9000, Reason.CHANGED | Reason.STEP_CAPPED)
    assert choose(elasticity=[-1.4], current_bp=[9000]) == (8000, Reason.CHANGED)


def test_pace_ahead_of_the_booking_curve_raises_price_when_capacity_binds():
    common = {"capacity": [100], "baseline_demand": [80.0], "hours_to_show": [24.0]}
    on_pace, _ = choose(FREE, sold=[36], **common)  # f(24h) = 0.45 -> 36 expected so far
    ahead, _ = choose(FREE, sold=[60], **common)
    assert on_pace == 10000  # remaining demand 44 < 64 seats: unconstrained optimum 1/|eps|
    assert ahead == 13000  # remaining demand ~68 > 40 seats: price up to ration the seats


def test_frozen_rate_limited_closed_and_sold_out_keep_their_multiplier():
    result = reprice(
        make_batch(
            4,
            elasticity=[-0.6] * 4,
            current_bp=[10700, 10000, 10000, 10000],  # frozen value need not be on the grid
            frozen=[True, False, False, False],
            minutes_since_change=[1e6, 179.0, 1e6, 1e6],
            hours_to_show=[48.0, 48.0, -0.5, 48.0],
            sold=[0, 0, 0, 200],
        ),
        POLICY,
    )
    assert result.multiplier_bp.tolist() == [10700, 10000, 10000, 10000]
    assert [result.reasons_for(i) for i in range(4)] == [
        Reason.FROZEN, Reason.RATE_LIMITED, Reason.CLOSED, Reason.SOLD_OUT,
    ]  # fmt: skip
    assert result.expected_revenue_minor[2:].tolist() == [0, 0]
    assert choose(elasticity=[-0.6], minutes_since_change=[180.0])[0] == 11000


def test_per_cinema_allowed_mask():
    grid = np.array(POLICY.grid_bp)
    only_list_price = grid == 10000
    at_most_110 = grid <= 11000
    result = reprice(
        make_batch(2, elasticity=[-0.6, -0.6], allowed=np.stack([only_list_price, at_most_110])),
        FREE,
    )
    assert result.multiplier_bp.tolist() == [10000, 11000]
    assert result.reasons.tolist() == [0, Reason.CHANGED]


def test_off_grid_current_value_snaps_to_nearest_allowed_value():
    # eps = -1 would prefer x1.00, which is beyond the step limit: STEP_CAPPED as well
    snapped = Reason.CHANGED | Reason.OFF_GRID | Reason.STEP_CAPPED
    assert choose(current_bp=[15000]) == (13000, snapped)


def test_hysteresis_holds_when_gain_is_below_threshold():
    # eps = -0.97: optimum 1.031, so 1.05 beats 1.00 by only 0.03 %
    assert choose(elasticity=[-0.97]) == (10000, Reason.SMALL_GAIN)
    assert choose(FREE, elasticity=[-0.97]) == (10500, Reason.CHANGED)


def test_expected_sales_never_exceed_remaining_seats():
    no_pace_yet = [0.0] * 3  # the forecast alone speaks: huge demand
    batch = make_batch(
        3, baseline_demand=[1e5] * 3, sold=[0, 150, 199], booked_fraction=no_pace_yet
    )
    result = reprice(batch, FREE)
    assert np.allclose(result.expected_sales, [200, 50, 1])
    assert result.multiplier_bp.tolist() == [13000] * 3


# --- vectorised result vs a plain scalar reference ------------------------------------


def reference_candidates(row: dict, policy: RepricePolicy) -> tuple[list[int], callable]:
    """Scalar re-statement of the decision rule: feasible values and revenue function."""
    f = math.exp(-row["hours"] / 30.0)
    cur_m = row["cur"] / 10000
    so_far = row["d0"] * f * math.exp(row["eps"] * (cur_m - 1))
    spread = (max(row["hours"], 0.0) / 30.0 * policy.booking_curve_sigma) ** 2
    weight = 1.0 / (1.0 + max(so_far, row["sold"]) * spread) if row["sold"] < row["cap"] else 0.0
    theta = (DEFAULT_PRIOR_STRENGTH + weight * row["sold"]) / (DEFAULT_PRIOR_STRENGTH + weight * so_far)
    seats = row["cap"] - row["sold"]

    def revenue(bp: int) -> float:
        demand = theta * row["d0"] * (1 - f) * math.exp(row["eps"] * (bp / 10000 - 1))
        return (row["base"] * bp + 5000) // 10000 * min(seats, demand)

    grid = list(policy.grid_bp)
    near = [g for g in grid if abs(g - row["cur"]) <= policy.max_step_bp]
    if not near:
        closest = min(abs(g - row["cur"]) for g in grid)
        near = [g for g in grid if abs(g - row["cur"]) == closest]
    return near, revenue


def random_batch(seed: int, n: int) -> tuple[ShowtimeBatch, list[dict]]:
    rng = np.random.default_rng(seed)
    cap = rng.integers(1, 400, n)
    rows = {
        "base": rng.integers(0, 3000, n),
        "cap": cap,
        "sold": (cap * rng.random(n) ** 0.5).astype(np.int64),
        "hours": rng.choice([-1.0, 0.0, 2.0, 24.0, 100.0], n),
        "d0": rng.uniform(0, 600, n),
        "eps": rng.uniform(-1.6, -0.4, n),
        "cur": rng.choice([7000, 9000, 9500, 10000, 10300, 12500, 14000], n),
        "minutes": rng.choice([0.0, 30.0, 180.0, 1e6], n),
        "frozen": rng.random(n) < 0.1,
    }
    batch = ShowtimeBatch(
        rows["base"], rows["cap"], rows["sold"], rows["hours"], rows["d0"], rows["eps"],
        rows["cur"], rows["minutes"], rows["frozen"],
    )  # fmt: skip
    return batch, [{k: v[i].item() for k, v in rows.items()} for i in range(n)]


def test_ten_thousand_showtimes_with_films_exposures_and_rails_reprice_in_under_a_second():
    # The bound, with the whole input a live run reads; the engine takes ~10 ms, so the
    # best of three runs stays far inside it even on a loaded machine.
    columns = live_columns(10_000, seed=7)
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        result = reprice(ShowtimeBatch(**columns), POLICY)
        seconds.append(time.perf_counter() - started)
    assert result.multiplier_bp.shape == (10_000,) and result.changed.any()
    assert min(seconds) < 1.0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_vectorised_choice_is_feasible_and_revenue_optimal(seed):
    policy = RepricePolicy(min_gain_fraction=0.0)
    batch, rows = random_batch(seed, 60)
    result = reprice(batch, policy)
    for i, row in enumerate(rows):
        new = int(result.multiplier_bp[i])
        held = row["frozen"] or row["hours"] <= 0 or row["sold"] >= row["cap"]
        if held or row["minutes"] < policy.min_minutes_between_changes:
            assert new == row["cur"]
            continue
        candidates, revenue = reference_candidates(row, policy)
        assert new in candidates
        best = max(revenue(g) for g in candidates)
        assert revenue(new) >= best - 1e-6 * max(1.0, best)
        assert result.changed[i] == (new != row["cur"])


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_rows_are_independent(seed):
    batch, rows = random_batch(seed, 25)
    together = reprice(batch, POLICY)
    for i in range(len(rows)):
        alone = reprice(
            ShowtimeBatch(*(np.asarray(getattr(batch, name))[i : i + 1] for name in (
                "base_price_minor", "capacity", "sold", "hours_to_show", "baseline_demand",
                "elasticity", "current_bp", "minutes_since_change", "frozen",
            ))),
            POLICY,
        )  # fmt: skip
        assert alone.multiplier_bp[0] == together.multiplier_bp[i]
        assert alone.reasons[0] == together.reasons[i]
        assert alone.expected_revenue_minor[0] == together.expected_revenue_minor[i]


# --- demand model helpers ----------------------------------------------------------------


def test_booking_curve_and_elasticity_segments():
    fractions = default_booking_fraction([0.0, -3.0, 24.0, 168.0])
    assert fractions[0] == fractions[1] == 1.0
    assert 0.4 < fractions[2] < 0.5 and fractions[3] < 0.01
    # Mon 11:00 off-peak, Fri 20:00 peak, Sun 14:00 peak, Sun 20:00 shoulder
    assert default_elasticity([0, 4, 6, 6], [11, 20, 14, 20]).tolist() == [-1.4, -0.6, -0.6, -1.0]
    response = price_response(np.array([0.8, 1.0, 1.3]), -1.0)
    assert response[1] == 1.0 and response[0] > 1.0 > response[2]


def test_basis_point_conversions():
    assert multiplier_from_bp(11000) == D("1.1")
    assert bp_from_multiplier(D("1.10")) == 11000
    assert bp_from_multiplier(multiplier_from_bp(8500)) == 8500
    with pytest.raises(PricingInputError):
        bp_from_multiplier(D("1.00005"))
    with pytest.raises(PricingInputError):
        multiplier_from_bp(0)


@pytest.mark.parametrize(
    "columns",
    [
        {"base_price_minor": [10.5]},
        {"base_price_minor": 1000},  # a scalar, not a column
        {"base_price_minor": [-1]},
        {"sold": [201]},
        {"sold": [-1]},
        {"capacity": [200, 100]},
        {"elasticity": [0.0]},
        {"hours_to_show": [float("nan")]},
        {"current_bp": [0]},
        {"minutes_since_change": [-1.0]},
        {"frozen": [1]},
        {"booked_fraction": [1.5]},
        {"allowed": np.zeros((1, 11), dtype=bool)},
    ],
)
def test_bad_batches_are_rejected(columns):
    with pytest.raises(PricingInputError):
        make_batch(**columns)


@pytest.mark.parametrize(
    "settings_",
    [{"grid_bp": ()}, {"grid_bp": (9000, 8000)}, {"grid_bp": (0, 10000)},
     {"grid_bp": (10000, 100001)}, {"grid_bp": (1.0,)}, {"max_step_bp": 0},
     {"min_gain_fraction": -0.1}, {"prior_strength": 0.0}],
)  # fmt: skip
def test_bad_policies_are_rejected(settings_):
    with pytest.raises(PricingInputError):
        RepricePolicy(**settings_)


def test_mask_must_match_the_grid():
    with pytest.raises(PricingInputError, match="columns"):
        reprice(make_batch(allowed=np.ones((1, 3), dtype=bool)), POLICY)
