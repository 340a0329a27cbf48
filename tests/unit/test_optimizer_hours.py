"""Any opening hours: business days past midnight, cinemas open round the clock for a whole
week, shows across midnight; films that can never be shown and minimums that cannot be met
are named with their cause."""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer import (
    DistributorTerms,
    FixedShow,
    Instance,
    OpeningHours,
    Rules,
    generate_instance,
    greedy,
    solve,
    violations,
)

LIMIT = 2.0
ROUND_THE_CLOCK = OpeningHours(0, 24 * 60)


def _round_the_clock(days: int, rules: Rules | None = None) -> Instance:
    base = generate_instance(3, days, 5, seed=5, rules=rules or Rules(grid_minutes=30))
    return replace(base, hours=(ROUND_THE_CLOCK,) * days)


def _crosses_midnight(instance: Instance, show) -> bool:
    movie = next(m for m in instance.movies if m.id == show.movie_id)
    return show.start + movie.feature_minutes > 24 * 60


def test_a_cinema_open_round_the_clock_is_scheduled_for_a_whole_week() -> None:
    instance = _round_the_clock(7)
    baseline = greedy(instance)
    assert violations(instance, baseline.shows) == []
    result = solve(instance, time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert violations(instance, result.shows) == []
    assert result.revenue_minor >= baseline.revenue_minor
    assert any(_crosses_midnight(instance, s) for s in result.shows)
    assert {s.day for s in result.shows} == set(range(7))


def test_staggering_counts_starts_on_both_sides_of_midnight() -> None:
    instance = _round_the_clock(2, Rules(grid_minutes=30, stagger_max_starts=1,
                                         stagger_window_minutes=90))
    result = solve(instance, time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert violations(instance, result.shows) == []


def test_business_days_that_close_after_midnight() -> None:
    base = generate_instance(3, 3, 5, seed=8, rules=Rules(grid_minutes=15))
    late = OpeningHours(open=11 * 60, close=26 * 60)  # until 02:00
    early_next = OpeningHours(open=2 * 60 + 30, close=24 * 60)  # and again from 02:30
    instance = replace(base, hours=(late, early_next, late))
    result = solve(instance, time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert violations(instance, result.shows) == []
    assert any(s.start >= 24 * 60 for s in result.shows)


def test_a_kept_show_across_midnight_holds_its_screen_into_the_next_day() -> None:
    instance = _round_the_clock(2)
    movie, screen = instance.movies[0], instance.screens[0]
    kept = FixedShow(movie.id, screen.id, 0, 23 * 60 + 30)
    instance = replace(instance, fixed=(kept,))
    result = solve(instance, time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert violations(instance, result.shows) == []
    busy_until = 23 * 60 + 30 + movie.feature_minutes + screen.cleaning_minutes - 24 * 60
    assert all(s.start >= busy_until for s in result.shows
               if s.day == 1 and s.screen_id == screen.id)


def test_a_film_longer_than_the_opening_hours_is_named_in_a_warning() -> None:
    base = generate_instance(2, 2, 3, seed=1)
    epic = replace(base.movies[2], title="Satantango", runtime=430)
    evenings = (OpeningHours(17 * 60, 23 * 60),) * 2
    instance = replace(base, movies=(*base.movies[:2], epic), hours=evenings)
    result = solve(instance, time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert result.warnings == (
        '"Satantango" cannot be scheduled in this period: at '
        f'{epic.feature_minutes} minutes with trailers it is longer than the opening hours: '
        'no show can end by closing time or within 60 minutes after it on any day',)


@pytest.mark.parametrize(("change", "cause"), [
    ({"formats": frozenset({"70mm"})}, "no screen can show it in 70mm"),
    ({"terms": DistributorTerms(min_screen_capacity=10_000)},
     "requires a screen of at least 10000 seats"),
])
def test_other_films_that_can_never_be_shown_are_named_with_the_cause(change, cause) -> None:
    base = generate_instance(2, 1, 3, seed=1)
    film = replace(base.movies[1], title="Vertigo", **change)
    result = solve(replace(base, movies=(base.movies[0], film, base.movies[2])),
                   time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert len(result.warnings) == 1 and result.warnings[0].startswith('"Vertigo" cannot')
    assert cause in result.warnings[0]


def test_a_minimum_that_cannot_be_met_names_the_film_the_day_and_why() -> None:
    base = generate_instance(1, 1, 2, seed=3)
    film = replace(base.movies[0], title="Heat", terms=DistributorTerms(min_per_day=12))
    instance = replace(base, movies=(film, *base.movies[1:]))
    result = solve(instance, time_limit=LIMIT)
    assert result.status == "infeasible"
    assert result.message.startswith(
        'the distributor requires 12 shows of "Heat" on Fri 7 Mar 2025 but at most ')
    assert "(1 screen can show it, " in result.message


def test_minimums_that_only_clash_together_are_listed() -> None:
    base = generate_instance(1, 1, 2, seed=3)
    films = tuple(replace(m, title=t, terms=DistributorTerms(min_per_day=3))
                  for m, t in zip(base.movies, ("Heat", "Ran"), strict=True))
    result = solve(replace(base, movies=films), time_limit=LIMIT)
    assert result.status == "infeasible"
    assert result.message == (
        'the distributor minimums for Fri 7 Mar 2025 cannot all be met together: "Heat" (3 on '
        'Fri 7 Mar 2025), "Ran" (3 on Fri 7 Mar 2025) need more than the screens, opening '
        'hours, kept shows, staggering and crowding rules leave')
