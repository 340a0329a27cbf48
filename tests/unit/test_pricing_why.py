"""Every price change says which signal moved it, as a code and a sentence."""

from __future__ import annotations

import numpy as np
import pytest

from pricing_engine import NO_CEILING, Driver, GuardRails, RepricePolicy, ShowtimeBatch, reprice

# The booking curve taken as exact, so small cases show each signal plainly.
FREE = RepricePolicy(max_step_bp=5000, min_gain_fraction=0.0, booking_curve_sigma=0.0)


def change(policy=FREE, **columns):
    n = len(columns.get("sold", [0]))
    data = {
        "base_price_minor": [1000] * n, "capacity": [200] * n, "sold": [0] * n,
        "hours_to_show": [48.0] * n, "baseline_demand": [50.0] * n, "elasticity": [-1.0] * n,
        "current_bp": [10000] * n, "minutes_since_change": [1e6] * n, "frozen": [False] * n,
    }  # fmt: skip
    data.update(columns)
    result = reprice(ShowtimeBatch(**data), policy)
    assert result.changed[-1]
    return result.why(n - 1)


@pytest.mark.parametrize(
    ("columns", "code", "words"),
    [
        # A showtime's first pricing: nothing booked, the slot's forecast alone moves it.
        ({"elasticity": [-0.6], "hours_to_show": [160.0]}, "forecast", "demand forecast"),
        # 90 sold where the curve expected ~21: its own pace.
        ({"capacity": [150], "baseline_demand": [50.0], "sold": [90], "hours_to_show": [24.0]},
         "pace", "expected pace"),
        # On pace, but the seats left are few for the demand still to come.
        ({"capacity": [200], "baseline_demand": [300.0], "sold": [135], "hours_to_show": [24.0]},
         "occupancy", "seats sold"),
        # Priced up earlier; three hours out with most seats empty, it comes down.
        ({"current_bp": [12000], "sold": [45], "hours_to_show": [3.0]}, "time_to_show", "h to the show"),
    ],
)  # fmt: skip
def test_each_signal_is_named(columns, code, words):
    why = change(**columns)
    assert why.code == code and words in why.text


def test_a_film_whose_other_showtimes_sell_fast_is_credited_to_appeal():
    why = change(
        sold=[100, 100, 100, 0], capacity=[120] * 4, hours_to_show=[20.0, 20.0, 20.0, 150.0],
        baseline_demand=[60.0] * 4, film=[0, 0, 0, 0],
    )  # fmt: skip
    assert why.code == "appeal" and "across its showtimes" in why.text


def test_the_sentence_quotes_the_move_and_the_rail_that_held_it():
    rails = GuardRails(category_base_minor=[[1000]], floor_minor=[[0]], ceiling_minor=[[NO_CEILING]],
                       max_daily_change_bp=700)  # fmt: skip
    why = change(rails=rails, elasticity=[-0.6], hours_to_show=[160.0])
    assert why.text.startswith("Raised x1.00 -> x1.07: the demand forecast")
    assert why.text.endswith("held at x1.07 by the largest change allowed per day.")


def test_unchanged_rows_have_no_driver_and_codes_are_stable():
    result = reprice(
        ShowtimeBatch([1000], [200], [0], [48.0], [50.0], [-1.0], [10000], [1e6], [False]), FREE
    )
    assert result.driver.tolist() == [0] and not result.changed[0]
    # Codes are stored in the price-change log: renaming one is a data migration.
    assert {d.code: int(d) for d in Driver} == {
        "none": 0, "forecast": 1, "pace": 2, "appeal": 3, "time_to_show": 4, "occupancy": 5,
        "floor": 6, "ceiling": 7, "grid": 8,
    }  # fmt: skip
    assert np.asarray(result.driver).dtype == np.uint8
