"""Is an instance usable at all? Data the model cannot represent, found before solving.

Everything here is the caller's fault (an empty cinema, a runtime of zero, a forecast that
answers NaN): ``solve`` reports it as status "invalid" with these messages, never as an
exception, and an API can answer 422 with them. ``instance_problems`` lists them all;
``Space`` raises ``InvalidInstance`` with the same list.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from optimizer.audience import day_grid
from optimizer.model import MINUTES_PER_DAY, DistributorTerms, Instance, Movie, Rules, Screen
from optimizer.wording import Names, clock, film_name, screen_name


class InvalidInstance(ValueError):
    """The instance cannot be scheduled as given; ``problems`` says why, in words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _rules(rules: Rules) -> Iterable[str]:
    if rules.grid_minutes <= 0:
        yield "the start-time grid must be at least one minute"
    if rules.audience_bucket_minutes <= 0 or rules.audience_window_minutes <= 0:
        yield "the audience-sharing window must be at least one minute"
    elif rules.audience_window_minutes % rules.audience_bucket_minutes:
        yield "the audience-sharing window must be a whole number of buckets"
    if not 0.0 <= rules.audience_extra < 1.0:
        yield "the extra audience of a further show must lie in [0, 1)"
    if rules.stagger_max_starts < 1 or not 1 <= rules.stagger_window_minutes <= 120:
        yield ("staggering needs at least one start per window and a window of 1 to 120 "
               "minutes")
    if rules.max_shows_per_window < 1:
        yield "at least one show of a film must be allowed per sharing window"
    if rules.max_overrun_minutes < 0 or not 0 <= rules.family_last_start <= 2 * MINUTES_PER_DAY:
        yield "the overrun after closing and the family cut-off cannot be negative"


def _terms(name: str, terms: DistributorTerms) -> Iterable[str]:
    values = (terms.min_per_day, terms.max_per_day, terms.min_per_week, terms.max_per_week,
              terms.min_screen_capacity)
    if any(v is not None and v < 0 for v in values):
        yield f"{name}: distributor terms cannot be negative"
    if terms.max_per_day is not None and terms.min_per_day > terms.max_per_day:
        yield (f"{name}: the distributor's daily minimum ({terms.min_per_day}) is above its "
               f"daily maximum ({terms.max_per_day})")
    if not all(0.0 <= r <= 1.0 for r in terms.rent_by_week):
        yield f"{name}: the film rent of each week must lie between 0 and 100 %"
    if terms.max_per_week is not None and terms.min_per_week > terms.max_per_week:
        yield (f"{name}: the distributor's weekly minimum ({terms.min_per_week}) is above its "
               f"weekly maximum ({terms.max_per_week})")


def _movie(movie: Movie) -> Iterable[str]:
    name = film_name(movie)
    if movie.runtime <= 0 or movie.trailer_minutes < 0:
        yield f"{name}: the runtime must be positive and the trailers not negative"
    if movie.price_minor < 0:
        yield f"{name}: the ticket price cannot be negative"
    if not (math.isfinite(movie.priority) and movie.priority >= 0):
        yield f"{name}: the priority must be a finite number, 0 or more"
    yield from _terms(name, movie.terms)


def _screen(screen: Screen) -> Iterable[str]:
    name = screen_name(screen)
    if screen.capacity <= 0:
        yield f"{name} has no seats"
    if screen.cleaning_minutes < 0:
        yield f"{name}: the cleaning time cannot be negative"
    if any(end <= start for start, end in screen.closures):
        yield f"{name}: a closure ends before it starts"


def _hours(instance: Instance, names: Names) -> Iterable[str]:
    """Each business day opens on its own date and lasts at most 24 hours, and a day's
    starts all come before the next day's (``Space`` relies on that order)."""
    for d, hours in enumerate(instance.hours):
        if not (0 <= hours.open < MINUTES_PER_DAY
                and hours.open <= hours.close <= hours.open + MINUTES_PER_DAY):
            yield (f"{names.day(d)}: opening hours {clock(hours.open)}-{clock(hours.close)} "
                   f"must begin that day and last at most 24 hours")
    for d in range(instance.days - 1):
        today, tomorrow = instance.hours[d], instance.hours[d + 1]
        if tomorrow.close > tomorrow.open and today.close - MINUTES_PER_DAY > tomorrow.open:
            yield (f"{names.day(d)} closes at {clock(today.close)} but {names.day(d + 1)} "
                   f"opens at {clock(tomorrow.open)}: the two business days overlap")


def instance_problems(instance: Instance) -> list[str]:
    """Everything that makes ``instance`` unusable, forecasts included; empty if usable."""
    problems = structural_problems(instance)
    if problems:
        return problems
    names = Names(instance)
    for movie in instance.movies:
        for d, hours in enumerate(instance.hours):
            grid = day_grid(hours, instance.rules.grid_minutes)
            if len(grid):
                problem = forecast_problem(names, movie, d, grid,
                                           instance.forecast(movie.id, d, grid))
                if problem:
                    problems.append(problem)
    return problems


def structural_problems(instance: Instance) -> list[str]:
    """Problems found without calling the forecast."""
    names = Names(instance)
    out = []
    if not instance.screens:
        out.append("there are no screens to schedule")
    if not instance.movies:
        out.append("there are no films to schedule")
    if not instance.days:
        out.append("the period to schedule has no days")
    if instance.concession_per_visitor_minor < 0:
        out.append("the concession spend per visitor cannot be negative")
    ids = [m.id for m in instance.movies]
    if len(set(ids)) < len(ids):
        out.append("two films share an id")
    ids = [s.id for s in instance.screens]
    if len(set(ids)) < len(ids):
        out.append("two screens share an id")
    out += list(_rules(instance.rules))
    for movie in instance.movies:
        out += list(_movie(movie))
    for screen in instance.screens:
        out += list(_screen(screen))
    out += list(_hours(instance, names))
    for f in instance.fixed:
        if f.movie_id not in names.movies or f.screen_id not in names.screens:
            out.append(f"a kept show names {names.film(f.movie_id)} and "
                       f"{names.screen(f.screen_id)}, which are not in this schedule")
        elif not 0 <= f.day < instance.days:
            out.append(f"the kept show of {names.film(f.movie_id)} on "
                       f"{names.screen(f.screen_id)} on {names.day(f.day)} lies outside the "
                       f"period")
    return out


def forecast_problem(names: Names, movie: Movie, day: int, minutes: np.ndarray,
                     values: np.ndarray) -> str | None:
    """Why ``values``, the forecast of ``movie`` on ``day`` at ``minutes``, is unusable, if
    it is: it must be one finite, non-negative number of visitors per minute."""
    values = np.asarray(values, dtype=float)
    what = f"the forecast for {film_name(movie)} on {names.day(day)}"
    if values.shape != (len(minutes),):
        return f"{what} gave {values.size} values for {len(minutes)} start times"
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if len(bad):
        first = int(bad[0])
        return (f"{what} is not a number of visitors ({values[first]:g} at "
                f"{clock(int(minutes[first]))})")
    return None
