"""Audience sharing: the left-to-right allocation is the LP optimum, money rounds exactly."""

from __future__ import annotations

from datetime import date

import numpy as np
import pulp
import pytest

from optimizer import Instance, Movie, OpeningHours, Rules, Screen, Show, attendance
from optimizer.audience import day_grid, split_rounded, window_peaks

HOURS = OpeningHours(open=10 * 60, close=23 * 60)


def _instance(rules: Rules, seed: int) -> Instance:
    rng = np.random.default_rng(seed)
    bases = {"A": 300.0, "B": 120.0}
    wiggle = rng.uniform(0.5, 1.5, size=40)

    def forecast(movie_id: str, day: int, minutes: np.ndarray) -> np.ndarray:
        hour = np.asarray(minutes) // 60
        return bases[movie_id] * wiggle[hour % 40] * (0.5 + 0.5 * (hour >= 18))

    screens = tuple(Screen(id=f"S{i}", capacity=int(c), formats=frozenset({"2D"}),
                           cleaning_minutes=15)
                    for i, c in enumerate(rng.integers(40, 400, size=6)))
    movies = tuple(Movie(id=m, runtime=90, trailer_minutes=15, formats=frozenset({"2D"}),
                         rating="PG-13", release_date=date(2025, 1, 1), price_minor=1000)
                   for m in bases)
    return Instance(start_date=date(2025, 3, 7), screens=screens, movies=movies,
                    hours=(HOURS,), forecast=forecast, rules=rules)


def _lp_attendance(instance: Instance, shows: list[Show]) -> float:
    """Total attendance by an explicit LP of the sharing model (one y per show)."""
    rules = instance.rules
    prob = pulp.LpProblem("share", pulp.LpMaximize)
    capacity = {s.id: s.capacity for s in instance.screens}
    y = []
    for i, s in enumerate(shows):
        demand = float(instance.forecast(s.movie_id, 0, np.array([s.start]))[0])
        y.append(pulp.LpVariable(f"y{i}", 0, min(capacity[s.screen_id], demand)))
    prob += pulp.lpSum(y)
    n_win = rules.audience_window_minutes // rules.audience_bucket_minutes
    grid = day_grid(HOURS, rules.grid_minutes)
    for movie in {s.movie_id for s in shows}:
        j0, peaks = window_peaks(grid, instance.forecast(movie, 0, grid), HOURS, rules)
        for w, peak in enumerate(peaks):
            j = j0 + w
            members = [i for i, s in enumerate(shows) if s.movie_id == movie
                       and j <= s.start // rules.audience_bucket_minutes < j + n_win]
            if members:
                pool = peak * (1 + rules.audience_extra * (len(members) - 1))
                prob += pulp.lpSum(y[i] for i in members) <= pool
    prob.solve(pulp.PULP_CBC_CMD(msg=False))
    return float(pulp.value(prob.objective))


@pytest.mark.parametrize("bucket", [120, 30])
@pytest.mark.parametrize("seed", range(6))
def test_allocation_matches_the_lp_optimum(bucket: int, seed: int) -> None:
    rules = Rules(grid_minutes=5, audience_bucket_minutes=bucket, audience_window_minutes=120)
    instance = _instance(rules, seed)
    rng = np.random.default_rng(100 + seed)
    shows = [Show(movie_id=str(rng.choice(["A", "B"])), screen_id=f"S{rng.integers(6)}", day=0,
                  start=int(rng.integers(120, 270)) * 5, format="2D")
             for _ in range(int(rng.integers(3, 12)))]
    got = attendance(instance, shows)
    assert got.sum() == pytest.approx(_lp_attendance(instance, shows), rel=1e-7, abs=1e-6)
    caps = [min(s.capacity, 10**9) for s in instance.screens]
    assert np.all(got >= 0) and np.all(got <= max(caps) + 1e-9)


def test_a_second_show_nearby_adds_only_the_extra_share() -> None:
    rules = Rules(audience_extra=0.25)
    instance = _instance(rules, 0)
    one = [Show("A", "S0", 0, 19 * 60, "2D")]
    two = one + [Show("A", "S1", 0, 19 * 60 + 30, "2D")]
    alone = attendance(instance, one).sum()
    together = attendance(instance, two).sum()
    assert together <= alone * 1.25 * 1.5 + 1e-9  # peak can exceed a lone show by the wiggle
    assert together >= alone


def test_split_rounded_keeps_the_total() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        values = rng.uniform(0, 5000, size=int(rng.integers(1, 30)))
        parts = split_rounded(values)
        assert sum(parts) == round(float(values.sum()))
        assert all(isinstance(p, int) for p in parts)
        assert np.all(np.abs(np.array(parts) - values) < 1.0)
