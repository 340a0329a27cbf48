"""Demand model: the fit follows plentiful data, keeps the prior without data; generator
and forecast behave."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from optimizer import DemandProfile, ProfileForecast, fit_profile, generate_instance, prior_profile
from optimizer.demand import MAX_AGE_WEEKS, _normal_hazard, expected_censored_demand

TRUE = DemandProfile(
    level=0.45,
    age=0.6 ** np.arange(MAX_AGE_WEEKS + 1),
    weekday=np.array([0.4, 0.5, 0.45, 0.6, 0.85, 1.0, 0.7]),
    hour=np.concatenate([np.full(10, 0.05), np.linspace(0.2, 1.0, 10), [0.8, 0.5, 0.3, 0.1]]),
)


def _bookings(n: int, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 8, n)
    weekday = rng.integers(0, 7, n)
    hour = rng.integers(10, 24, n)
    capacity = rng.integers(60, 451, n)
    occupancy = np.minimum(TRUE.occupancy(age, weekday, hour), 1.0)
    return age, weekday, hour, rng.binomial(capacity, occupancy), capacity


def test_without_data_the_prior_comes_back() -> None:
    empty = np.zeros(0, dtype=int)
    fitted = fit_profile(empty, empty, empty, empty, empty)
    prior = prior_profile()
    assert fitted.level == pytest.approx(prior.level)
    for name in ("age", "weekday", "hour"):
        np.testing.assert_allclose(getattr(fitted, name), getattr(prior, name))


def test_with_plenty_of_data_the_fit_recovers_the_pattern() -> None:
    age, weekday, hour, attendance, capacity = _bookings(200_000, seed=1)
    fitted = fit_profile(age, weekday, hour, attendance, capacity)
    a, w, h = np.meshgrid(np.arange(8), np.arange(7), np.arange(10, 24), indexing="ij")
    np.testing.assert_allclose(fitted.occupancy(a, w, h), TRUE.occupancy(a, w, h), rtol=0.05)
    np.testing.assert_allclose(fitted.age[:8], TRUE.age[:8], rtol=0.05)
    np.testing.assert_allclose(fitted.weekday, TRUE.weekday, rtol=0.05)


def test_sparse_cells_are_shrunk_toward_the_prior() -> None:
    age, weekday, hour, attendance, capacity = _bookings(200_000, seed=2)
    keep = (age != 5) | (np.arange(len(age)) % 2000 == 0)  # ~15 shows of 5-week-old films
    fitted = fit_profile(age[keep], weekday[keep], hour[keep], attendance[keep], capacity[keep],
                         strength=50.0)
    prior = prior_profile()
    low, high = sorted((TRUE.age[5], prior.age[5]))
    assert low * 0.9 <= fitted.age[5] <= high * 1.1
    assert abs(fitted.age[5] - TRUE.age[5]) > abs(fitted.age[4] - TRUE.age[4])


def test_forecast_is_zero_before_release_and_smooth_over_the_hour() -> None:
    start = date(2025, 3, 7)
    forecast = ProfileForecast(prior_profile(), start, {"m": start + timedelta(days=1)},
                               {"m": 200.0})
    assert forecast("m", 0, np.array([19 * 60])).tolist() == [0.0]
    minutes = np.arange(18 * 60, 21 * 60)
    curve = forecast("m", 1, minutes)
    assert np.all(curve > 0)
    assert np.max(np.abs(np.diff(curve))) < 0.01 * curve.max()


def test_generator_is_reproducible_and_realistic() -> None:
    one, two = generate_instance(14, 7, 18, seed=5), generate_instance(14, 7, 18, seed=5)
    assert one.screens == two.screens and one.movies == two.movies and one.hours == two.hours
    minutes = np.arange(600, 1440, 5)
    for movie in one.movies:
        np.testing.assert_array_equal(one.forecast(movie.id, 3, minutes),
                                      two.forecast(movie.id, 3, minutes))
    assert all(60 <= s.capacity <= 450 for s in one.screens)
    assert any("IMAX" in s.formats for s in one.screens)
    assert all(85 <= m.runtime <= 180 and 15 <= m.trailer_minutes <= 20 for m in one.movies)
    assert all(15 <= s.cleaning_minutes <= 25 for s in one.screens)
    assert any(m.rating in ("G", "PG") for m in one.movies)
    assert any(m.terms.min_per_day > 0 for m in one.movies)
    assert {h.close for h in one.hours} == {24 * 60, 25 * 60}


@pytest.mark.parametrize(("mean", "capacity"), [(100, 80), (100, 100), (100, 120), (300, 250), (40, 60)])
def test_expected_censored_demand_matches_a_poisson_simulation(mean: float, capacity: float) -> None:
    draws = np.random.default_rng(3).poisson(mean, 4_000_000)
    simulated = draws[draws >= capacity].mean()
    computed = expected_censored_demand(np.array([mean]), np.array([capacity]))[0]
    assert computed == pytest.approx(simulated, rel=0.01)
    assert computed >= capacity


def test_the_hazard_is_accurate_far_into_both_tails() -> None:
    z = np.array([-8.0, -1.0, 0.0, 1.5, 2.0, 2.5, 6.0, 40.0])
    exact = [math.exp(-v * v / 2) / math.sqrt(2 * math.pi) / (0.5 * math.erfc(v / math.sqrt(2)))
             if v < 30 else v + 1 / v for v in z]
    np.testing.assert_allclose(_normal_hazard(z), exact, rtol=1e-5)


def test_sold_out_shows_do_not_hide_how_big_a_hit_is() -> None:
    hit = replace(TRUE, level=1.4)  # peak demand 1.4 times the seats: the best slots sell out
    rng = np.random.default_rng(4)
    n = 120_000
    age, weekday, hour = rng.integers(0, 4, n), rng.integers(0, 7, n), rng.integers(12, 24, n)
    capacity = rng.integers(80, 301, n).astype(float)
    attendance = np.minimum(rng.poisson(capacity * hit.occupancy(age, weekday, hour)), capacity)
    saturday_evening = (weekday == 5) & (hour == 19) & (age == 0)
    assert np.mean(attendance[saturday_evening] >= capacity[saturday_evening]) > 0.99  # censored

    fitted = fit_profile(age, weekday, hour, attendance, capacity)
    assert fitted.level == pytest.approx(hit.level, rel=0.05)
    np.testing.assert_allclose(fitted.weekday, hit.weekday, rtol=0.06)
    observed_ceiling = attendance[saturday_evening].sum() / capacity[saturday_evening].sum()
    assert observed_ceiling <= 1.0 < fitted.occupancy(np.array([0]), np.array([5]), np.array([19]))[0]
