"""A floor and a ceiling, as the engine checks them, hold for the price a quote actually charges."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.pricing.price_bounds import (
    FULL_PRICE,
    MAX_STORED_BP,
    categories_out_of_bounds,
    engine_bounds,
    par_prices,
    scaled_par,
)
from pricing_engine import NO_CEILING, ShowtimeContext, Tariff
from pricing_engine.rails import price_band_bp
from pricing_engine.rounding import round_to_step

FACTORS = [Decimal(f) for f in ("1", "0.85", "0.75", "0.7", "1.2", "1.4", "1.5", "0.9", "1.15")]


def quoted(par: Decimal, bp: int, step: int) -> int:
    """What a quote charges at multiplier ``bp``: the exact product rounded once (pricing_engine.quote)."""
    return round_to_step(par * Decimal(bp).scaleb(-4), step)


@settings(max_examples=400, deadline=None)
@given(base=st.integers(1, 5000), factors=st.lists(st.sampled_from(FACTORS), max_size=3),
       floor=st.integers(0, 8000), width=st.integers(1, 4000), step=st.sampled_from([1, 5, 10, 50]),
       ceiling_set=st.booleans(), picks=st.lists(st.floats(0, 1), min_size=1, max_size=5))
def test_every_multiplier_the_engine_allows_quotes_within_floor_and_ceiling(
        base, factors, floor, width, step, ceiling_set, picks):
    par = Decimal(base)
    for factor in factors:
        par *= factor
    ceiling = floor + width if ceiling_set else NO_CEILING
    assume(par * Decimal("9.9") > floor + step)  # a floor the stored multiplier can reach
    b, f, c = engine_bounds([[scaled_par(par)]], [[floor]], [[ceiling]], step)
    low, high = (int(v[0]) for v in price_band_bp(b, f, c))
    high = min(high, MAX_STORED_BP)
    assume(0 < low <= high)  # else floors and ceilings contradict each other (the engine flags it)
    for pick in picks:
        price = quoted(par, low + round(pick * (high - low)), step)
        assert floor <= price <= ceiling, (par, price, floor, ceiling)


@settings(max_examples=300, deadline=None)
@given(base=st.integers(100, 5000), factor=st.sampled_from(FACTORS), floor=st.integers(1, 6000),
       width=st.integers(50, 4000), bp=st.integers(1000, 30000))
def test_a_price_well_inside_the_bounds_is_allowed(base, factor, floor, width, bp):
    """The bounds are pulled inwards by a hair only: not by a whole minor unit."""
    par = Decimal(base) * factor
    ceiling = floor + width
    exact = par * Decimal(bp).scaleb(-4)
    if not floor + Decimal("0.5") <= exact <= ceiling - Decimal("0.5"):
        return
    assert categories_out_of_bounds({"standard": par}, {"standard": (floor, ceiling)}, bp) == []


def test_unbounded_or_absent_categories_leave_the_band_open():
    base, floor, ceiling = engine_bounds([[0, 1000_000]], [[900, 0]], [[1100, NO_CEILING]])
    assert base.tolist() == [[0, 1000_000]] and floor.tolist() == [[0, 0]]
    assert ceiling.tolist() == [[NO_CEILING, NO_CEILING]]
    low, high = price_band_bp(base, floor, ceiling)
    assert low.tolist() == [0] and high.tolist() == [100_000]


def test_the_freeze_check_names_the_categories_outside():
    pars = {"standard": Decimal("1062.5"), "premium": Decimal("1400")}
    limits = {"standard": (1000, NO_CEILING), "premium": (0, 1500)}
    assert categories_out_of_bounds(pars, limits, 10_000) == []
    assert categories_out_of_bounds(pars, limits, 9400) == ["standard"]  # 998.75 -> 999
    assert categories_out_of_bounds(pars, limits, 9420) == []  # 1000.875 -> 1001
    assert categories_out_of_bounds(pars, limits, 10_720) == ["premium"]  # 1500.8 -> 1501
    assert categories_out_of_bounds(pars, limits, 10_710) == []  # 1499.4 -> 1499


def test_par_prices_are_the_quotes_product_before_the_dynamic_step():
    tariff = Tariff(cinema_id="1", currency="GBP", tax_rate=Decimal("0.2"),
                    ticket_types=(FULL_PRICE,),
                    format_surcharges={"2D": Decimal("1"), "IMAX": Decimal("1.4")})
    context = ShowtimeContext(showtime_id="1", movie_id="1", start_local=datetime(2030, 1, 8, 19, 0),
                              format="IMAX", dynamic_multiplier=Decimal("1.3"))
    pars = par_prices(tariff, context, {"standard": 1250, "premium": 1400})
    assert pars == {"standard": Decimal("1750.0"), "premium": Decimal("1960.0")}
    assert par_prices(tariff, context, {}) == {}
    assert np.isclose(float(pars["standard"]), 1250 * 1.4)

