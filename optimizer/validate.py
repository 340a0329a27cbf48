"""Independent check of every scheduling rule, written without the solver's data structures.

The solver and the greedy baseline are both checked against this in tests; the solver also
runs ``kept_show_exceptions`` before optimising. Keeping it separate (plain loops over
shows, absolute minutes) means a bug in the solver's precomputation cannot hide in its own
checker.

Kept (fixed) shows are the manager's decision, so the rules for placing *new* shows do not
apply to them: the start grid, opening hours, family cut-off, release date, formats, room
size and closures. A limit that kept shows alone already exceed (a distributor maximum,
staggering, crowding) only stops new shows from adding to it. ``kept_show_exceptions``
lists what kept shows break, for the warnings; the one thing that cannot be kept is two
shows on one screen at once.

Every message names the film, screen, local date and clock time and the rule in a
manager's words (``optimizer.wording``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from optimizer.audience import bucket_range, window_buckets, window_counts
from optimizer.model import (
    Instance,
    daily_minimum,
    feature_deadline,
    horizon_minute,
    occupancy_minutes,
    released,
    week_days,
    weekly_minimum,
)
from optimizer.wording import Names, clock


class ShowRecord(Protocol):
    movie_id: str
    screen_id: str
    day: int
    start: int
    format: str | None


def _key(show: ShowRecord) -> tuple[str, str, int, int]:
    return show.movie_id, show.screen_id, show.day, show.start


class _Where:
    """A show's name in messages, formatted only if a message is made."""

    def __init__(self, names: Names, show: ShowRecord) -> None:
        self.names, self.show = names, show

    def __format__(self, spec: str) -> str:
        s = self.show
        return self.names.show(s.movie_id, s.screen_id, s.day, s.start)


def _show_rules(instance: Instance, show: ShowRecord, names: Names) -> list[str]:
    """Rules for placing one new show on its own."""
    rules = instance.rules
    movie, screen = names.movies.get(show.movie_id), names.screens.get(show.screen_id)
    # Named only when a rule is broken: checking valid schedules is the hot path of
    # local search.
    where = _Where(names, show)
    if movie is None or screen is None or not 0 <= show.day < instance.days:
        return [f"{where}: unknown film, screen or day"]
    out = []
    if show.format not in movie.formats & screen.formats:
        out.append(f"{where}: the film is not shown in {show.format} on this screen")
    if not released(movie, instance.start_date, show.day):
        out.append(f"{where}: before the film's release on "
                   f"{names.day((movie.release_date - instance.start_date).days)}")
    if screen.capacity < movie.terms.min_screen_capacity:
        out.append(f"{where}: the distributor requires a screen of at least "
                   f"{movie.terms.min_screen_capacity} seats and this one has {screen.capacity}")
    if movie.rating in rules.family_ratings and show.start > rules.family_last_start:
        out.append(f"{where}: a family film ({movie.rating}) must start by "
                   f"{clock(rules.family_last_start)}")
    hours = instance.hours[show.day]
    if not hours.open <= show.start < hours.close:
        out.append(f"{where}: starts outside the opening hours "
                   f"({clock(hours.open)}-{clock(hours.close)})")
    deadline = feature_deadline(instance.hours, show.day, rules.max_overrun_minutes)
    if show.start + movie.feature_minutes > deadline:
        out.append(f"{where}: ends at {clock(show.start + movie.feature_minutes)}, after "
                   f"{clock(deadline)} ({rules.max_overrun_minutes} minutes after closing)")
    if show.start % rules.grid_minutes:
        out.append(f"{where}: not on the {rules.grid_minutes}-minute start grid")
    begin = horizon_minute(show.day, show.start)
    end = begin + occupancy_minutes(movie, screen)
    for c_start, c_end in screen.closures:
        if begin < c_end and c_start < end:
            out.append(f"{where}: the screen is closed from {names.horizon_moment(c_start)} "
                       f"to {names.horizon_moment(c_end)}")
    return out


def _overlaps(instance: Instance, shows: Sequence[ShowRecord], names: Names) -> list[str]:
    by_screen: dict[str, list[tuple[int, int, ShowRecord]]] = defaultdict(list)
    for s in shows:
        begin = horizon_minute(s.day, s.start)
        occupied = occupancy_minutes(names.movies[s.movie_id], names.screens[s.screen_id])
        by_screen[s.screen_id].append((begin, begin + occupied, s))
    out = []
    for screen_id, spans in by_screen.items():
        spans.sort(key=lambda span: span[:2])
        for (_, a_end, a), (b, _, later) in zip(spans, spans[1:], strict=False):
            if b < a_end:
                out.append(f"{names.screen(screen_id)}: {names.film(later.movie_id)} at "
                           f"{names.moment(later.day, later.start)} overlaps "
                           f"{names.film(a.movie_id)} at {names.moment(a.day, a.start)}, which "
                           f"with cleaning occupies the screen until "
                           f"{clock(a_end % (24 * 60))}")
    return out


def _counts(instance: Instance, shows: Sequence[ShowRecord], kept: Sequence[ShowRecord],
            complete: set[int], names: Names) -> list[str]:
    """Distributor maxima everywhere (above what kept shows alone use); minima only on the
    ``complete`` days."""
    per_day = Counter((s.movie_id, s.day) for s in shows)
    kept_day = Counter((s.movie_id, s.day) for s in kept)
    out = []
    for movie in instance.movies:
        terms, film = movie.terms, names.film(movie.id)
        for week in week_days(instance.days):
            total = sum(per_day[(movie.id, d)] for d in week)
            allowed = terms.max_per_week
            if allowed is not None and total > max(allowed, sum(kept_day[(movie.id, d)]
                                                                 for d in week)):
                out.append(f"{film}: {total} shows in the week from {names.day(week[0])}, the "
                           f"distributor allows at most {allowed}")
            need = weekly_minimum(movie, instance.start_date, week)
            if complete.issuperset(week) and total < need:
                out.append(f"{film}: {total} shows in the week from {names.day(week[0])}, the "
                           f"distributor requires at least {need}")
            for d in week:
                n = per_day[(movie.id, d)]
                if terms.max_per_day is not None and n > max(terms.max_per_day,
                                                             kept_day[(movie.id, d)]):
                    out.append(f"{film}: {n} shows on {names.day(d)}, the distributor allows "
                               f"at most {terms.max_per_day}")
                need = daily_minimum(movie, instance.start_date, d)
                if d in complete and n < need:
                    out.append(f"{film}: {n} shows on {names.day(d)}, the distributor requires "
                               f"at least {need}")
    return out


def _crowd_counts(instance: Instance, shows: Sequence[ShowRecord]
                  ) -> dict[tuple[str, int], np.ndarray]:
    """Starts per sharing window, per (film, day)."""
    rules = instance.rules
    starts: dict[tuple[str, int], list[int]] = defaultdict(list)
    for s in shows:
        starts[(s.movie_id, s.day)].append(s.start)
    out = {}
    for (movie_id, day), minutes in starts.items():
        b0, b1 = bucket_range(instance.hours[day], rules)
        buckets = np.clip(np.array(minutes) // rules.audience_bucket_minutes, b0, b1) - b0
        out[(movie_id, day)] = window_counts(buckets, max(b1 - b0 + 1, 1),
                                             window_buckets(rules))
    return out


def _crowding(instance: Instance, shows: Sequence[ShowRecord], kept: Sequence[ShowRecord],
              names: Names) -> list[str]:
    """At most ``max_shows_per_window`` starts of one film per sharing window (or what
    kept shows alone already start there)."""
    limit = instance.rules.max_shows_per_window
    kept_counts = _crowd_counts(instance, kept) if kept else {}
    out = []
    for (movie_id, day), counts in _crowd_counts(instance, shows).items():
        allowed = np.maximum(limit, kept_counts.get((movie_id, day), 0))
        if np.any(counts > allowed):
            most = int(counts.max())
            out.append(f"{names.film(movie_id)}: {most} shows start within one "
                       f"{instance.rules.audience_window_minutes}-minute sharing window on "
                       f"{names.day(day)}, at most {limit} may")
    return out


def _stagger_counts(starts: np.ndarray, anchors: np.ndarray, width: int) -> np.ndarray:
    return np.searchsorted(starts, anchors + width) - np.searchsorted(starts, anchors)


def _stagger(instance: Instance, shows: Sequence[ShowRecord], kept: Sequence[ShowRecord],
             names: Names) -> list[str]:
    """At most ``stagger_max_starts`` starts in any window (or what kept shows alone
    start there), windows anchored at every start over the whole horizon."""
    rules = instance.rules
    width, limit = rules.stagger_window_minutes, rules.stagger_max_starts
    starts = np.sort([horizon_minute(s.day, s.start) for s in shows]).astype(np.int64)
    kept_starts = np.sort([horizon_minute(s.day, s.start) for s in kept]).astype(np.int64)
    inside = _stagger_counts(starts, starts, width)
    allowed = np.maximum(limit, _stagger_counts(kept_starts, starts, width)) if kept else limit
    out = []
    for t in np.unique(starts[inside > allowed]):
        n = int(inside[np.searchsorted(starts, t)])
        out.append(f"{n} shows start between {names.horizon_moment(int(t))} and "
                   f"{clock(int(t) + width - 1)}: at most {limit} may start within {width} "
                   f"minutes")
    return out


def violations(instance: Instance, shows: Sequence[ShowRecord], *,
               complete: bool | range = True) -> list[str]:
    """Every broken rule, as readable messages; empty means the schedule is valid.

    Shows matching one of ``instance.fixed`` are kept shows (module docstring).
    ``complete`` says on which days ``shows`` is the whole schedule, so that distributor
    minimums must be met and every kept show must be present: True for the whole horizon,
    a range of days, or False to check a partial schedule.
    """
    if complete is True:
        complete = range(instance.days)
    whole = set(complete or ())
    names = Names(instance)
    fixed_keys = {_key(f) for f in instance.fixed}
    kept = [s for s in shows if _key(s) in fixed_keys]
    out = []
    for show in shows:
        if _key(show) not in fixed_keys:
            out += _show_rules(instance, show, names)
            if show.movie_id in names.movies and names.movies[show.movie_id].kept_only:
                out.append(f"{_Where(names, show)}: the film is no longer on offer, only its "
                           f"kept shows run")
    if out:
        return out
    if any(s.movie_id not in names.movies or s.screen_id not in names.screens for s in kept):
        return ["a kept show names an unknown film or screen"]
    out += _overlaps(instance, shows, names)
    out += _counts(instance, shows, kept, whole, names)
    out += _stagger(instance, shows, kept, names)
    out += _crowding(instance, shows, kept, names)
    present = {_key(s) for s in shows}
    out += [f"the kept show {names.show(*key)} is missing"
            for key in sorted(fixed_keys - present, key=lambda k: (k[2], k[3], k[1], k[0]))
            if key[2] in whole]
    return out


def kept_show_exceptions(instance: Instance, shows: Sequence[ShowRecord]
                         ) -> tuple[list[str], list[str]]:
    """What the kept ``shows`` (records of ``instance.fixed``) break: ``(clashes,
    warnings)``. Clashes (two kept shows on one screen at once) cannot be kept; everything
    else is a rule for new shows, kept as the manager decided and reported as a warning."""
    names = Names(instance)
    clashes = _overlaps(instance, shows, names)
    own = [f"{message} (a kept show, left as scheduled)"
           for show in shows for message in _show_rules(instance, show, names)]
    limits = [f"{message} (kept shows alone: left as scheduled, no new show adds to it)"
              for message in (_counts(instance, shows, [], set(), names)
                              + _stagger(instance, shows, [], names)
                              + _crowding(instance, shows, [], names))]
    return clashes, own + limits
