"""Every rule holds on schedules of generated instances, fixed showtimes included."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer import (
    FixedShow,
    Instance,
    Rules,
    Show,
    generate_instance,
    greedy,
    solve,
    violations,
)


def _with_fixed(instance: Instance, count: int, seed: int) -> Instance:
    """Fix ``count`` shows of the greedy schedule (a valid schedule exists around them),
    nudging the first one off the grid when that keeps it valid."""
    shows = list(greedy(instance).shows)
    rng = np.random.default_rng(seed)
    picked = [shows[i] for i in rng.permutation(len(shows))[:count]]
    fixed = [FixedShow(s.movie_id, s.screen_id, s.day, s.start, s.format) for s in picked]
    if fixed:
        nudged = replace(fixed[0], start=fixed[0].start + 2)
        trial = replace(instance, fixed=(nudged, *fixed[1:]))
        if not violations(trial, [_as_show(trial, f) for f in trial.fixed], complete=False):
            fixed[0] = nudged
    return replace(instance, fixed=tuple(fixed))


def _as_show(instance: Instance, f: FixedShow) -> Show:
    return Show(movie_id=f.movie_id, screen_id=f.screen_id, day=f.day, start=f.start,
                format=str(f.format))


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(screens=st.integers(1, 3), days=st.integers(1, 2), movies=st.integers(2, 4),
       grid=st.sampled_from([15, 30]), fixed=st.integers(0, 3), seed=st.integers(0, 10**6))
def test_solver_and_greedy_schedules_respect_every_rule(screens: int, days: int, movies: int,
                                                         grid: int, fixed: int,
                                                         seed: int) -> None:
    base = generate_instance(screens, days, movies, seed, rules=Rules(grid_minutes=grid))
    instance = _with_fixed(base, fixed, seed)

    baseline = greedy(instance)
    if baseline.feasible:
        assert violations(instance, baseline.shows) == []
    else:
        assert violations(instance, baseline.shows, complete=False) == []

    result = solve(instance, time_limit=1.0)
    assert result.status in ("optimal", "feasible"), result.message
    assert violations(instance, result.shows) == []
    kept = {(s.movie_id, s.screen_id, s.day, s.start) for s in result.shows if s.fixed}
    assert kept == {(f.movie_id, f.screen_id, f.day, f.start) for f in instance.fixed}
    assert result.bound is not None and result.bound >= result.objective * (1 - 1e-9)
    assert result.revenue_minor == sum(s.expected_revenue_minor for s in result.shows)
    if baseline.feasible:
        assert result.objective >= baseline.objective * (1 - 1e-9)
