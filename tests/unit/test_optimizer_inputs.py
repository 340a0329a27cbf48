"""Any history, any data: the demand fit falls back to the prior, and data the optimiser
cannot use is a status "invalid" with a message naming the film and date, never an
exception."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from optimizer import (
    DistributorTerms,
    ProfileForecast,
    fit_profile,
    generate_instance,
    instance_problems,
    prior_profile,
    solve,
    violations,
)

LIMIT = 2.0  # seconds: these instances are tiny


def _history(n: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 6, n), rng.integers(0, 7, n), rng.integers(10, 24, n),
            rng.integers(0, 80, n).astype(float), rng.integers(60, 200, n).astype(float))


def _assert_prior(profile) -> None:
    prior = prior_profile()
    assert profile.level == pytest.approx(prior.level)
    for name in ("age", "weekday", "hour"):
        np.testing.assert_allclose(getattr(profile, name), getattr(prior, name))


def test_a_history_where_nothing_sold_gives_the_prior_not_nan() -> None:
    age, weekday, hour, _, capacity = _history(300)
    fitted = fit_profile(age, weekday, hour, np.zeros(300), capacity)
    _assert_prior(fitted)


def test_unreadable_past_shows_are_left_out() -> None:
    age, weekday, hour, sold, capacity = _history(400, seed=1)
    clean = fit_profile(age, weekday, hour, sold, capacity)
    junk_sold = np.array([np.nan, -3.0, np.inf, 10.0, 10.0])
    junk_capacity = np.array([100.0, 100.0, 100.0, 0.0, np.nan])
    fitted = fit_profile(np.r_[age, np.zeros(5, int)], np.r_[weekday, np.zeros(5, int)],
                         np.r_[hour, np.full(5, 20)], np.r_[sold, junk_sold],
                         np.r_[capacity, junk_capacity])
    assert fitted.level == pytest.approx(clean.level)
    np.testing.assert_allclose(fitted.hour, clean.hour)
    only_junk = fit_profile(np.zeros(5, int), np.zeros(5, int), np.full(5, 20), junk_sold,
                            junk_capacity)
    _assert_prior(only_junk)


def test_films_never_seen_in_opening_week_keep_finite_positive_factors() -> None:
    age, weekday, hour, sold, capacity = _history(500, seed=2)
    old = age + 6  # only films six weeks old or more were ever shown
    fitted = fit_profile(old, weekday, hour, sold, capacity)
    for factors in (fitted.age, fitted.weekday, fitted.hour):
        assert np.all(np.isfinite(factors)) and np.all(factors > 0)
    assert np.isfinite(fitted.level) and fitted.level > 0


def test_a_schedule_comes_from_a_history_where_nothing_sold() -> None:
    """The demo's failure: a fit on unsold past shows fed straight into the solver."""
    base = generate_instance(2, 2, 3, seed=4)
    age, weekday, hour, _, capacity = _history(50)
    profile = fit_profile(age, weekday, hour, np.zeros(50), capacity)
    forecast = ProfileForecast(profile, base.start_date,
                               {m.id: m.release_date for m in base.movies},
                               {m.id: profile.level * 150 for m in base.movies})
    instance = replace(base, forecast=forecast)
    result = solve(instance, time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert result.shows and violations(instance, result.shows) == []


@pytest.mark.parametrize(("values", "shown"), [
    (np.nan, "nan at 09:30"), (np.inf, "inf at 09:30"), (-5.0, "-5 at 09:30")])
def test_forecasts_that_are_not_visitor_numbers_are_invalid(values: float, shown: str) -> None:
    base = generate_instance(2, 2, 3, seed=1)
    film = replace(base.movies[1], title="Dune")

    def forecast(movie_id: str, day: int, minutes: np.ndarray) -> np.ndarray:
        out = base.forecast(movie_id, day, minutes)
        return np.full(len(minutes), values) if (movie_id, day) == (film.id, 1) else out

    instance = replace(base, movies=(base.movies[0], film, *base.movies[2:]), forecast=forecast)
    result = solve(instance, time_limit=LIMIT)
    assert result.status == "invalid" and result.shows == ()
    assert '"Dune" on Sat 8 Mar 2025' in result.message and shown in result.message
    assert instance_problems(instance) == [result.message]


def test_a_forecast_of_the_wrong_length_is_invalid() -> None:
    base = generate_instance(1, 1, 2, seed=1)
    result = solve(replace(base, forecast=lambda m, d, t: np.ones(3)), time_limit=LIMIT)
    assert result.status == "invalid" and "gave 3 values" in result.message


@pytest.mark.parametrize(("field", "message"), [
    ("movies", "there are no films to schedule"),
    ("screens", "there are no screens to schedule"),
    ("hours", "the period to schedule has no days"),
])
def test_nothing_to_schedule_is_invalid(field: str, message: str) -> None:
    instance = replace(generate_instance(2, 2, 3, seed=1), **{field: ()})
    result = solve(instance, time_limit=LIMIT)
    assert (result.status, result.message) == ("invalid", message)
    assert instance_problems(instance) == [message]


def test_contradictory_terms_and_impossible_data_are_invalid_and_named() -> None:
    base = generate_instance(2, 1, 3, seed=1)
    films = (replace(base.movies[0], title="Heat",
                     terms=DistributorTerms(min_per_day=5, max_per_day=3)),
             replace(base.movies[1], runtime=0), *base.movies[2:])
    screens = (replace(base.screens[0], name="Hall 1", capacity=0), *base.screens[1:])
    result = solve(replace(base, movies=films, screens=screens), time_limit=LIMIT)
    assert result.status == "invalid"
    assert ('"Heat": the distributor\'s daily minimum (5) is above its daily maximum (3)'
            in result.message)
    assert f"film {films[1].id}: the runtime must be positive" in result.message
    assert "Hall 1 has no seats" in result.message
