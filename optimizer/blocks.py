"""One block of days (a day, or a week when weekly limits link its days), solved alone.

``run_block`` is the whole pipeline for a block, so that blocks can run side by side:
column generation for the bound, a MIP over the generated columns, local search
(``optimizer.polish``) and, when the remaining gap is small enough, a proof of optimality.
See ``optimizer.solver`` for why the model is decomposed this way.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from optimizer.diagnosis import minimum_shortfalls
from optimizer.greedy import priced
from optimizer.master import Master
from optimizer.model import Show
from optimizer.polish import polish
from optimizer.pricing import Column, enumerate_columns, longest_paths, path_value
from optimizer.space import Space
from optimizer.wording import Names

PROVEN_GAP = 1e-6
SMOOTHING = 0.5  # weight of the best-bound duals in the pricing duals
ENUMERATION_STEPS = 50_000  # search steps per screen-day when proving optimality
ENUMERATION_COLUMNS = 20_000
# Fractions of a block's time by which column generation, the MIP and polishing should be
# done; proving optimality gets the rest.
CG_SHARE, MIP_SHARE, POLISH_SHARE = 0.3, 0.55, 0.95


@dataclass(frozen=True)
class BlockOutcome:
    """``status``: "ok", "infeasible" (proven) or "error"; ``schedule`` maps screen-days
    to columns; ``bound`` is a valid upper bound on the block's objective."""

    status: str
    schedule: dict[int, Column]
    bound: float
    message: str = ""


def generate_columns(master: Master, solver: str, deadline: float,
                     tolerance: float) -> tuple[float, np.ndarray | None]:
    """Column generation on ``master``: best Lagrangian bound and the duals giving it.

    Stabilised by Wentges smoothing: pricing uses a mix of the LP duals and the duals that
    gave the best bound so far, which damps the dual oscillation that otherwise makes
    column generation crawl; if the mix finds no column that improves the LP
    (mispricing), the LP duals are priced directly. Stops when that finds nothing (the
    bound then equals the LP value of the full model), when the LP value is within
    ``tolerance`` of the bound, or at ``deadline``; raises ``RuntimeError`` if the LP
    cannot be solved.
    """
    sp, ks = master.space, master.ks
    conv = master.conv[ks]
    bound, center = math.inf, None
    while True:
        lp = master.solve(solver, integer=False,
                          time_limit=max(deadline - time.perf_counter(), 1.0))
        if not lp.found:
            raise RuntimeError("the master LP could not be solved")
        mu = np.where(conv >= 0, lp.duals[conv], 0.0)
        true_values = master.show_values(lp.duals)
        first, last = master.path_terms(lp.duals)
        tries = [lp.duals] if center is None else [SMOOTHING * center
                                                   + (1 - SMOOTHING) * lp.duals, lp.duals]
        for duals in tries:
            if duals is lp.duals:
                paths = longest_paths(true_values, sp.nxt[ks], first, last)
            else:
                paths = longest_paths(master.show_values(duals), sp.nxt[ks],
                                      *master.path_terms(duals))
            value = master.lagrangian(duals, paths.value)
            if value < bound:
                bound, center = value, duals
            added = 0
            for i in np.flatnonzero((paths.value > 1e-6) & (conv >= 0)):
                column = paths.column(int(i), sp.nxt[ks])
                worth = path_value(column, true_values[i], None if first is None else first[i],
                                   None if last is None else last[i])
                if worth - mu[i] > 1e-6:
                    added += master.add(ks.start + int(i), column)
            if added:
                break
        if (not added or bound - lp.objective <= tolerance * max(abs(bound), 1.0)
                or time.perf_counter() >= deadline):
            return bound, center


class Block:
    """One independent part of the horizon (a day, or a week with weekly limits).

    ``schedule`` is the incumbent: a column per screen-day of the block.
    """

    def __init__(self, space: Space, days: range, start: dict[int, Column],
                 phase_one: bool) -> None:
        self.space, self.days = space, days
        self.master = Master(space, days)
        self.schedule = dict(start)
        for k, column in self.schedule.items():
            self.master.add(k, column)
        self.phase_one = phase_one
        self.objective = -math.inf if self.phase_one else self.evaluate(self.schedule)
        self.bound, self.duals = math.inf, None

    def shows(self, schedule: dict[int, Column]) -> list[Show]:
        sp = self.space
        shows = [sp.fixed_show(f) for f in sp.instance.fixed if f.day in self.days]
        for k, column in schedule.items():
            shows += [sp.show(k, m, p) for m, p in column]
        return shows

    def evaluate(self, schedule: dict[int, Column]) -> float:
        return priced(self.space, self.shows(schedule))[2]

    def _offer(self, lam: np.ndarray) -> None:
        """Keep the MIP solution ``lam`` if it beats the incumbent."""
        schedule = {k: c for (k, c), v in zip(self.master.columns, lam, strict=True)
                    if v > 0.5}
        objective = self.evaluate(schedule)
        if objective >= self.objective:
            self.schedule, self.objective = schedule, objective

    def generate(self, solver: str, deadline: float, tolerance: float) -> bool:
        """Column generation (after a phase one if needed); False if proven infeasible."""
        if self.phase_one:
            first = Master(self.space, self.days, phase_one=True)
            for k, column in self.schedule.items():
                first.add(k, column)
            bound, _ = generate_columns(first, solver, deadline, 0.0)
            if bound < -1e-6:
                return False
            for k, column in first.columns:
                self.master.add(k, column)
        self.bound, self.duals = generate_columns(self.master, solver, deadline, tolerance)
        return True

    def integer(self, solver: str, deadline: float, gap: float) -> None:
        """MIP over the generated columns (CBC starts from the incumbent)."""
        start = None
        if not self.phase_one:
            index = {kc: j for j, kc in enumerate(self.master.columns)}
            start = [index[kc] for kc in self.schedule.items()]
        mip = self.master.solve(solver, integer=True, gap=gap,
                                time_limit=deadline - time.perf_counter(), start=start)
        if mip.found:
            self._offer(mip.lam)

    def polish(self, deadline: float) -> None:
        if self.objective > -math.inf:
            self.schedule = polish(self.space, self.schedule, self.days, deadline)
            self.objective = self.evaluate(self.schedule)
            for k, column in self.schedule.items():
                self.master.add(k, column)

    def prove(self, solver: str, deadline: float) -> None:
        """Close the gap exactly when the columns that could close it are few.

        With duals ``w >= 0`` any schedule scores at most the Lagrangian bound minus the
        sum over screen-days of how far its column falls short of that screen-day's best
        column. A schedule better than the incumbent therefore only uses columns within
        ``bound - incumbent`` of their screen-day's best; if listing all of them succeeds,
        the MIP over them settles optimality and the bound drops to the optimum.
        """
        slack = self.bound - self.objective
        if self.duals is None or slack <= PROVEN_GAP * max(self.bound, 1.0):
            return
        sp, ks, conv = self.space, self.master.ks, self.master.conv[self.master.ks]
        value = self.master.show_values(self.duals)
        first, last = self.master.path_terms(self.duals)
        paths = longest_paths(value, sp.nxt[ks], first, last)
        extra: list[tuple[int, Column]] = []
        for i in np.flatnonzero(conv >= 0):
            columns = enumerate_columns(paths, int(i), value[i], sp.nxt[ks][i],
                                        None if first is None else first[i],
                                        None if last is None else last[i],
                                        paths.value[i] - slack, ENUMERATION_STEPS)
            if (columns is None or time.perf_counter() > deadline
                    or len(extra) + len(columns) > ENUMERATION_COLUMNS):
                return
            extra += [(ks.start + int(i), c) for c in columns]
        for k, column in extra:
            self.master.add(k, column)
        exact = self.master.solve(solver, integer=True, gap=1e-9,
                                  time_limit=deadline - time.perf_counter())
        if exact.found:
            self._offer(exact.lam)
            if exact.proven:
                self.bound = self.objective


def columns_of(picks: tuple[tuple[int, int, int], ...]) -> dict[int, Column]:
    """Group ``(screen-day, film, point)`` picks into time-ordered columns."""
    by_k: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for k, m, p in picks:
        by_k[k].append((m, p))
    return {k: tuple(sorted(v, key=lambda mp: mp[1])) for k, v in by_k.items()}


def run_block(space: Space, days: range, start: dict[int, Column], phase_one: bool,
              solver: str, budget: float, rel_gap: float) -> BlockOutcome:
    """Solve one block within ``budget`` seconds, starting from the ``start`` schedule
    (greedy's; ``phase_one`` if it misses a distributor minimum)."""
    began = time.perf_counter()
    block = Block(space, days, start, phase_one)
    try:
        if not block.generate(solver, began + CG_SHARE * budget, rel_gap / 4):
            return BlockOutcome("infeasible", {}, -math.inf, minimum_shortfalls(space, days))
    except RuntimeError as exc:
        return BlockOutcome("error", {}, math.inf, str(exc))
    block.integer(solver, began + MIP_SHARE * budget, rel_gap)
    if block.objective == -math.inf:
        names = Names(space.instance)
        return BlockOutcome("error", {}, math.inf,
                            f"no schedule meeting the distributor minimums was found in time "
                            f"for {names.day(days.start)} to {names.day(days.stop - 1)}")
    block.polish(began + POLISH_SHARE * budget)
    block.prove(solver, began + budget)
    return BlockOutcome("ok", block.schedule, max(block.bound, block.objective))

