"""What the cinema keeps: film rent falling with the week of the run, concessions per
visitor, an objective that maximises them, and a result that reports both measures."""

from __future__ import annotations

from dataclasses import replace
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
    attendance,
    generate_instance,
    solve,
    violations,
)
from optimizer.model import cinema_share

START = date(2025, 3, 7)
LIMIT = 2.0


def test_the_rent_follows_the_week_of_the_run() -> None:
    film = Movie(id="a", runtime=100, trailer_minutes=10, formats=frozenset({"2D"}),
                 rating="R", release_date=START - timedelta(days=10), price_minor=1000,
                 terms=DistributorTerms(rent_by_week=[0.6, 0.5, 0.4]))
    assert [cinema_share(film, START, d) for d in (0, 3, 4, 11, 30)] == pytest.approx(
        [0.5, 0.5, 0.6, 0.6, 0.6])  # week 2 from day 0, week 3 (and later) from day 4
    opening = replace(film, release_date=START)
    assert cinema_share(opening, START, 0) == pytest.approx(0.4)
    assert cinema_share(replace(film, terms=DistributorTerms()), START, 0) == 1.0


def test_both_measures_are_reported_and_add_up() -> None:
    base = generate_instance(3, 2, 5, seed=4)
    films = tuple(replace(m, terms=replace(m.terms, rent_by_week=(0.55, 0.45, 0.35)))
                  for m in base.movies)
    instance = replace(base, movies=films, concession_per_visitor_minor=350)
    result = solve(instance, time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert result.kept_minor == sum(s.expected_kept_minor for s in result.shows)
    visitors = attendance(instance, result.shows)
    by_id = {m.id: m for m in films}
    expected = sum(v * (by_id[s.movie_id].price_minor * cinema_share(by_id[s.movie_id], START,
                                                                     s.day) + 350)
                   for s, v in zip(result.shows, visitors, strict=True))
    assert result.kept_minor == round(expected)
    assert result.greedy_kept_minor > 0
    plain = solve(base, time_limit=LIMIT)
    assert plain.kept_minor == plain.revenue_minor  # no rent, no concessions


def _two_films() -> Instance:
    """A new blockbuster (dear tickets, 70 % rent) and an old favourite (cheap tickets,
    25 % rent, a bigger audience) compete for one screen's evening."""

    def forecast(movie_id: str, day: int, minutes: np.ndarray) -> np.ndarray:
        return np.full(len(minutes), 100.0 if movie_id == "new" else 140.0)

    films = (
        Movie(id="new", runtime=110, trailer_minutes=10, formats=frozenset({"2D"}), rating="R",
              release_date=START, price_minor=1500,
              terms=DistributorTerms(rent_by_week=(0.7,))),
        Movie(id="old", runtime=110, trailer_minutes=10, formats=frozenset({"2D"}), rating="R",
              release_date=START - timedelta(weeks=6), price_minor=1000,
              terms=DistributorTerms(rent_by_week=(0.6, 0.25))),
    )
    return Instance(start_date=START, movies=films,
                    screens=(Screen(id="s", capacity=200, formats=frozenset({"2D"}),
                                    cleaning_minutes=20),),
                    hours=(OpeningHours(18 * 60, 21 * 60),), forecast=forecast,
                    rules=Rules(grid_minutes=30), concession_per_visitor_minor=300)


def test_maximising_what_the_cinema_keeps_picks_another_film() -> None:
    instance = _two_films()
    gross = solve(instance, time_limit=LIMIT, rel_gap=0.0)
    kept = solve(instance, time_limit=LIMIT, rel_gap=0.0, objective="kept")
    assert gross.status == kept.status == "optimal"
    assert violations(instance, kept.shows) == []
    assert [s.movie_id for s in gross.shows] == ["new"]  # 100 x 15.00 > 140 x 10.00
    assert [s.movie_id for s in kept.shows] == ["old"]  # 140 x (7.50 + 3) > 100 x (4.50 + 3)
    assert kept.kept_minor > gross.kept_minor and gross.revenue_minor > kept.revenue_minor
    assert kept.objective == pytest.approx(kept.kept_minor)


def test_unknown_objectives_and_impossible_rents_are_invalid() -> None:
    instance = _two_films()
    assert solve(instance, time_limit=LIMIT, objective="profit").status == "invalid"
    bad = replace(instance, movies=(replace(instance.movies[0], terms=DistributorTerms(
        rent_by_week=(1.2,))), instance.movies[1]))
    result = solve(bad, time_limit=LIMIT)
    assert result.status == "invalid" and "film rent" in result.message
