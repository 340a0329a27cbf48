"""Solver against exhaustive enumeration on small instances with every kind of rule."""

from __future__ import annotations

import functools
import itertools
from datetime import date, timedelta

import numpy as np
import pytest

from optimizer import (
    DistributorTerms,
    Instance,
    Movie,
    OpeningHours,
    Rules,
    Screen,
    Show,
    attendance,
    solve,
    violations,
)
from optimizer.model import occupancy_minutes, show_format

START = date(2025, 3, 7)


def _instance(scale: float, extra: float) -> Instance:
    """Two screens, three films: a family film with a cut-off, a 3D-only epic that needs a
    big room, and a drama with a distributor minimum; demand peaks at different hours."""
    peaks = {"kids": (15 * 60, 110.0), "epic": (19 * 60, 160.0), "drama": (17 * 60, 90.0)}

    def forecast(movie_id: str, day: int, minutes: np.ndarray) -> np.ndarray:
        centre, height = peaks[movie_id]
        return scale * height * np.exp(-(((np.asarray(minutes) - centre) / 200.0) ** 2))

    released = START - timedelta(days=2)
    movies = (
        Movie(id="kids", runtime=80, trailer_minutes=10, formats=frozenset({"2D"}), rating="G",
              release_date=released, price_minor=800, priority=1.2),
        Movie(id="epic", runtime=150, trailer_minutes=15, formats=frozenset({"3D"}),
              rating="PG-13", release_date=released, price_minor=1300,
              terms=DistributorTerms(min_screen_capacity=100)),
        Movie(id="drama", runtime=100, trailer_minutes=10, formats=frozenset({"2D"}), rating="R",
              release_date=released, price_minor=1000,
              terms=DistributorTerms(min_per_day=1, max_per_day=2)),
    )
    screens = (
        Screen(id="big", capacity=120, formats=frozenset({"2D", "3D"}), cleaning_minutes=20),
        Screen(id="small", capacity=70, formats=frozenset({"2D"}), cleaning_minutes=15),
    )
    rules = Rules(grid_minutes=60, family_last_start=16 * 60, stagger_max_starts=1,
                  stagger_window_minutes=10, max_overrun_minutes=60, audience_extra=extra,
                  max_shows_per_window=2)
    return Instance(start_date=START, screens=screens, movies=movies,
                    hours=(OpeningHours(12 * 60, 20 * 60),), forecast=forecast, rules=rules)


def _sequences(instance: Instance, screen: Screen) -> list[list[Show]]:
    """Every sequence of grid shows on one screen that breaks no rule on its own."""
    hours, grid = instance.hours[0], instance.rules.grid_minutes
    starts = list(range(hours.open, hours.close, grid))
    films = [(m, show_format(m, screen)) for m in instance.movies if show_format(m, screen)]
    out: list[list[Show]] = []

    def extend(seq: list[Show], free_from: int) -> None:
        out.append(seq)
        for t in starts:
            if t < free_from:
                continue
            for movie, fmt in films:
                show = Show(movie_id=movie.id, screen_id=screen.id, day=0, start=t,
                            format=str(fmt))
                extend([*seq, show], t + occupancy_minutes(movie, screen))

    extend([], 0)
    return [seq for seq in out if not violations(instance, seq, complete=False)]


@functools.cache
def _brute_force(scale: float, extra: float) -> float:
    """Best objective over every valid schedule of ``_instance(scale, extra)``."""
    instance = _instance(scale, extra)
    weight = {m.id: m.priority * m.price_minor for m in instance.movies}
    best = -1.0
    for combo in itertools.product(*(_sequences(instance, s) for s in instance.screens)):
        shows = [show for seq in combo for show in seq]
        if violations(instance, shows):
            continue
        value = float(attendance(instance, shows) @ np.array([weight[s.movie_id] for s in shows]))
        best = max(best, value)
    return best


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize(("scale", "extra"), [(1.0, 0.3), (2.5, 0.1)])
def test_solver_finds_and_proves_the_enumerated_optimum(solver: str, scale: float,
                                                        extra: float) -> None:
    instance = _instance(scale, extra)
    result = solve(instance, solver=solver, time_limit=30, rel_gap=0.0)
    best = _brute_force(scale, extra)
    assert result.status == "optimal", result.message
    assert violations(instance, result.shows) == []
    assert result.objective == pytest.approx(best, rel=1e-6)
    assert result.bound == pytest.approx(best, abs=1.0)  # rounded up to a whole cent
    assert result.gap == pytest.approx(0.0, abs=1e-6)


def test_the_bound_is_never_below_the_enumerated_optimum_when_time_is_short() -> None:
    instance = _instance(1.0, 0.3)
    best = _brute_force(1.0, 0.3)
    result = solve(instance, time_limit=0.5)
    assert result.bound is not None and result.bound >= best * (1 - 1e-9)
    assert result.objective <= best * (1 + 1e-9)
