"""Local search that polishes a schedule one or two screen-days at a time.

Why: the MIP over generated columns often stops short within its time share, and the
LP-guided columns were built for fractional combinations. Re-planning a screen with the
rest of the day fixed is cheap and finds most of what is left: each candidate show gets
its marginal revenue given the other shows (its capacity and forecast, capped by the room
left in its sharing windows), the best sequence for the screen is a longest path
(``optimizer.sequence_search``, all screens of a day in one batch), and a change is kept only if
the exactly re-evaluated day earns more and every rule still holds
(``optimizer.validate``). Pair moves empty one screen, re-plan another, then re-plan the
first, so that a better slot can move between screens. Random kicks (seeded, so runs
repeat) restart the search elsewhere while time remains.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optimizer.audience import allocate, containing_windows, pool_multiplier
from optimizer.model import MINUTES_PER_DAY, horizon_minute
from optimizer.sequence_search import Column, longest_paths
from optimizer.space import Space
from optimizer.validate import violations

UNLIMITED = 10**9
KICK_SCREENS = 3  # screens re-planned by one kick of the iterated local search
# Kicks in a row without improvement before the search stops. One: on 14-screen days
# nearly all of a polish's gain came from its first descent, while two more failed kicks
# doubled its time, taken from exact re-planning (``optimizer.blocks``), which earns more.
MAX_FAILED_KICKS = 1


@dataclass(frozen=True)
class _Shows:
    """One day's shows as arrays; fixed shows have screen -1."""

    screen: np.ndarray
    film: np.ndarray
    bucket: np.ndarray
    cap: np.ndarray
    start: np.ndarray

    def without(self, *screens: int) -> _Shows:
        keep = ~np.isin(self.screen, screens)
        return _Shows(*(a[keep] for a in (self.screen, self.film, self.bucket, self.cap,
                                          self.start)))


class _DayPlan:
    """Evaluation helpers for one day of a block; ``columns`` gives the other days' shows,
    which stay as they are while this day is re-planned."""

    def __init__(self, space: Space, d: int, columns: dict[int, Column]) -> None:
        self.space, self.d = space, d
        rules = space.instance.rules
        mine = [i for i, f in enumerate(space.instance.fixed) if f.day == d]
        fixed = [space.instance.fixed[i] for i in mine]
        caps = [min(space.instance.screens[space.screen_index[f.screen_id]].capacity,
                    float(space.fixed_demand[i])) for i, f in zip(mine, fixed, strict=True)]
        self.fixed = _Shows(np.full(len(fixed), -1), np.array(
            [space.movie_index[f.movie_id] for f in fixed], dtype=np.int64),
            np.array([space.fixed_bucket(f) for f in fixed], dtype=np.int64),
            np.array(caps, dtype=float), np.array([f.start for f in fixed], dtype=np.int64))
        self.day_max = np.array([m.terms.max_per_day if m.terms.max_per_day is not None
                                 else UNLIMITED for m in space.instance.movies])
        self.width, self.limit = rules.stagger_window_minutes, rules.stagger_max_starts
        self._neighbours(columns)

    def _neighbours(self, columns: dict[int, Column]) -> None:
        """What other days impose where business days meet at midnight: their starts
        (``outside``, horizon minutes) count in staggering windows, and a screen is free
        only after the earlier days' shows (``open_from``) and before the later days'
        (``open_until``)."""
        sp, d = self.space, self.d
        outside = [horizon_minute(f.day, f.start) for f in sp.instance.fixed if f.day != d]
        self.open_from = np.zeros(sp.n_screens, dtype=np.int64)
        self.open_until = np.full(sp.n_screens, np.iinfo(np.int64).max)
        for k, column in columns.items():
            day, s = divmod(k, sp.n_screens)
            if day == d or not column:
                continue
            outside += [int(sp.horizon[day, p]) for _, p in column]
            if day < d:
                m, p = column[-1]
                self.open_from[s] = max(self.open_from[s],
                                        sp.finish[k, m, p] + day * MINUTES_PER_DAY)
            else:
                self.open_until[s] = min(self.open_until[s], sp.horizon[day, column[0][1]])
        self.outside = np.array(outside, dtype=np.int64)

    def shows(self, columns: dict[int, Column]) -> _Shows:
        sp, d = self.space, self.d
        rows = [(k - d * sp.n_screens, m, p) for k, col in columns.items()
                if k // sp.n_screens == d for m, p in col]
        s, m, p = (np.array(v, dtype=np.int64) for v in zip(*rows, strict=True)) if rows \
            else (np.zeros(0, dtype=np.int64),) * 3
        return _Shows(np.concatenate([self.fixed.screen, s]),
                      np.concatenate([self.fixed.film, m]),
                      np.concatenate([self.fixed.bucket, sp.point_bucket[d, p]]),
                      np.concatenate([self.fixed.cap, sp.cap_u[d * sp.n_screens + s, m, p]]),
                      np.concatenate([self.fixed.start, sp.points[d, p]]))

    def attendance(self, shows: _Shows) -> np.ndarray:
        """Exact attendance per show (``optimizer.audience`` sharing)."""
        sp = self.space
        out = np.zeros(len(shows.film))
        for m in np.unique(shows.film):
            idx = np.flatnonzero(shows.film == m)
            idx = idx[np.argsort(shows.start[idx], kind="stable")]
            out[idx] = allocate(shows.bucket[idx], shows.cap[idx], sp.peaks[m, self.d],
                                sp.n_win, sp.extra)
        return out

    def objective(self, shows: _Shows) -> float:
        return float(self.attendance(shows) @ self.space.weight[shows.film, self.d])

    def values(self, others: _Shows, s: int) -> np.ndarray:
        """Marginal value of each candidate show of screen ``s`` given ``others``."""
        sp, d = self.space, self.d
        shape = (sp.n_movies, sp.peaks.shape[2])
        count, caps, taken = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        visitors = self.attendance(others)
        for offset in range(sp.n_win):
            window = (others.film, others.bucket + offset)
            np.add.at(count, window, 1.0)
            np.add.at(caps, window, others.cap)
            np.add.at(taken, window, visitors)
        slack = containing_windows(caps - taken, sp.n_win).min(axis=2)
        room = containing_windows(sp.peaks[:, d, :] * pool_multiplier(count + 1, sp.extra) - taken,
                             sp.n_win).min(axis=2)
        crowded = (containing_windows(count, sp.n_win).max(axis=2)
                   >= sp.instance.rules.max_shows_per_window)
        bucket = sp.point_bucket[d]
        k = d * sp.n_screens + s
        gain = np.minimum(sp.cap_u[k] + slack[:, bucket], room[:, bucket])
        starts = sp.win_starts
        begins = np.sort(np.concatenate([others.start + d * MINUTES_PER_DAY, self.outside]))
        in_window = (np.searchsorted(begins, starts + self.width)
                     - np.searchsorted(begins, starts))
        full = np.concatenate([[0], np.cumsum(in_window >= self.limit)])
        point_ok = ((full[sp.win_hi[d]] == full[sp.win_lo[d]])
                    & (sp.horizon[d] >= self.open_from[s]))
        day_count = np.bincount(others.film, minlength=sp.n_movies)
        ok = (sp.allowed[k] & ~crowded[:, bucket] & point_ok[None, :]
              & (day_count < self.day_max)[:, None]
              & (sp.finish[k] + d * MINUTES_PER_DAY <= self.open_until[s]))
        return np.where(ok, sp.weight[:, d, None] * gain, -np.inf)

    def best_responses(self, moves: list[tuple[dict[int, Column], int, tuple[int, ...]]]
                       ) -> list[Column]:
        """For each ``(columns, screen, emptied screens)``: the screen's best column with
        the emptied screens (itself included) idle and the rest of ``columns`` kept; one
        batched longest-path pass for all moves."""
        sp, d = self.space, self.d
        if not moves:
            return []
        values = np.stack([self.values(self.shows(cols).without(*empty), s)
                           for cols, s, empty in moves])
        nxt = sp.nxt[[d * sp.n_screens + s for _, s, _ in moves]]
        paths = longest_paths(values, nxt)
        return [paths.column(i, nxt) for i in range(len(moves))]


def _local_search(plan: _DayPlan, columns: dict[int, Column], current: float,
                  valid: Callable[[dict[int, Column]], bool],
                  deadline: float) -> tuple[dict[int, Column], float]:
    """Apply improving single- and pair-screen moves until none is left."""
    space, d = plan.space, plan.d
    screens = range(space.n_screens)
    key = [d * space.n_screens + s for s in screens]
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        singles = plan.best_responses([(columns, s, (s,)) for s in screens])
        tries = [{key[s]: c} for s, c in zip(screens, singles, strict=True)]
        for s in screens:
            if time.perf_counter() >= deadline:
                break
            others = [t for t in screens if t != s]
            firsts = plan.best_responses([(columns, t, (s, t)) for t in others])
            staged = [{key[s]: (), key[t]: c} for t, c in zip(others, firsts, strict=True)]
            seconds = plan.best_responses([({**columns, **change}, s, (s,))
                                           for change in staged])
            tries += [{**change, key[s]: c} for change, c in zip(staged, seconds, strict=True)]
        for change in tries:
            candidate = {**columns, **change}
            score = plan.objective(plan.shows(candidate))
            if score > current * (1 + 1e-9) + 1e-6 and valid(candidate):
                columns, current, improved = candidate, score, True
    return columns, current


def polish(space: Space, columns: dict[int, Column], days: range, deadline: float,
           seed: int = 0) -> dict[int, Column]:
    """Improve the free shows ``columns`` (screen-day -> column) of ``days`` until
    ``deadline``; the result is never worse and satisfies every rule if the input did.

    Iterated local search: after a local optimum, re-plan a few random screens in random
    order (a kick) and search again from there, keeping the best day found, until
    ``MAX_FAILED_KICKS`` kicks in a row bring nothing.
    """
    rng = np.random.default_rng(seed)
    columns = dict(columns)
    fixed = [space.fixed_show(f) for f in space.instance.fixed]

    def valid(cols: dict[int, Column]) -> bool:
        shows = fixed + [space.show(k, m, p) for k, col in cols.items() for m, p in col]
        return not violations(space.instance, shows, complete=days)

    for i, d in enumerate(days):
        day_deadline = time.perf_counter() + (deadline - time.perf_counter()) / (len(days) - i)
        plan = _DayPlan(space, d, columns)
        columns, current = _local_search(plan, columns, plan.objective(plan.shows(columns)),
                                         valid, day_deadline)
        failed = 0
        while failed < MAX_FAILED_KICKS and time.perf_counter() < day_deadline:
            failed += 1
            chosen = [int(s) for s in rng.permutation(space.n_screens)[:KICK_SCREENS]]
            kicked = {**columns, **{d * space.n_screens + s: () for s in chosen}}
            for s in rng.permutation(chosen):
                kicked[d * space.n_screens + int(s)] = plan.best_responses(
                    [(kicked, int(s), (int(s),))])[0]
            if not valid(kicked):
                continue
            kicked, score = _local_search(plan, kicked, plan.objective(plan.shows(kicked)),
                                          valid, day_deadline)
            if score > current * (1 + 1e-9) + 1e-6:
                columns, current, failed = kicked, score, 0
    return columns
