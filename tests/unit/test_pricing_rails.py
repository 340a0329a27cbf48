"""Guard rails: property tests over random batches and over whole price paths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing_engine import (
    NO_CEILING,
    GuardRails,
    PricingInputError,
    Reason,
    RepricePolicy,
    ShowtimeBatch,
    reprice,
)
from pricing_engine.dynamic import price_at_bp

POLICY = RepricePolicy()
JUMPY = RepricePolicy(max_step_bp=5000, min_minutes_between_changes=0, min_gain_fraction=0.0)
QUANTA = np.arange(10, 100_001, 10)  # every multiplier the engine may store


def category_limits(rng: np.random.Generator, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Floors and ceilings around each category's base price; sometimes absent."""
    present = rng.random((2, *base.shape)) < 0.7
    floor = np.where(present[0], (base * rng.uniform(0.6, 1.1, base.shape)).astype(int), 0)
    spread = (base * rng.uniform(0.0, 0.7, base.shape)).astype(int)
    ceiling = np.where(present[1], floor + spread, NO_CEILING)
    return floor, ceiling


def random_case(seed: int, n: int, valid_start: bool) -> tuple[ShowtimeBatch, np.ndarray]:
    """A random batch with rails; ``valid_start``: current prices and history obey the rails."""
    rng = np.random.default_rng(seed)
    cats = int(rng.integers(1, 4))
    base = rng.integers(300, 3000, n)
    cat_base = (base[:, None] * rng.choice([0.0, 1.0, 1.3, 1.8], (n, cats))).astype(np.int64)
    cat_base[:, 0] = base
    floor, ceiling = category_limits(rng, cat_base)
    daily = rng.choice([500, 1000, 1500, 3000], n)
    current = rng.choice(np.arange(8000, 13001, 10), n)
    if valid_start:
        ok = feasible_bps(cat_base, floor, ceiling)
        for i in range(n):
            if ok[i].any():
                choices = QUANTA[ok[i] & (QUANTA >= 8000) & (QUANTA <= 13000)]
                current[i] = rng.choice(choices) if choices.size else current[i]
        below = rng.integers(0, daily // 2 + 1)
        above = rng.integers(0, daily - below + 1)
    else:
        below, above = rng.integers(0, 4000, n), rng.integers(0, 4000, n)
    capacity = rng.integers(1, 300, n)
    rails = GuardRails(
        category_base_minor=cat_base, floor_minor=floor, ceiling_minor=ceiling,
        max_daily_change_bp=daily, no_rise_hours=rng.choice([0.0, 3.0, 12.0], n),
        only_fall=rng.random(n) < 0.3,
    )  # fmt: skip
    batch = ShowtimeBatch(
        base_price_minor=base,
        capacity=capacity,
        sold=(capacity * rng.random(n) ** 2).astype(np.int64),
        hours_to_show=rng.choice([-1.0, 1.0, 2.5, 6.0, 20.0, 90.0], n),
        baseline_demand=rng.uniform(0.0, 500.0, n),
        elasticity=rng.uniform(-1.6, -0.4, n),
        current_bp=current,
        minutes_since_change=rng.choice([0.0, 60.0, 1e6], n),
        frozen=rng.random(n) < 0.05,
        film=rng.integers(0, 4, n),
        rails=rails,
        day_low_bp=np.maximum(current - below, 10),
        day_high_bp=current + above,
        sales_open=rng.random(n) < 0.7,
    )
    return batch, ok_rows(batch)


def feasible_bps(cat_base: np.ndarray, floor: np.ndarray, ceiling: np.ndarray) -> np.ndarray:
    """(N, len(QUANTA)) bool: multipliers at which every category's price obeys its limits."""
    prices = price_at_bp(cat_base[:, :, None], QUANTA[None, None, :])
    return ((prices >= floor[:, :, None]) & (prices <= ceiling[:, :, None])).all(axis=1)


def ok_rows(batch: ShowtimeBatch) -> np.ndarray:
    """Rows the engine may move: not frozen, not started, not sold out."""
    return ~batch.frozen & (batch.hours_to_show > 0) & (batch.sold < batch.capacity)


def prices_within_limits(batch: ShowtimeBatch, bp: np.ndarray) -> np.ndarray:
    rails = batch.rails
    prices = price_at_bp(rails.category_base_minor, bp[:, None])
    return ((prices >= rails.floor_minor) & (prices <= rails.ceiling_minor)).all(axis=1)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans(), st.sampled_from([POLICY, JUMPY]))
def test_no_price_outside_floor_and_ceiling(seed, valid_start, policy):
    batch, movable = random_case(seed, 40, valid_start)
    rails = batch.rails
    new = reprice(batch, policy).multiplier_bp
    satisfiable = feasible_bps(rails.category_base_minor, rails.floor_minor, rails.ceiling_minor).any(axis=1)
    check = movable & satisfiable
    assert prices_within_limits(batch, new)[check].all()
    assert (new % policy.bp_quantum == 0)[check & (new != batch.current_bp)].all()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([POLICY, JUMPY]))
def test_no_change_larger_than_allowed_no_rise_in_the_window_and_only_falls(seed, policy):
    batch, _ = random_case(seed, 40, valid_start=True)
    result = reprice(batch, policy)
    new, cur, rails = result.multiplier_bp, batch.current_bp, batch.rails
    # Nothing forces a move, and customers have seen the price (before sales open it is free).
    inside = prices_within_limits(batch, cur) & batch.sales_open
    assert (np.abs(new - cur) <= policy.max_step_bp)[inside].all()
    span = np.maximum(batch.day_high_bp, new) - np.minimum(batch.day_low_bp, new)
    assert (span <= rails.max_daily_change_bp)[inside].all()
    in_window = batch.hours_to_show < rails.no_rise_hours
    assert (new <= cur)[inside & in_window].all()
    assert (new <= cur)[inside & rails.only_fall].all()


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    daily=st.sampled_from([500, 1000, 2000]),
    window=st.sampled_from([0.0, 4.0, 12.0]),
    only_fall=st.booleans(),
    appeal=st.floats(0.2, 5.0),
)
def test_a_whole_price_path_keeps_every_rail(seed, daily, window, only_fall, appeal):
    """Reprice one showtime every hour for a week, as the job would, with random bookings."""
    rng = np.random.default_rng(seed)
    hours = 168
    capacity, base, d0 = 150, 1000, 100.0
    rails = GuardRails(
        category_base_minor=[[base, 1500]], floor_minor=[[850, 1300]], ceiling_minor=[[1250, 2000]],
        max_daily_change_bp=daily, no_rise_hours=window, only_fall=only_fall,
    )  # fmt: skip
    path, sold, last_change = [10000], 0, 1e6  # path[0]: before sales open, seen by nobody
    for h in range(hours, 0, -1):
        recent = path[1:][-24:] or path[-1:]
        batch = ShowtimeBatch(
            [base], [capacity], [sold], [float(h)], [d0], [-0.8], [path[-1]], [last_change],
            [False], rails=rails, day_low_bp=[min(recent)], day_high_bp=[max(recent)],
            sales_open=[h < hours],
        )  # fmt: skip
        new = int(reprice(batch, POLICY).multiplier_bp[0])
        last_change = 0.0 if new != path[-1] else last_change + 60.0
        path.append(new)
        rate = appeal * d0 * (np.exp(-(h - 1) / 30) - np.exp(-h / 30))
        sold = min(capacity, sold + int(rng.poisson(rate * np.exp(-0.8 * (new / 10000 - 1)))))
    prices = np.asarray(path[1:])
    assert (price_at_bp(base, prices) >= 850).all() and (price_at_bp(base, prices) <= 1250).all()
    assert (price_at_bp(1500, prices) >= 1300).all()
    for start in range(1, len(path)):
        window_prices = path[start : start + 25]  # the value at `start` is in force 24 h on
        assert max(window_prices) - min(window_prices) <= daily
    late = [p for h, p in zip(range(hours, 0, -1), path[1:], strict=True) if h < window]
    assert all(b <= a for a, b in zip(late, late[1:], strict=False))
    if only_fall:
        assert all(b <= a for a, b in zip(path[1:], path[2:], strict=False))


def one(policy=JUMPY, rails=None, **columns):
    data = {
        "base_price_minor": [1000], "capacity": [200], "sold": [0], "hours_to_show": [48.0],
        "baseline_demand": [50.0], "elasticity": [-0.6], "current_bp": [10000],
        "minutes_since_change": [1e6], "frozen": [False],
    }  # fmt: skip
    data.update(columns)
    return reprice(ShowtimeBatch(**data, rails=rails), policy)


def rails_for(floor=0, ceiling=NO_CEILING, **settings_):
    return GuardRails(category_base_minor=[[1000]], floor_minor=[[floor]], ceiling_minor=[[ceiling]],
                      **settings_)  # fmt: skip


def test_the_trace_names_the_rail_that_held_a_price():
    # eps -0.6 wants x1.30; each rail in turn stops it and is named.
    ceiling = one(rails=rails_for(ceiling=1180))
    assert ceiling.multiplier_bp[0] == 11800 and Reason.CEILING in ceiling.reasons_for(0)
    daily = one(rails=rails_for(max_daily_change_bp=1500), day_low_bp=[10000], day_high_bp=[10000])
    assert daily.multiplier_bp[0] == 11500 and Reason.DAILY_LIMIT in daily.reasons_for(0)
    window = one(rails=rails_for(no_rise_hours=6.0), hours_to_show=[5.0])
    assert window.multiplier_bp[0] == 10000
    assert window.reasons_for(0) == Reason.NO_RISE_WINDOW
    falling = one(rails=rails_for(only_fall=True))
    assert falling.reasons_for(0) == Reason.ONLY_FALL
    opening = one(rails=rails_for(only_fall=True), sales_open=[False])
    assert opening.multiplier_bp[0] == 13000 and opening.changed[0]
    # eps -1.4 wants x0.80: the floor stops it.
    floor = one(rails=rails_for(floor=930), elasticity=[-1.4])
    assert floor.multiplier_bp[0] == 9300 and Reason.FLOOR in floor.reasons_for(0)


def test_the_opening_price_is_bounded_by_floor_and_ceiling_only():
    rails = rails_for(ceiling=1260, max_daily_change_bp=500, no_rise_hours=200.0, only_fall=True)
    opening = one(POLICY, rails, minutes_since_change=[0.0], sales_open=[False])
    assert opening.multiplier_bp[0] == 12600 and Reason.CEILING in opening.reasons_for(0)
    seen = one(POLICY, rails, minutes_since_change=[1e6], sales_open=[True])
    assert seen.multiplier_bp[0] == 10000 and Reason.ONLY_FALL in seen.reasons_for(0)


def test_a_price_outside_a_new_floor_moves_in_at_once_despite_the_rate_limit():
    result = one(POLICY, rails_for(floor=1100), elasticity=[-1.4], minutes_since_change=[5.0])
    assert result.multiplier_bp[0] == 11000 and result.changed[0]
    assert result.why(0).code == "floor"
    frozen = one(POLICY, rails_for(floor=1100), frozen=[True])
    assert frozen.multiplier_bp[0] == 10000  # a manager's freeze is never overridden


def test_contradicting_floor_and_ceiling_favour_the_floor_and_say_so():
    rails = GuardRails(category_base_minor=[[1000, 2000]], floor_minor=[[1200, 0]],
                       ceiling_minor=[[NO_CEILING, 2100]])  # fmt: skip
    result = one(rails=rails, elasticity=[-1.4])
    assert result.multiplier_bp[0] == 12000
    assert Reason.RAIL_CONFLICT in result.reasons_for(0)


def test_rail_bounds_are_quantised_so_storage_keeps_them():
    result = one(rails=rails_for(ceiling=1234))  # x1.234 exactly; x1.2345 would round above
    assert result.multiplier_bp[0] == 12340
    assert price_at_bp(1000, result.multiplier_bp)[0] == 1234
    result = one(rails=GuardRails(category_base_minor=[[999]], floor_minor=[[0]], ceiling_minor=[[1234]]))
    assert result.multiplier_bp[0] % 10 == 0 and price_at_bp(999, result.multiplier_bp)[0] <= 1234


@pytest.mark.parametrize(
    "rails",
    [
        GuardRails(category_base_minor=[[1000]], floor_minor=[[900]], ceiling_minor=[[800]]),
        GuardRails(category_base_minor=[[1000]], floor_minor=None, ceiling_minor=[[800]]),
        GuardRails(category_base_minor=[[10.0]], floor_minor=[[0]], ceiling_minor=[[800]]),
        GuardRails(category_base_minor=[1000], floor_minor=[0], ceiling_minor=[800]),
        GuardRails(max_daily_change_bp=0),
        GuardRails(max_daily_change_bp=[500, 500]),
        GuardRails(no_rise_hours=-1.0),
        GuardRails(only_fall=1),
    ],
)
def test_bad_rails_are_rejected(rails):
    with pytest.raises(PricingInputError):
        one(rails=rails)


def test_history_must_contain_the_current_value():
    with pytest.raises(PricingInputError):
        one(rails=rails_for(), day_low_bp=[10500], day_high_bp=[11000])
