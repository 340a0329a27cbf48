"""Why a film cannot be shown, or why the distributor minimums cannot be met, in words.

A film that no rule lets onto any screen would otherwise just be missing from the
schedule, and an infeasible block would only say "infeasible". These functions find the
first cause a manager can act on (a film longer than the opening hours, a screen too
small, a minimum above what fits) and name the film, the dates and the times.
"""

from __future__ import annotations

import numpy as np

from optimizer.model import (
    daily_minimum,
    feature_deadline,
    released,
    week_days,
    weekly_minimum,
)
from optimizer.sequence_search import longest_paths
from optimizer.space import Space
from optimizer.wording import Names, clock, film_name


def _can_start_in_time(space: Space, m: int, by: int | None = None) -> bool:
    """Whether some day the film is out has a grid start (by minute ``by``, if given) from
    which it ends in time, closures and kept shows aside."""
    inst, movie = space.instance, space.instance.movies[m]
    for d in range(space.n_days):
        if not released(movie, inst.start_date, d):
            continue
        starts = space.points[d, :space.n_points[d]]
        starts = starts[starts + movie.feature_minutes
                        <= feature_deadline(inst.hours, d, inst.rules.max_overrun_minutes)]
        if len(starts) and (by is None or starts[0] <= by):
            return True
    return False


def _cause(space: Space, m: int) -> str:
    inst, movie = space.instance, space.instance.movies[m]
    names, rules, terms = Names(inst), inst.rules, movie.terms
    if not any(released(movie, inst.start_date, d) for d in range(space.n_days)):
        return f"it opens on {names.day((movie.release_date - inst.start_date).days)}"
    if terms.max_per_day == 0 or terms.max_per_week == 0:
        return "its distributor allows no shows"
    formats = [s for i, s in enumerate(inst.screens) if space.formats[i][m] is not None]
    if not formats:
        return f"no screen can show it in {', '.join(sorted(movie.formats)) or 'any format'}"
    largest = max(s.capacity for s in formats)
    if largest < terms.min_screen_capacity:
        return (f"its distributor requires a screen of at least {terms.min_screen_capacity} "
                f"seats and the largest that can show it has {largest}")
    if not _can_start_in_time(space, m):
        after = (f" or within {rules.max_overrun_minutes} minutes after it"
                 if rules.max_overrun_minutes else "")
        return (f"at {movie.feature_minutes} minutes with trailers it is longer than the "
                f"opening hours: no show can end by closing time{after} on any day")
    if movie.rating in rules.family_ratings and not _can_start_in_time(
            space, m, by=rules.family_last_start):
        return (f"as a family film it must start by {clock(rules.family_last_start)}, and "
                f"no show starting by then ends in time")
    return "screen closures and kept shows leave no room for it"


def unschedulable_films(space: Space) -> list[str]:
    """A warning for every film that no screen may show on any day of the horizon."""
    never = np.flatnonzero(~space.allowed.any(axis=(0, 2)))
    return [f"{film_name(space.instance.movies[m])} cannot be scheduled in this period: "
            f"{_cause(space, int(m))}" for m in never if not space.instance.movies[m].kept_only]


def _most_shows(space: Space, m: int, d: int) -> int:
    """Most shows of film ``m`` that fit on day ``d`` with every screen to itself."""
    ks = slice(d * space.n_screens, (d + 1) * space.n_screens)
    ones = np.where(space.allowed[ks, m:m + 1], 1.0, -np.inf)
    fit = int(round(longest_paths(ones, space.nxt[ks, m:m + 1]).value.sum()))
    cap = space.instance.movies[m].terms.max_per_day
    return fit + int(space.fixed_day[m, d]) if cap is None else min(
        fit + int(space.fixed_day[m, d]), cap)


def minimum_shortfalls(space: Space, days: range) -> str:
    """Why the distributor minimums of ``days`` cannot all be met (phase one proved it)."""
    inst, names = space.instance, Names(space.instance)
    short, wanted = [], []
    for m, movie in enumerate(inst.movies):
        most = {d: _most_shows(space, m, d) for d in days}
        for d in days:
            need = daily_minimum(movie, inst.start_date, d)
            if need:
                wanted.append(f"{film_name(movie)} ({need} on {names.day(d)})")
            if need > most[d]:
                screens = int(space.allowed[d * space.n_screens:(d + 1) * space.n_screens,
                                            m].any(axis=1).sum())
                short.append(f"the distributor requires {need} shows of {film_name(movie)} on "
                             f"{names.day(d)} but at most {most[d]} fit ({screens} screen"
                             f"{'' if screens == 1 else 's'} can show it, "
                             f"{movie.feature_minutes} minutes with trailers a show)")
        for week in week_days(space.n_days):
            if week.start not in days:
                continue
            need = weekly_minimum(movie, inst.start_date, week)
            if need:
                wanted.append(f"{film_name(movie)} ({need} in the week from "
                              f"{names.day(week.start)})")
            if need > sum(most[d] for d in week):
                short.append(f"the distributor requires {need} shows of {film_name(movie)} in "
                             f"the week from {names.day(week.start)} but at most "
                             f"{sum(most[d] for d in week)} fit")
    if short:
        return "; ".join(short)
    when = names.day(days.start) if len(days) == 1 else (
        f"{names.day(days.start)} to {names.day(days.stop - 1)}")
    return (f"the distributor minimums for {when} cannot all be met together: "
            f"{', '.join(wanted)} need more than the screens, opening hours, kept shows, "
            f"staggering and crowding rules leave")
