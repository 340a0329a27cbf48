"""Precomputed decision space shared by the greedy baseline and the optimiser.

A candidate show is ``(k, m, p)``: screen-day ``k = day * n_screens + screen``, film ``m``
and start point ``p`` (index into that day's grid). Everything a show needs is computed
once here, as numpy arrays over all candidates: whether it is allowed (format, room size,
release, family cut-off, hours, closures, fixed shows on the screen), its audience cap
``min(capacity, forecast)`` and the first grid point after it, cleaning included. Fixed
shows are not candidates; they enter as constants (blocked minutes, counts, stagger
starts, audience already taken).

Business days may run past midnight, up to round the clock. Where a show of one day can
still occupy its screen when the next day's first shows could start, or where one
staggering window can hold starts of both, the two days are *linked* (``links``): the
solver keeps linked days in one block and its master ties their screen-days with the
``carry`` rows (a screen-day's last show must end before the next day's first show on
that screen starts). Staggering windows are laid over the whole horizon in horizon
minutes, so midnight needs no special case there. Data the model cannot represent raises
``InvalidInstance`` (``optimizer.checks``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.audience import bucket_range, day_grid, window_buckets, window_peaks
from optimizer.checks import InvalidInstance, forecast_problem, structural_problems
from optimizer.model import (
    MINUTES_PER_DAY,
    FixedShow,
    Instance,
    Movie,
    Objective,
    Show,
    feature_deadline,
    horizon_minute,
    kept_per_visitor,
    occupancy_minutes,
    released,
    show_format,
)
from optimizer.wording import Names

PAD = 10**7  # start minute of padding points: beyond any day


@dataclass(eq=False)
class Space:
    """Candidate shows and the constants of the linking rules (see module docstring)."""

    instance: Instance
    objective: Objective = Objective.GROSS

    def __post_init__(self) -> None:
        inst = self.instance
        problems = structural_problems(inst)
        if problems:
            raise InvalidInstance(problems)
        self.n_days, self.n_screens = inst.days, len(inst.screens)
        self.n_movies, self.n_sd = len(inst.movies), inst.days * len(inst.screens)
        self.movie_index = {m.id: i for i, m in enumerate(inst.movies)}
        self.screen_index = {s.id: i for i, s in enumerate(inst.screens)}
        # Objective per visitor of each film and day (``Objective``).
        if self.objective == Objective.KEPT:
            self.weight = np.array([[m.priority * kept_per_visitor(inst, m, d)
                                     for d in range(inst.days)] for m in inst.movies])
        else:
            self.weight = np.array([[m.priority * m.price_minor] * inst.days
                                    for m in inst.movies], dtype=float)
        self.occ = np.array([[occupancy_minutes(m, s) for m in inst.movies]
                             for s in inst.screens], dtype=np.int64)
        self.formats = [[show_format(m, s) for m in inst.movies] for s in inst.screens]
        self._points()
        self._candidates()
        self._audience()
        self._fixed_counts()
        self._stagger()
        self._links()

    # ----------------------------------------------------------------- candidates
    def _points(self) -> None:
        grids = [day_grid(h, self.instance.rules.grid_minutes) for h in self.instance.hours]
        self.n_points = np.array([len(g) for g in grids], dtype=np.int64)
        self.P = int(self.n_points.max(initial=1))
        self.points = np.full((self.n_days, self.P), PAD, dtype=np.int64)
        for d, g in enumerate(grids):
            self.points[d, :len(g)] = g
        self.valid = np.arange(self.P)[None, :] < self.n_points[:, None]
        # Horizon minute of every point: increasing over the horizon (``optimizer.checks``).
        self.horizon = self.points + MINUTES_PER_DAY * np.arange(self.n_days)[:, None]
        self.demand = np.zeros((self.n_movies, self.n_days, self.P))
        self.fixed_demand = np.zeros(len(self.instance.fixed))
        names, problems = Names(self.instance), []

        def forecast(movie: Movie, d: int, minutes: np.ndarray) -> np.ndarray:
            values = self.instance.forecast(movie.id, d, minutes)
            problem = forecast_problem(names, movie, d, minutes, values)
            if problem:
                problems.append(problem)
                return np.zeros(len(minutes))
            return values

        for m, movie in enumerate(self.instance.movies):
            for d, g in enumerate(grids):
                if released(movie, self.instance.start_date, d) and len(g):
                    self.demand[m, d, :len(g)] = forecast(movie, d, g)
        for i, f in enumerate(self.instance.fixed):
            movie = self.instance.movies[self.movie_index[f.movie_id]]
            self.fixed_demand[i] = forecast(movie, f.day, np.array([f.start]))[0]
        if problems:
            raise InvalidInstance(problems)

    def _blocked(self, frame: int) -> np.ndarray:
        """Prefix sums of minutes blocked by closures and fixed shows, per (day, screen)."""
        inst = self.instance
        blocked = np.zeros((self.n_days, self.n_screens, frame + 1), dtype=np.int64)
        spans = [[*s.closures] for s in inst.screens]
        for f in inst.fixed:
            s, m = self.screen_index[f.screen_id], self.movie_index[f.movie_id]
            begin = f.day * MINUTES_PER_DAY + f.start
            spans[s].append((begin, begin + int(self.occ[s, m])))
        for s, screen_spans in enumerate(spans):
            for begin, end in screen_spans:
                for d in range(self.n_days):
                    lo = int(np.clip(begin - d * MINUTES_PER_DAY, 0, frame))
                    hi = int(np.clip(end - d * MINUTES_PER_DAY, 0, frame))
                    blocked[d, s, lo + 1:hi + 1] = 1
        return np.cumsum(blocked, axis=2)

    def _candidates(self) -> None:
        inst, rules = self.instance, self.instance.rules
        close = np.array([h.close for h in inst.hours], dtype=np.int64)
        frame = int(close.max() + rules.max_overrun_minutes + self.occ.max(initial=0) + 1)
        t = np.minimum(self.points, frame)[:, None, None, :]  # (D, 1, 1, P)
        end = np.minimum(t + self.occ[None, :, :, None], frame)  # (D, S, M, P)
        d_ix = np.arange(self.n_days)[:, None, None, None]
        s_ix = np.arange(self.n_screens)[None, :, None, None]
        blocked = self._blocked(frame)
        free = blocked[d_ix, s_ix, end] == blocked[d_ix, s_ix, t]
        feature = np.array([m.feature_minutes for m in inst.movies], dtype=np.int64)
        deadline = np.array([feature_deadline(inst.hours, d, rules.max_overrun_minutes)
                             for d in range(self.n_days)], dtype=np.int64)
        on_time = t + feature[None, None, :, None] <= deadline[:, None, None, None]
        family = np.array([m.rating in rules.family_ratings for m in inst.movies])
        early = ~family[None, None, :, None] | (t <= rules.family_last_start)
        fits = np.array([[self.formats[s][m] is not None
                          and sc.capacity >= mv.terms.min_screen_capacity
                          and mv.terms.max_per_day != 0 and mv.terms.max_per_week != 0
                          and not mv.kept_only
                          for m, mv in enumerate(inst.movies)]
                         for s, sc in enumerate(inst.screens)])
        out = np.array([[released(mv, inst.start_date, d) for mv in inst.movies]
                        for d in range(self.n_days)])
        allowed = (free & on_time & early & fits[None, :, :, None] & out[:, None, :, None]
                   & self.valid[:, None, None, :])
        self.allowed = allowed.reshape(self.n_sd, self.n_movies, self.P)
        self.finish = end.reshape(self.allowed.shape)  # day minute the screen is free again
        nxt = np.empty_like(end)
        for d in range(self.n_days):
            nxt[d] = np.searchsorted(self.points[d, :self.n_points[d]], end[d])
        self.nxt = nxt.reshape(self.n_sd, self.n_movies, self.P)
        capacity = np.array([s.capacity for s in inst.screens], dtype=float)
        cap_u = np.minimum(capacity[None, :, None, None],
                           self.demand.transpose(1, 0, 2)[:, None, :, :])
        self.cap_u = np.where(self.allowed, cap_u.reshape(self.allowed.shape), 0.0)

    # ----------------------------------------------------------------- audience
    def _audience(self) -> None:
        """Bucket/pool indexing of the sharing model (``optimizer.audience``)."""
        inst, rules = self.instance, self.instance.rules
        bucket = rules.audience_bucket_minutes
        self.extra = rules.audience_extra
        self.n_win = window_buckets(rules)
        self.b0 = np.array([bucket_range(h, rules)[0] for h in inst.hours], dtype=np.int64)
        self.NB = int(max(max(bucket_range(h, rules)[1] - bucket_range(h, rules)[0] + 1
                              for h in inst.hours), 1))
        self.point_bucket = np.clip(self.points // bucket - self.b0[:, None], 0, self.NB - 1)
        self.peaks = np.zeros((self.n_movies, self.n_days, self.NB + self.n_win - 1))
        for m in range(self.n_movies):
            for d, h in enumerate(inst.hours):
                n = self.n_points[d]
                _, peaks = window_peaks(self.points[d, :n], self.demand[m, d, :n], h, rules)
                self.peaks[m, d, :len(peaks)] = peaks
        self.fixed_cap = np.zeros((self.n_movies, self.n_days, self.NB))
        self.fixed_n = np.zeros((self.n_movies, self.n_days, self.NB), dtype=np.int64)
        self.fixed_caps: dict[tuple[int, int, int], list[float]] = {}
        for f, demand in zip(inst.fixed, self.fixed_demand, strict=True):
            m, s = self.movie_index[f.movie_id], self.screen_index[f.screen_id]
            i = self.fixed_bucket(f)
            cap = min(inst.screens[s].capacity, float(demand))
            self.fixed_cap[m, f.day, i] += cap
            self.fixed_n[m, f.day, i] += 1
            self.fixed_caps.setdefault((m, f.day, i), []).append(cap)

    def fixed_bucket(self, f: FixedShow) -> int:
        """Day-relative audience bucket of a fixed show."""
        bucket = self.instance.rules.audience_bucket_minutes
        return int(np.clip(f.start // bucket - self.b0[f.day], 0, self.NB - 1))

    # ----------------------------------------------------------------- counts, stagger
    def _fixed_counts(self) -> None:
        self.fixed_day = np.zeros((self.n_movies, self.n_days), dtype=np.int64)
        for f in self.instance.fixed:
            self.fixed_day[self.movie_index[f.movie_id], f.day] += 1

    def _stagger(self) -> None:
        """Stagger windows over the horizon: one starting at every grid point and fixed
        start, in horizon minutes.

        The busiest window of a schedule can always be slid right until it starts at a
        show, so these windows are enough. ``win_lo/win_hi`` give, per point, the range
        of windows containing it; ``win_day`` is the business day of a window's first
        start; windows no schedule could overfill are marked inactive.
        """
        rules = self.instance.rules
        width, limit = rules.stagger_window_minutes, rules.stagger_max_starts
        grid, grid_day = self.horizon[self.valid], np.nonzero(self.valid)[0]
        fixed = np.array([horizon_minute(f.day, f.start) for f in self.instance.fixed],
                         dtype=np.int64)
        fixed_day = np.array([f.day for f in self.instance.fixed], dtype=np.int64)
        self.win_starts, first = np.unique(np.concatenate([grid, fixed]), return_index=True)
        self.win_day = np.concatenate([grid_day, fixed_day])[first]
        starts, fixed = self.win_starts, np.sort(fixed)
        self.win_fixed = np.searchsorted(fixed, starts + width) - np.searchsorted(fixed, starts)
        n_grid = np.searchsorted(grid, starts + width) - np.searchsorted(grid, starts)
        per_screen = -(-width // max(int(self.occ.min(initial=1)), 1))
        most = self.win_fixed + self.n_screens * np.minimum(n_grid, per_screen)
        self.win_active = most > limit
        self.win_lo = np.zeros((self.n_days, self.P), dtype=np.int64)
        self.win_hi = np.zeros((self.n_days, self.P), dtype=np.int64)
        self.win_lo[self.valid] = np.searchsorted(starts, grid - width, side="right")
        self.win_hi[self.valid] = np.searchsorted(starts, grid, side="right")

    def _links(self) -> None:
        """Days that interact across midnight, and the ``carry`` rows' thresholds.

        ``carry`` lists ``(screen, day, later day, points)``: the later day's points at
        which a show of that screen could start while one of the earlier day may still
        occupy the screen. ``links`` holds every pair of days tied by such a screen or by
        starts of both within one staggering window.
        """
        sp, width = self, self.instance.rules.stagger_window_minutes
        links: set[tuple[int, int]] = set()
        self.carry: list[tuple[int, int, int, np.ndarray]] = []
        for s in range(sp.n_screens):
            for d in range(sp.n_days):
                k = d * sp.n_screens + s
                if not sp.allowed[k].any():
                    continue
                latest = int(sp.finish[k][sp.allowed[k]].max()) + d * MINUTES_PER_DAY
                for later in range(d + 1, sp.n_days):
                    can = sp.allowed[later * sp.n_screens + s].any(axis=0)
                    points = np.flatnonzero(can & (sp.horizon[later] < latest))
                    if len(points):
                        self.carry.append((s, d, later, points))
                        links.add((d, later))
                    elif can.any():
                        break  # later days start later still
        minutes = np.concatenate([sp.horizon[sp.valid], [horizon_minute(f.day, f.start)
                                                         for f in sp.instance.fixed]])
        days = np.concatenate([np.nonzero(sp.valid)[0], [f.day for f in sp.instance.fixed]])
        order = np.argsort(minutes, kind="stable")
        close, day = np.diff(minutes[order]) < width, days[order].astype(np.int64)
        links |= {(int(a), int(b)) for a, b in zip(day[:-1][close], day[1:][close], strict=True)
                  if a != b}
        self.links = sorted(links)

    # ----------------------------------------------------------------- output
    def show(self, k: int, m: int, p: int) -> Show:
        """The ``Show`` record of candidate ``(k, m, p)`` (audience filled in later)."""
        d, s = divmod(k, self.n_screens)
        return Show(movie_id=self.instance.movies[m].id, screen_id=self.instance.screens[s].id,
                    day=d, start=int(self.points[d, p]), format=str(self.formats[s][m]))

    def fixed_show(self, f: FixedShow) -> Show:
        """The ``Show`` record of a fixed show; without a format of its own it takes the
        preferred common one, or the film's own if the screen has none of them."""
        s, m = self.screen_index[f.screen_id], self.movie_index[f.movie_id]
        fmt = f.format or self.formats[s][m] or min(self.instance.movies[m].formats, default="")
        return Show(movie_id=f.movie_id, screen_id=f.screen_id, day=f.day, start=f.start,
                    format=fmt, fixed=True)
