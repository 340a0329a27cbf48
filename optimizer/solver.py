"""Revenue-maximising weekly schedule by column generation (price-and-branch).

Why not one MIP: a binary per (film, screen, start) is 14 x 20 x 170 x 7 ~ 330k binaries
with ~10^6 overlap rows for a week, and CBC stalls on a single 14-screen day. The rules
split cleanly instead: overlap, hours, closures, formats, room size and family cut-offs
concern one screen-day; only counts, staggering and the shared audience link screens.
Following Eliashberg et al. (2009, "Demand-driven scheduling of movies in a multiplex",
IJRM), a column is a complete show sequence of one screen-day and the master
(``optimizer.master``) picks one per screen-day (set partitioning) subject to the linking
rows. Columns are generated on demand: the master LP's duals turn into a value per
candidate show and the best sequence of every screen-day is a longest path over its grid
(``optimizer.pricing``), exact and vectorised, so the LP over *all* sequences is solved
without listing them.

Steps: (1) the greedy schedule gives the first columns and the baseline (a phase-one LP
finds columns meeting the distributor minimums if greedy could not); (2) column
generation until the LP bound is tight or its time share is used; (3) the MIP over the
generated columns (CBC also gets the best known schedule as a MIP start); (4) if a gap
remains, every column whose reduced cost could still close it is enumerated and the MIP
re-solved: when that finishes the result is proven optimal.

Bound: the best Lagrangian bound of the column generation (``Master.lagrangian``), which
equals the LP relaxation of the full set-partitioning model once pricing finds no
improving column. It is an upper bound over every schedule of the model, not just the
generated columns. The reported schedule is re-evaluated with ``optimizer.audience``.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

import numpy as np

from optimizer.greedy import GreedyResult, greedy_schedule, priced
from optimizer.master import Master
from optimizer.model import Instance, ScheduleResult, Show, week_days
from optimizer.pricing import Column, enumerate_columns, longest_paths, trace
from optimizer.space import Space
from optimizer.validate import violations

PROVEN_GAP = 1e-6
ENUMERATION_STEPS = 200_000  # search steps per screen-day when proving optimality
ENUMERATION_COLUMNS = 20_000
CG_SHARE, MIP_SHARE = 0.5, 0.9  # of the time limit, by when each phase should be done


def _generate(master: Master, solver: str, deadline: float,
              tolerance: float) -> tuple[float, np.ndarray | None]:
    """Column generation on ``master``: best Lagrangian bound and the duals giving it.

    Stops when pricing finds no improving column (the bound is then the LP value), when
    the LP value is within ``tolerance`` of the bound, or at ``deadline``; raises
    ``RuntimeError`` if the LP cannot be solved.
    """
    sp, ks = master.space, master.ks
    conv = master.conv[ks]
    bound, best_duals = math.inf, None
    while True:
        lp = master.solve(solver, integer=False,
                          time_limit=max(deadline - time.perf_counter(), 1.0))
        if not lp.found:
            raise RuntimeError("the master LP could not be solved")
        best, choice = longest_paths(master.show_values(lp.duals), sp.nxt[ks])
        value = master.lagrangian(lp.duals, best[:, 0])
        if value < bound:
            bound, best_duals = value, lp.duals
        reduced = best[:, 0] - np.where(conv >= 0, lp.duals[conv], 0.0)
        improving = np.flatnonzero((reduced > 1e-6) & (conv >= 0))
        added = sum(master.add(ks.start + int(i), trace(int(i), choice, sp.nxt[ks]))
                    for i in improving)
        if not added:
            return min(bound, max(lp.objective, value)), best_duals
        if (bound - lp.objective <= tolerance * max(abs(bound), 1.0)
                or time.perf_counter() >= deadline):
            return bound, best_duals


def _columns_of(space: Space, picks: tuple[tuple[int, int, int], ...]) -> dict[int, Column]:
    by_k: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for k, m, p in picks:
        by_k[k].append((m, p))
    return {k: tuple(sorted(v, key=lambda mp: mp[1])) for k, v in by_k.items()}


class _Block:
    """One independent part of the horizon (a day, or a week with weekly limits)."""

    def __init__(self, space: Space, days: range, greedy: GreedyResult) -> None:
        self.space, self.days = space, days
        self.master = Master(space, days)
        self.greedy = {k: c for k, c in _columns_of(space, greedy.picks).items()
                       if k // space.n_screens in days}
        for k, column in self.greedy.items():
            self.master.add(k, column)
        self.phase_one = any(d in greedy.short_days for d in days)
        self.chosen = list(range(len(self.master.columns)))  # incumbent: greedy's columns
        self.objective = -math.inf if self.phase_one else self.evaluate(self.chosen)
        self.bound, self.duals = math.inf, None
        self.proven = False

    def shows(self, chosen: list[int]) -> list[Show]:
        sp = self.space
        shows = [sp.fixed_show(f) for f in sp.instance.fixed if f.day in self.days]
        for j in chosen:
            k, column = self.master.columns[j]
            shows += [sp.show(k, m, p) for m, p in column]
        return shows

    def evaluate(self, chosen: list[int]) -> float:
        return priced(self.space, self.shows(chosen))[2]

    def generate(self, solver: str, deadline: float, tolerance: float) -> bool:
        """Column generation (after a phase one if needed); False if proven infeasible."""
        if self.phase_one:
            first = Master(self.space, self.days, phase_one=True)
            for k, column in self.greedy.items():
                first.add(k, column)
            bound, _ = _generate(first, solver, deadline, 0.0)
            if bound < -1e-6:
                return False
            for k, column in first.columns:
                self.master.add(k, column)
        self.bound, self.duals = _generate(self.master, solver, deadline, tolerance)
        return True

    def integer(self, solver: str, deadline: float, gap: float) -> None:
        """MIP over the generated columns; keep it if it beats the incumbent."""
        mip = self.master.solve(solver, integer=True, gap=gap,
                                time_limit=deadline - time.perf_counter(),
                                start=None if self.phase_one else self.chosen)
        if mip.found:
            chosen = [int(j) for j in np.flatnonzero(mip.lam > 0.5)]
            objective = self.evaluate(chosen)
            if objective > self.objective:
                self.chosen, self.objective = chosen, objective

    def prove(self, solver: str, deadline: float) -> None:
        """Close the gap exactly when the columns that could close it are few.

        With duals ``w >= 0`` any schedule scores at most the Lagrangian bound minus the
        sum over screen-days of how far its column falls short of that screen-day's best
        column. A schedule better than the incumbent therefore only uses columns within
        ``bound - incumbent`` of their screen-day's best; if listing all of them succeeds,
        the MIP over them settles optimality.
        """
        slack = self.bound - self.objective
        if self.duals is None or slack <= PROVEN_GAP * max(self.bound, 1.0):
            self._settle(self.duals is not None)
            return
        sp, ks, conv = self.space, self.master.ks, self.master.conv[self.master.ks]
        value = self.master.show_values(self.duals)
        best, _ = longest_paths(value, sp.nxt[ks])
        extra: list[tuple[int, Column]] = []
        for i in np.flatnonzero(conv >= 0):
            columns = enumerate_columns(value[i], sp.nxt[ks][i], best[i],
                                        max(best[i, 0], 0.0) - slack, ENUMERATION_STEPS)
            if columns is None or time.perf_counter() > deadline:
                return
            extra += [(ks.start + int(i), c) for c in columns]
            if len(extra) > ENUMERATION_COLUMNS:
                return
        for k, column in extra:
            self.master.add(k, column)
        exact = self.master.solve(solver, integer=True, gap=1e-9,
                                  time_limit=deadline - time.perf_counter())
        if exact.found:
            chosen = [int(j) for j in np.flatnonzero(exact.lam > 0.5)]
            objective = self.evaluate(chosen)
            if objective >= self.objective:
                self.chosen, self.objective = chosen, objective
            self._settle(exact.proven)

    def _settle(self, proven: bool) -> None:
        if proven:
            self.proven, self.bound = True, self.objective


def _blocks(space: Space) -> list[range]:
    """Days, or whole weeks when a weekly limit ties a week's days together."""
    weekly = any(m.terms.max_per_week is not None or m.terms.min_per_week > 0
                 for m in space.instance.movies)
    return week_days(space.n_days) if weekly else [range(d, d + 1)
                                                   for d in range(space.n_days)]


def _share(started: float, time_limit: float, share: float, left: int) -> float:
    """Deadline for the next of ``left`` blocks to finish a phase by ``share``."""
    now = time.perf_counter()
    return now + max(started + share * time_limit - now, 0.0) / left


def _empty(status: str, started: float, message: str, greedy: int = 0) -> ScheduleResult:
    return ScheduleResult(shows=(), revenue_minor=0, visitors=0.0, status=status,
                          objective=0.0, bound=None, gap=None,
                          seconds=time.perf_counter() - started, greedy_revenue_minor=greedy,
                          message=message)


def solve(instance: Instance, *, solver: str = "highs", time_limit: float = 60.0,
          rel_gap: float = 1e-3) -> ScheduleResult:
    """Optimise ``instance``; bad data is reported in ``status``/``message``, not raised.

    ``rel_gap`` stops column generation and the MIP once the schedule is provably within
    that fraction of the bound; ``time_limit`` (seconds, wall clock) caps the whole run
    (a solver call already running may overrun it slightly).
    """
    started = time.perf_counter()
    try:
        space = Space(instance)
    except ValueError as exc:
        return _empty("error", started, str(exc))
    broken = violations(instance, [space.fixed_show(f) for f in instance.fixed],
                        complete=False)
    if broken:
        return _empty("infeasible", started, "fixed shows break rules: " + "; ".join(broken))
    greedy = greedy_schedule(space)
    blocks = [_Block(space, days, greedy) for days in _blocks(space)]
    try:
        for i, block in enumerate(blocks):
            deadline = _share(started, time_limit, CG_SHARE, len(blocks) - i)
            if not block.generate(solver, deadline, rel_gap / 4):
                return _empty("infeasible", started,
                              f"distributor minimums cannot be met on days {block.days}",
                              greedy.revenue_minor)
    except RuntimeError as exc:
        return _empty("error", started, str(exc), greedy.revenue_minor)
    for i, block in enumerate(blocks):
        block.integer(solver, _share(started, time_limit, MIP_SHARE, len(blocks) - i), rel_gap)
    if any(b.objective == -math.inf for b in blocks):
        return _empty("error", started, "no schedule meeting the distributor minimums found",
                      greedy.revenue_minor)
    for i, block in enumerate(blocks):
        block.prove(solver, _share(started, time_limit, 1.0, len(blocks) - i))
    shows, revenue, objective = priced(space, [s for b in blocks for s in b.shows(b.chosen)])
    bound = max(sum(b.bound for b in blocks), objective)
    gap = (bound - objective) / bound if bound > 0 else 0.0
    return ScheduleResult(
        shows=tuple(sorted(shows, key=lambda s: (s.day, s.screen_id, s.start))),
        revenue_minor=revenue, visitors=float(sum(s.expected_visitors for s in shows)),
        status="optimal" if gap <= PROVEN_GAP else "feasible", objective=objective,
        bound=bound, gap=gap,
        seconds=time.perf_counter() - started, greedy_revenue_minor=greedy.revenue_minor)
