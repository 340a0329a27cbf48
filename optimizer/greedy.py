"""Greedy baseline: the schedule a programmer would build by hand.

Day by day: first give every film its distributor minimum (most demanded film first, each
show into its best free slot), then repeatedly put the show with the highest expected
revenue into the best free slot until no show adds revenue. A candidate's expected revenue
is its price-weighted attendance given what is already scheduled: capacity and forecast,
capped by the audience its film has left in every sharing window. Every rule of
``optimizer.validate`` is respected; a weekly minimum is spread evenly over the week. The
optimiser starts from this schedule and reports its revenue as the baseline to beat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.audience import attendance, containing_windows, pool_multiplier, split_rounded
from optimizer.model import (
    MINUTES_PER_DAY,
    Instance,
    Objective,
    Show,
    daily_minimum,
    kept_per_visitor,
    week_days,
    weekly_minimum,
)
from optimizer.space import Space
from optimizer.wording import Names

UNLIMITED = 10**9


@dataclass(frozen=True)
class GreedyResult:
    """Greedy schedule (fixed shows included); ``picks`` are its free ``(k, m, p)``."""

    shows: tuple[Show, ...]
    picks: tuple[tuple[int, int, int], ...]
    revenue_minor: int
    kept_minor: int
    objective: float
    short_days: frozenset[int]  # days on which a distributor minimum could not be met
    message: str = ""

    @property
    def feasible(self) -> bool:
        return not self.short_days


@dataclass(frozen=True)
class Priced:
    """A schedule with its money: gross revenue, what the cinema keeps, and the
    (priority-weighted) objective the run maximises."""

    shows: tuple[Show, ...]
    revenue_minor: int
    kept_minor: int
    objective: float


def priced(space: Space, shows: list[Show]) -> Priced:
    """Fill in every show's expected visitors, revenue and what the cinema keeps."""
    inst = space.instance
    visitors = attendance(inst, shows)
    movie = np.array([space.movie_index[s.movie_id] for s in shows], dtype=np.int64)
    day = np.array([s.day for s in shows], dtype=np.int64)
    price = np.array([inst.movies[m].price_minor for m in movie], dtype=float)
    kept = np.array([kept_per_visitor(inst, inst.movies[m], d) for m, d in zip(movie, day,
                                                                               strict=True)])
    revenue, kept_minor = split_rounded(visitors * price), split_rounded(visitors * kept)
    out = tuple(
        Show(movie_id=s.movie_id, screen_id=s.screen_id, day=s.day, start=s.start,
             format=s.format, expected_visitors=float(v), expected_revenue_minor=r,
             fixed=s.fixed, expected_kept_minor=k)
        for s, v, r, k in zip(shows, visitors, revenue, kept_minor, strict=True)
    )
    return Priced(out, sum(revenue), sum(kept_minor), float(visitors @ space.weight[movie, day]))


class _Day:
    """The state that changes while one day is being filled."""

    def __init__(self, space: Space, d: int, week_room: np.ndarray,
                 fixed: list[tuple[int, int, float]], win_count: np.ndarray,
                 busy_until: np.ndarray) -> None:
        self.space, self.d = space, d
        self.free = space.allowed[d * space.n_screens:(d + 1) * space.n_screens].copy()
        # Screens still busy with the previous business day's late shows.
        self.free &= (space.horizon[d][None, :] >= busy_until[:, None])[:, None, :]
        self.busy_until = busy_until  # shared with the following days
        self.cap_u = space.cap_u[d * space.n_screens:(d + 1) * space.n_screens]
        self.start = space.points[d]
        self.count = space.fixed_day[:, d].copy()
        self.room = np.array([m.terms.max_per_day if m.terms.max_per_day is not None
                              else UNLIMITED for m in space.instance.movies]) - self.count
        self.week_room = week_room  # shared with the other days of the week
        self.win_count = win_count  # starts per stagger window, shared by all days
        # Per film and sharing window: shows so far and the audience they already take.
        self.peaks = space.peaks[:, d, :]
        self.crowd_limit = space.instance.rules.max_shows_per_window
        self.shows_in = np.zeros_like(self.peaks)
        self.taken = np.zeros_like(self.peaks)
        for m, bucket, visitors in fixed:
            self.shows_in[m, bucket:bucket + space.n_win] += 1
            self.taken[m, bucket:bucket + space.n_win] += visitors
        self.picks: list[tuple[int, int, int]] = []

    def _room(self) -> np.ndarray:
        """Audience one more show could still take, per (film, bucket, window of bucket)."""
        room = self.peaks * pool_multiplier(self.shows_in + 1, self.space.extra) - self.taken
        return containing_windows(room, self.space.n_win)

    def best(self, movie: int | None = None) -> tuple[int, int, int] | None:
        """Best free candidate ``(screen, film, point)``, of one film if given.

        For a minimum any allowed slot will do (value >= 0); otherwise the show must add
        revenue.
        """
        sp = self.space
        limit = sp.instance.rules.stagger_max_starts
        full = np.concatenate([[0], np.cumsum(self.win_count >= limit)])
        point_ok = full[sp.win_hi[self.d]] == full[sp.win_lo[self.d]]
        film_ok = (self.room > 0) & (self.week_room > 0)
        left_at = self._room().min(axis=2)[:, sp.point_bucket[self.d]]  # (M, P)
        crowded = containing_windows(self.shows_in, sp.n_win).max(axis=2) >= self.crowd_limit
        left_at[crowded[:, sp.point_bucket[self.d]]] = -1.0
        value = sp.weight[None, :, self.d, None] * np.minimum(self.cap_u, left_at[None])
        ok = self.free & film_ok[None, :, None] & point_ok[None, None, :]
        value = np.where(ok, value, -1.0)
        if movie is not None:
            value = np.where(np.arange(sp.n_movies)[None, :, None] == movie, value, -1.0)
        flat = int(np.argmax(value))
        if value.flat[flat] < 0 or (movie is None and value.flat[flat] <= 1e-9):
            return None
        s, m, p = np.unravel_index(flat, value.shape)
        return int(s), int(m), int(p)

    def place(self, s: int, m: int, p: int) -> None:
        sp = self.space
        t, occ = self.start[p], sp.occ[s]
        overlap = (self.start[None, :] < t + occ[m]) & (t < self.start[None, :] + occ[:, None])
        self.free[s] &= ~overlap
        self.count[m] += 1
        self.room[m] -= 1
        self.week_room[m] -= 1
        self.win_count[sp.win_lo[self.d, p]:sp.win_hi[self.d, p]] += 1
        k = self.d * sp.n_screens + s
        self.busy_until[s] = max(self.busy_until[s],
                                 sp.finish[k, m, p] + self.d * MINUTES_PER_DAY)
        b = sp.point_bucket[self.d, p]
        got = min(self.cap_u[s, m, p], self._room()[m, b].min())
        self.shows_in[m, b:b + sp.n_win] += 1
        self.taken[m, b:b + sp.n_win] += got
        self.picks.append((self.d * sp.n_screens + s, m, p))


def _fixed_audience(space: Space) -> dict[int, list[tuple[int, int, float]]]:
    """Per day: ``(film, bucket, visitors)`` of each fixed show, shared exactly."""
    inst = space.instance
    visitors = attendance(inst, [space.fixed_show(f) for f in inst.fixed])
    out: dict[int, list[tuple[int, int, float]]] = {d: [] for d in range(space.n_days)}
    for f, v in zip(inst.fixed, visitors, strict=True):
        out[f.day].append((space.movie_index[f.movie_id], space.fixed_bucket(f), float(v)))
    return out


def greedy_schedule(space: Space) -> GreedyResult:
    """Build the greedy schedule of ``space.instance`` (see module docstring)."""
    inst = space.instance
    fixed = _fixed_audience(space)
    picks: list[tuple[int, int, int]] = []
    short: list[tuple[int, str]] = []
    win_count = space.win_fixed.copy()
    busy_until = np.zeros(space.n_screens, dtype=np.int64)
    for week in week_days(space.n_days):
        week_room = np.array([m.terms.max_per_week if m.terms.max_per_week is not None
                              else UNLIMITED for m in inst.movies])
        week_room -= space.fixed_day[:, week.start:week.stop].sum(axis=1)
        for d in week:
            day = _Day(space, d, week_room, fixed[d], win_count, busy_until)
            target = [max(daily_minimum(m, inst.start_date, d),
                          -(-weekly_minimum(m, inst.start_date, week) // len(week)))
                      for m in inst.movies]
            for m in np.argsort(-space.demand[:, d].sum(axis=1), kind="stable"):
                while day.count[m] < target[m]:
                    pick = day.best(int(m))
                    if pick is None:
                        short.append((d, inst.movies[m].id))
                        break
                    day.place(*pick)
            while (pick := day.best()) is not None:
                day.place(*pick)
            picks += day.picks
    money = priced(
        space, [space.fixed_show(f) for f in inst.fixed] + [space.show(*p) for p in picks])
    names = Names(inst)
    message = ", ".join(f"{names.film(movie)} on {names.day(d)}" for d, movie in short)
    return GreedyResult(shows=money.shows, picks=tuple(picks),
                        revenue_minor=money.revenue_minor, kept_minor=money.kept_minor,
                        objective=money.objective, short_days=frozenset(d for d, _ in short),
                        message=f"distributor minimums not met: {message}" if short else "")


def greedy(instance: Instance, objective: str = Objective.GROSS) -> GreedyResult:
    """The greedy baseline of ``instance`` (raises ``InvalidInstance``, a ``ValueError``,
    on data it cannot use)."""
    return greedy_schedule(Space(instance, Objective(objective)))
