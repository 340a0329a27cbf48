"""Seeded, realistic scheduling instances for tests and benchmarks.

Demand is ``base x release-week decay x day-of-week x hour-of-day x noise`` (the prior
``DemandProfile`` times per film-day-hour log-normal noise), drawn from one
``numpy.random.Generator`` so a seed always gives the same instance. The shape follows a
mid-size multiplex: 60-450 seats, the largest room IMAX and another 3D (plus a 4DX room
from eight screens), 15-25 minutes cleaning, films of 85-180 minutes after 15-20 minutes of
trailers, 10:00-24:00 on weekdays and 09:30-01:00 at weekends, a quarter family films, and
new releases with distributor minimums and a minimum room size.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from optimizer.demand import ProfileForecast, prior_profile
from optimizer.model import (
    DistributorTerms,
    Instance,
    Movie,
    OpeningHours,
    Rules,
    Screen,
    horizon_minute,
)

DEFAULT_START = date(2025, 3, 7)  # a Friday, the usual release day
WEEKDAY_HOURS = OpeningHours(open=10 * 60, close=24 * 60)
WEEKEND_HOURS = OpeningHours(open=9 * 60 + 30, close=25 * 60)
FAMILY_RATINGS = ("G", "PG")
OTHER_RATINGS = ("PG-13", "R", "NC-17")


def _screens(rng: np.random.Generator, n: int, days: int) -> tuple[Screen, ...]:
    capacities = np.sort(rng.integers(60, 451, n))[::-1]
    formats = [frozenset({"2D"}) for _ in range(n)]
    formats[0] = frozenset({"2D", "3D", "IMAX"})
    if n >= 3:
        formats[1] = frozenset({"2D", "3D"})
    if n >= 8:
        formats[n // 2] = frozenset({"2D", "3D", "4DX"})
    closures: list[tuple[tuple[int, int], ...]] = [() for _ in range(n)]
    if n >= 4 and days >= 2:  # one morning of maintenance somewhere
        day = int(rng.integers(days))
        closures[int(rng.integers(n))] = ((horizon_minute(day, 9 * 60),
                                           horizon_minute(day, 13 * 60)),)
    return tuple(
        Screen(id=f"S{i + 1:02d}", capacity=int(capacities[i]), formats=formats[i],
               cleaning_minutes=int(rng.integers(15, 26)), closures=closures[i])
        for i in range(n)
    )


def _movies(rng: np.random.Generator, n: int, n_screens: int, days: int,
            start: date, big_room: int) -> tuple[tuple[Movie, ...], dict[str, float]]:
    movies = []
    base: dict[str, float] = {}
    for i in range(n):
        new = i < max(1, n // 6)
        mid_horizon = i == n - 1 and days >= 4
        if new:
            release = start
        elif mid_horizon:
            release = start + timedelta(days=days // 2)
        else:
            release = start - timedelta(weeks=int(rng.integers(1, 9)))
        family = rng.random() < 0.25
        formats = {"2D"}
        if rng.random() < 0.35:
            formats.add("3D")
        if (new or mid_horizon) and rng.random() < 0.6:
            formats.add("IMAX")
        if rng.random() < 0.1:
            formats.add("4DX")
        terms = DistributorTerms()
        if new or mid_horizon:
            terms = DistributorTerms(
                min_per_day=int(rng.integers(2, 4)) if n_screens >= 4 else 1,
                min_screen_capacity=min(150, big_room),
            )
        elif rng.random() < 0.2:
            terms = DistributorTerms(max_per_day=4)
        movie_id = f"M{i + 1:02d}"
        movies.append(Movie(
            id=movie_id,
            runtime=int(np.clip(rng.normal(115, 22), 85, 180)),
            trailer_minutes=int(rng.integers(15, 21)),
            formats=frozenset(formats),
            rating=str(rng.choice(FAMILY_RATINGS if family else OTHER_RATINGS)),
            release_date=release,
            price_minor=int(rng.integers(90, 150)) * 10,
            terms=terms,
        ))
        base[movie_id] = float(rng.lognormal(np.log(330 if new or mid_horizon else 140), 0.3))
    return tuple(movies), base


def generate_instance(screens: int, days: int, movies: int, seed: int, *,
                      start_date: date = DEFAULT_START, rules: Rules | None = None) -> Instance:
    """A reproducible instance: same arguments, same instance."""
    rng = np.random.default_rng(seed)
    screen_list = _screens(rng, screens, days)
    movie_list, base = _movies(rng, movies, screens, days, start_date,
                               screen_list[0].capacity)
    hours = tuple(
        WEEKEND_HOURS if (start_date + timedelta(days=d)).weekday() >= 5 else WEEKDAY_HOURS
        for d in range(days)
    )
    noise = {m.id: rng.lognormal(0.0, 0.12, size=(days, 24)) for m in movie_list}
    forecast = ProfileForecast(prior_profile(), start_date,
                               {m.id: m.release_date for m in movie_list}, base, noise)
    return Instance(start_date=start_date, screens=screen_list, movies=movie_list,
                    hours=hours, forecast=forecast, rules=rules or Rules())
