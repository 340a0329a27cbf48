"""The optimiser against a compact time-indexed MIP written here from the rules alone.

The MIP shares no code with the optimiser but the instance records: one binary per
(screen, film, day, grid start) that the per-show rules allow, one attendance variable per
show, and every linking rule written out directly (a screen runs one show at a time,
audience pools per sharing window, crowding, distributor counts, staggering over the whole
horizon). HiGHS solves it to optimality on small instances; the optimiser must reach
exactly its revenue and its bound must never be below it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pulp
import pytest

from optimizer import (
    DistributorTerms,
    Instance,
    OpeningHours,
    Rules,
    generate_instance,
    solve,
    violations,
)

DAY = 24 * 60


def _deadline(instance: Instance, day: int) -> int:
    """Latest end of a feature: closing plus overrun, running on through days that open
    the minute the previous one closes."""
    hours, close = instance.hours, instance.hours[day].close
    d = day
    while (d + 1 < len(hours) and hours[d + 1].close > hours[d + 1].open
           and (d + 1 - day) * DAY + hours[d + 1].open == close):
        d += 1
        close = (d - day) * DAY + hours[d].close
    return close + instance.rules.max_overrun_minutes


def _starts(instance: Instance, day: int) -> list[int]:
    hours, grid = instance.hours[day], instance.rules.grid_minutes
    return list(range(-(-hours.open // grid) * grid, hours.close, grid))


def compact_optimum(instance: Instance, time_limit: float = 60.0) -> float:
    """Best priority-weighted revenue over every valid schedule (no fixed shows)."""
    rules, inst = instance.rules, instance
    bucket, window = rules.audience_bucket_minutes, rules.audience_window_minutes // \
        rules.audience_bucket_minutes
    prob = pulp.LpProblem("compact", pulp.LpMaximize)
    shows = []  # (screen, movie, day, start, end of occupation in horizon minutes, x, y)
    for screen in inst.screens:
        for movie in inst.movies:
            common = movie.formats & screen.formats
            if not common or screen.capacity < movie.terms.min_screen_capacity:
                continue
            for day in range(inst.days):
                if inst.start_date + timedelta(days=day) < movie.release_date:
                    continue
                for t in _starts(inst, day):
                    if movie.rating in rules.family_ratings and t > rules.family_last_start:
                        continue
                    if t + movie.trailer_minutes + movie.runtime > _deadline(inst, day):
                        continue
                    begin = day * DAY + t
                    end = begin + movie.trailer_minutes + movie.runtime + \
                        screen.cleaning_minutes
                    if any(begin < b and a < end for a, b in screen.closures):
                        continue
                    cap = min(screen.capacity,
                              float(inst.forecast(movie.id, day, np.array([t]))[0]))
                    x = pulp.LpVariable(f"x{len(shows)}", cat=pulp.LpBinary)
                    y = pulp.LpVariable(f"y{len(shows)}", 0, cap)
                    prob += y <= cap * x
                    shows.append((screen, movie, day, t, begin, end, x, y))
    prob += pulp.lpSum(m.priority * m.price_minor * y for _, m, _, _, _, _, _, y in shows)
    # One show at a time per screen: at every start, at most one show running.
    for screen in inst.screens:
        mine = [s for s in shows if s[0] is screen]
        for _, _, _, _, at, _, _, _ in mine:
            running = [x for _, _, _, _, b, e, x, _ in mine if b <= at < e]
            if len(running) > 1:
                prob += pulp.lpSum(running) <= 1
    # Audience pools and crowding per film, day and sharing window.
    for movie in inst.movies:
        for day in range(inst.days):
            hours, grid = inst.hours[day], np.array(_starts(inst, day))
            if not len(grid):
                continue
            first, last = hours.open // bucket, (hours.close - 1) // bucket
            demand = inst.forecast(movie.id, day, grid)
            of_bucket = np.clip(grid // bucket, first, last)
            mine = [s for s in shows if s[1] is movie and s[2] == day]
            for j in range(first - window + 1, last + 1):
                inside = (of_bucket >= j) & (of_bucket < j + window)
                if not inside.any():
                    continue
                peak = float(demand[inside].max())
                members = [s for s in mine if j <= min(max(s[3] // bucket, first), last)
                           < j + window]
                if not members:
                    continue
                n = pulp.lpSum(s[6] for s in members)
                prob += pulp.lpSum(s[7] for s in members) <= peak * (1 - rules.audience_extra) \
                    + rules.audience_extra * peak * n
                prob += n <= rules.max_shows_per_window
    # Distributor counts.
    for movie in inst.movies:
        terms = movie.terms
        per_day = {d: [s[6] for s in shows if s[1] is movie and s[2] == d]
                   for d in range(inst.days)}
        for d, xs in per_day.items():
            out = inst.start_date + timedelta(days=d) >= movie.release_date
            if terms.max_per_day is not None:
                prob += pulp.lpSum(xs) <= terms.max_per_day
            if out and terms.min_per_day:
                prob += pulp.lpSum(xs) >= terms.min_per_day
        for w in range(0, inst.days, 7):
            week = range(w, min(w + 7, inst.days))
            xs = [x for d in week for x in per_day[d]]
            if terms.max_per_week is not None:
                prob += pulp.lpSum(xs) <= terms.max_per_week
            if (terms.min_per_week and len(week) == 7
                    and inst.start_date + timedelta(days=w) >= movie.release_date):
                prob += pulp.lpSum(xs) >= terms.min_per_week
    # Staggering over the whole horizon.
    by_start = defaultdict(list)
    for s in shows:
        by_start[s[4]].append(s[6])
    for a in sorted(by_start):
        inside = [x for b, xs in by_start.items() if a <= b < a + rules.stagger_window_minutes
                  for x in xs]
        if len(inside) > rules.stagger_max_starts:
            prob += pulp.lpSum(inside) <= rules.stagger_max_starts
    prob.solve(pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=0.0))
    assert prob.status == pulp.LpStatusOptimal and prob.sol_status == pulp.LpSolutionOptimal
    return float(pulp.value(prob.objective))


def _small(seed: int) -> Instance:
    """Two or three screens, three or four films, half a day on a 30-minute grid, every
    kind of rule drawn at random (a dozen or more shows to place)."""
    rng = np.random.default_rng(seed)
    screens, movies = int(rng.integers(2, 4)), int(rng.integers(3, 5))
    rules = Rules(grid_minutes=30, stagger_max_starts=int(rng.integers(1, 3)),
                  stagger_window_minutes=int(rng.choice([10, 30, 60])),
                  audience_extra=float(rng.choice([0.1, 0.3])),
                  max_shows_per_window=int(rng.integers(1, 3)),
                  family_last_start=int(rng.choice([17, 20])) * 60)
    base = generate_instance(screens, 1, movies, seed, rules=rules)
    hours = OpeningHours(int(rng.choice([12, 14])) * 60, int(rng.choice([23, 24])) * 60)
    return replace(base, hours=(hours,))


@pytest.mark.parametrize("seed", [2, 3, 110])
def test_the_optimiser_reaches_the_compact_optimum_exactly(seed: int) -> None:
    """Instances whose LP relaxation is 1.5-4.5 % above the optimum: branching must close
    the gap, and the schedule must be the compact MIP's optimum."""
    instance = _small(seed)
    best = compact_optimum(instance)
    result = solve(instance, time_limit=10, rel_gap=0.0)
    assert result.status == "optimal"
    assert violations(instance, result.shows) == []
    assert result.objective == pytest.approx(best, rel=1e-6)
    assert result.bound == pytest.approx(best, abs=1.0)  # rounded up to a whole cent
    assert result.lp_bound > best * 1.01


def test_across_midnight_the_optimiser_reaches_the_compact_optimum() -> None:
    """Round the clock for two days: shows across midnight, linked screen-days, staggering
    across the day boundary."""
    base = generate_instance(1, 2, 2, seed=7, rules=Rules(grid_minutes=60,
                                                         stagger_window_minutes=60))
    film = replace(base.movies[0], terms=DistributorTerms(max_per_day=5))
    instance = replace(base, movies=(film, base.movies[1]),
                       hours=(OpeningHours(0, DAY),) * 2)
    best = compact_optimum(instance)
    result = solve(instance, time_limit=10, rel_gap=0.0)
    assert result.status == "optimal"
    assert violations(instance, result.shows) == []
    assert result.objective == pytest.approx(best, rel=1e-6)


@pytest.mark.parametrize("seed", range(12))
def test_the_bound_never_falls_below_the_compact_optimum(seed: int) -> None:
    instance = _small(100 + seed)
    best = compact_optimum(instance)
    result = solve(instance, time_limit=1.0)
    assert result.bound is not None and result.bound >= best * (1 - 1e-9)
    assert result.objective <= best * (1 + 1e-9)
