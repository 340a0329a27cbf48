"""Independent check of every scheduling rule, written without the solver's data structures.

The solver and the greedy baseline are both checked against this in tests; the solver also
runs it on the fixed shows alone before optimising, because fixed shows that break a rule
make the whole instance infeasible. Keeping it separate (plain loops over shows, absolute
minutes) means a bug in the solver's precomputation cannot hide in its own checker.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from optimizer.audience import bucket_range, window_buckets, window_counts
from optimizer.model import (
    Instance,
    Movie,
    Screen,
    daily_minimum,
    feature_deadline,
    horizon_minute,
    occupancy_minutes,
    released,
    week_days,
    weekly_minimum,
)


class ShowRecord(Protocol):
    movie_id: str
    screen_id: str
    day: int
    start: int
    format: str | None


def _show_rules(instance: Instance, show: ShowRecord, fixed: bool, movies: dict[str, Movie],
                screens: dict[str, Screen]) -> list[str]:
    """Rules that concern one show on its own."""
    rules = instance.rules
    where = f"{show.movie_id}@{show.screen_id} day {show.day} {show.start}"
    movie, screen = movies.get(show.movie_id), screens.get(show.screen_id)
    if movie is None or screen is None or not 0 <= show.day < instance.days:
        return [f"{where}: unknown movie, screen or day"]
    out = []
    if show.format not in movie.formats & screen.formats:
        out.append(f"{where}: format {show.format} not offered by both film and screen")
    if not released(movie, instance.start_date, show.day):
        out.append(f"{where}: before release")
    if screen.capacity < movie.terms.min_screen_capacity:
        out.append(f"{where}: screen below the distributor's minimum capacity")
    if movie.rating in rules.family_ratings and show.start > rules.family_last_start:
        out.append(f"{where}: family film after {rules.family_last_start}")
    hours = instance.hours[show.day]
    if not hours.open <= show.start < hours.close:
        out.append(f"{where}: starts outside opening hours")
    if show.start + movie.feature_minutes > feature_deadline(instance.hours, show.day,
                                                             rules.max_overrun_minutes):
        out.append(f"{where}: ends too long after closing")
    if not fixed and show.start % rules.grid_minutes:
        out.append(f"{where}: off the {rules.grid_minutes}-minute grid")
    begin = horizon_minute(show.day, show.start)
    end = begin + occupancy_minutes(movie, screen)
    if any(begin < c_end and c_start < end for c_start, c_end in screen.closures):
        out.append(f"{where}: overlaps a closure")
    return out


def _overlaps(instance: Instance, shows: Sequence[ShowRecord]) -> list[str]:
    movies = {m.id: m for m in instance.movies}
    screens = {s.id: s for s in instance.screens}
    by_screen: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for s in shows:
        begin = horizon_minute(s.day, s.start)
        by_screen[s.screen_id].append(
            (begin, begin + occupancy_minutes(movies[s.movie_id], screens[s.screen_id])))
    out = []
    for screen_id, spans in by_screen.items():
        spans.sort()
        out += [f"{screen_id}: show at {b} overlaps the previous one (busy until {a_end})"
                for (_, a_end), (b, _) in zip(spans, spans[1:], strict=False) if b < a_end]
    return out


def _counts(instance: Instance, shows: Sequence[ShowRecord], complete: set[int]) -> list[str]:
    """Distributor maxima everywhere; minima only on the ``complete`` days."""
    per_day = Counter((s.movie_id, s.day) for s in shows)
    out = []
    for movie in instance.movies:
        terms = movie.terms
        for week in week_days(instance.days):
            total = sum(per_day[(movie.id, d)] for d in week)
            if terms.max_per_week is not None and total > terms.max_per_week:
                out.append(f"{movie.id}: {total} shows in week from day {week[0]} > max")
            if (complete.issuperset(week)
                    and total < weekly_minimum(movie, instance.start_date, week)):
                out.append(f"{movie.id}: {total} shows in week from day {week[0]} < min")
            for d in week:
                n = per_day[(movie.id, d)]
                if terms.max_per_day is not None and n > terms.max_per_day:
                    out.append(f"{movie.id}: {n} shows on day {d} > max")
                if d in complete and n < daily_minimum(movie, instance.start_date, d):
                    out.append(f"{movie.id}: {n} shows on day {d} < min")
    return out


def _crowding(instance: Instance, shows: Sequence[ShowRecord]) -> list[str]:
    """At most ``max_shows_per_window`` starts of one film per sharing window."""
    rules = instance.rules
    n_win = window_buckets(rules)
    starts: dict[tuple[str, int], list[int]] = defaultdict(list)
    for s in shows:
        starts[(s.movie_id, s.day)].append(s.start)
    out = []
    for (movie_id, day), minutes in starts.items():
        b0, b1 = bucket_range(instance.hours[day], rules)
        buckets = np.clip(np.array(minutes) // rules.audience_bucket_minutes, b0, b1) - b0
        most = window_counts(buckets, b1 - b0 + 1, n_win).max()
        if most > rules.max_shows_per_window:
            out.append(f"{movie_id}: {int(most)} starts in one sharing window on day {day}")
    return out


def _stagger(instance: Instance, shows: Sequence[ShowRecord]) -> list[str]:
    rules = instance.rules
    starts = np.sort([horizon_minute(s.day, s.start) for s in shows]).astype(np.int64)
    inside = np.searchsorted(starts, starts + rules.stagger_window_minutes) - np.arange(
        len(starts))
    return [f"{n} starts in the {rules.stagger_window_minutes} minutes from {t}"
            for t, n in zip(starts, inside, strict=True) if n > rules.stagger_max_starts]


def violations(instance: Instance, shows: Sequence[ShowRecord], *,
               complete: bool | range = True) -> list[str]:
    """Every broken rule, as readable messages; empty means the schedule is valid.

    ``complete`` says on which days ``shows`` is the whole schedule, so that distributor
    minimums must be met and every fixed show must be present: True for the whole
    horizon, a range of days, or False to check a partial schedule.
    """
    if complete is True:
        complete = range(instance.days)
    whole = set(complete or ())
    fixed_keys = {(f.movie_id, f.screen_id, f.day, f.start) for f in instance.fixed}
    keys = {(s.movie_id, s.screen_id, s.day, s.start) for s in shows}
    movies = {m.id: m for m in instance.movies}
    screens = {s.id: s for s in instance.screens}
    out = []
    for show in shows:
        fixed = (show.movie_id, show.screen_id, show.day, show.start) in fixed_keys
        out += _show_rules(instance, show, fixed, movies, screens)
    if out:
        return out
    out += _overlaps(instance, shows)
    out += _counts(instance, shows, whole)
    out += _stagger(instance, shows)
    out += _crowding(instance, shows)
    out += [f"fixed show {key} missing" for key in sorted(fixed_keys - keys) if key[2] in whole]
    return out
