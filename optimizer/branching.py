"""Branch-and-price over one block: the bound keeps falling while time remains.

Why: on realistic days the master LP's bound sits above the best schedules by more than
better schedules gain, mostly slack of the relaxation itself (measured against an exact
compact MIP, see the tests; ``bench/optimizer.py`` reports the current split as
``lp_gap``, ``slack_disproved`` and ``gap``), so better schedules alone cannot close the
gap; only branching can lower the bound.

Branching decisions are rows on sums of shows, so pricing stays the longest path of
``optimizer.sequence_search`` (each row adds its dual to the shows it counts) and every column
stays usable in every node. Decisions, coarse to fine, on the LP's fractional values:
the number of shows of a film in one audience bucket of a day (the LP spreads films
fractionally over buckets, exploiting the sharing pools' concavity); then the same on
one screen; then a single show, which settles every column (``optimizer.master``: with
all show values integral, each screen-day has one column). Nodes are explored best bound
first; a node's bound is the Lagrangian bound of its column generation, so the block's
bound, the best open node's, is valid whenever the search stops.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from optimizer.colgen import generate_columns
from optimizer.master import Master

INACTIVE = 1e9  # right-hand side that switches a decision row off
NODE_TOLERANCE = 1e-6  # column generation's stop at a node, relative


@dataclass(order=True)
class Node:
    bound: float  # negated in the heap (best bound first)
    order: int
    decisions: tuple[tuple[int, float], ...] = field(compare=False)  # (row, rhs)


class Tree:
    """The search tree of one block's master; ``bound`` is valid at any time."""

    def __init__(self, master: Master, root_bound: float) -> None:
        self.master = master
        self._rows: dict[tuple, int] = {}
        self._count = itertools.count()
        self._open: list[Node] = [Node(-root_bound, next(self._count), ())]
        # The best parent bound of a node left unsettled (see ``step``): a floor of the bound.
        self._unsettled = -math.inf

    @property
    def bound(self) -> float:
        return max(self._best_open(), self._unsettled)

    def _best_open(self) -> float:
        return -self._open[0].bound if self._open else -math.inf

    def _row(self, kind: str, film: int, day: int, where: tuple[int, ...], upper: bool) -> int:
        """The decision row ``count <= a`` (``upper``) or ``-count <= -a``, made once."""
        key = (kind, film, day, where, upper)
        if key not in self._rows:
            sp = self.master.space
            k0 = day * sp.n_screens
            mask = sp.allowed[k0:k0 + sp.n_screens, film, :].copy()
            if kind == "show":
                screen, point = where
                keep = np.zeros_like(mask)
                keep[screen, point] = True
                mask &= keep
            else:
                mask &= (sp.point_bucket[day] == where[-1])[None, :]
                if kind == "screen":
                    mask[np.arange(sp.n_screens) != where[0]] = False
            alpha = np.where(mask, 1.0 if upper else -1.0, 0.0)
            self._rows[key] = self.master.add_show_row(film, day, alpha, INACTIVE)
        return self._rows[key]

    def _apply(self, decisions: tuple[tuple[int, float], ...]) -> None:
        for row in self._rows.values():
            self.master.set_rhs(row, INACTIVE)
        for row, rhs in decisions:
            self.master.set_rhs(row, rhs)

    def _branch(self, lam: np.ndarray) -> list[tuple[str, int, int, tuple[int, ...], float]]:
        """The most fractional decision quantity, coarse first: ``[(kind, film, day,
        where, value)]``, or [] when every show value is integral."""
        sp = self.master.space
        totals: dict[tuple, float] = defaultdict(float)
        for value, (k, column) in zip(lam, self.master.columns[:len(lam)], strict=True):
            if value <= 1e-9:
                continue
            d, s = divmod(k, sp.n_screens)
            for m, p in column:
                b = int(sp.point_bucket[d, p])
                totals[("bucket", m, d, (b,))] += value
                totals[("screen", m, d, (s, b))] += value
                totals[("show", m, d, (s, p))] += value
        for kind in ("bucket", "screen", "show"):
            fractional = [(min(v - math.floor(v), math.ceil(v) - v), key, v)
                          for key, v in totals.items()
                          if key[0] == kind and abs(v - round(v)) > 1e-6]
            if fractional:
                _, key, value = max(fractional, key=lambda f: f[0])
                return [(*key, value)]
        return []

    def step(self, solver: str, deadline: float, incumbent: Callable[[], float],
             offer: Callable[[np.ndarray], None]) -> None:
        """Process nodes best bound first until ``deadline``; ``offer`` gets the columns
        of every integral node solution (a schedule)."""
        try:
            while self._open and time.perf_counter() < deadline:
                if self._best_open() <= incumbent() * (1 + 1e-9):
                    self._open.clear()  # every open node is beaten by the incumbent
                    break
                node = heapq.heappop(self._open)
                self._apply(node.decisions)
                try:
                    bound, _, lp = generate_columns(self.master, solver, deadline,
                                                    NODE_TOLERANCE)
                except RuntimeError:
                    if time.perf_counter() >= deadline:
                        # Cut short by the deadline (an interrupted dual simplex has no
                        # primal solution), not disproved: dropping the node would let
                        # the bound fall below schedules only it contains.
                        heapq.heappush(self._open, node)
                        break
                    # Infeasible with the columns at hand, which does not prove the node
                    # infeasible: columns that pricing cannot offer without duals might meet
                    # its decisions (a phase one at the node would tell). So it is not
                    # explored further, but its parent's bound stays a floor of the bound.
                    self._unsettled = max(self._unsettled, -node.bound)
                    continue
                bound = min(bound, -node.bound)
                if time.perf_counter() >= deadline and math.isfinite(bound):
                    heapq.heappush(self._open, Node(-bound, node.order, node.decisions))
                    break
                if bound <= incumbent() * (1 + 1e-9):
                    continue
                split = self._branch(lp.lam)
                if not split:
                    offer(lp.lam)
                    continue
                kind, film, day, where, value = split[0]
                below, above = math.floor(value), math.ceil(value)
                for upper, rhs in ((True, below), (False, -above)):
                    row = self._row(kind, film, day, where, upper)
                    heapq.heappush(self._open, Node(-bound, next(self._count),
                                                    (*node.decisions, (row, float(rhs)))))
        finally:
            self._apply(())
