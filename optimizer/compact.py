"""The block as one compact MIP for HiGHS: a second bound and a second search.

Why: on 10+ screen days the master LP's bound sits well above the best schedules (the
figures of ``bench/optimizer.py``: ``lp_gap``), and branch-and-price lowers it only
slowly; most of that is slack of the relaxation, not revenue (``optimizer.branching``).
HiGHS's branch-and-cut (clique, flow-cover and mixed-integer-rounding cuts, its own
heuristics) attacks the same model from another side.
Written as a flow per screen-day the compact model's LP relaxation equals the master's
(a screen-day's sequences are the paths of a DAG, ``optimizer.sequence_search``), so
HiGHS starts from the same bound and its cuts can only lower it; its dual bound is valid
for every schedule of the block whenever it stops.

Model: per screen-day ``k`` a unit of flow from point 0 to the end (point ``P``); an
idle arc ``p -> p + 1`` and a show arc ``p -> nxt[k, m, p]`` per allowed show, binary, the
latter carrying the show's coefficients in the master's linking rows
(``Master.coefficients`` of the one-show column, without its convexity row); the
attendance variables and every linking row are the master's. A time-indexed model with
"one show at a time" written per minute instead had ~20 million nonzeros on a 14-screen
day; this one has about half a million.

Blocks whose days are linked across midnight (carry rows) are left to the master: there
a column's first and last shows pay terms that are not per show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np

from optimizer.highs_model import INF
from optimizer.master import Master
from optimizer.sequence_search import Column, longest_paths

# HiGHS's root LP on the compact model took ~15 s for 14k candidate shows (a 6-screen day)
# and over 45 s for 44k (14 screens) on a busy 2-core machine.
SHOWS_PER_SECOND = 1000
# Statuses after which HiGHS's dual bound holds (otherwise it may read 0: not run).
TRUSTED = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit)


@dataclass(frozen=True)
class CompactResult:
    """``bound``: HiGHS's dual bound (``inf`` if it proved nothing); ``schedule``: its best
    schedule, a column per screen-day (None if it found none)."""

    bound: float
    schedule: dict[int, Column] | None


def applicable(master: Master) -> bool:
    """Whether the compact model describes the block (no rows across midnight)."""
    return not master.ends and not master.starts and not master.phase_one


def useful_shows(master: Master, duals: np.ndarray, incumbent: float) -> np.ndarray:
    """Candidate shows of the block, ``(screen-days, films, points)``, that a schedule
    worth more than ``incumbent`` can use (reduced-cost fixing with ``duals``).

    As in ``Block.prove``: such a schedule's column of screen-day ``k`` is worth at least
    ``best[k] - slack`` under ``duals``, so a show is kept only if the best sequence
    through it is: the best sequence ending before it (forward pass) plus its value plus
    the best one after it (``longest_paths``' backward pass).
    """
    sp = master.space
    value = master.show_values(duals)
    nxt = sp.nxt[master.ks]
    paths = longest_paths(value, nxt)
    slack = max(master.lagrangian(duals, paths.value) - incumbent, 0.0)
    n_sd, n_films, n_points = value.shape
    before = np.zeros((n_sd, n_points + 1))  # best sequence over points < p
    rows = np.arange(n_sd)[:, None]
    for p in range(n_points):
        reach = before[:, p, None] + value[:, :, p]
        np.maximum.at(before, (np.broadcast_to(rows, reach.shape), nxt[:, :, p]), reach)
        before[:, p + 1] = np.maximum(before[:, p + 1], before[:, p])
    after = np.maximum(np.take_along_axis(paths.more, nxt.reshape(n_sd, -1), axis=1), 0.0)
    through = before[:, None, :n_points] + value + after.reshape(value.shape)
    return through >= paths.value[:, None, None] - slack - 1e-6 * max(slack, 1.0)


class CompactModel:
    """The compact MIP of one block, built once and solved from an incumbent.

    ``keep`` (``useful_shows``) leaves out the shows no better schedule can use; the
    dual bound then bounds the schedules better than the incumbent, so the block's bound
    is the larger of it and the incumbent's value.
    """

    def __init__(self, master: Master, keep: np.ndarray | None = None) -> None:
        sp = master.space
        self.master, self.n_points = master, sp.P
        ks = range(master.ks.start, master.ks.stop)
        self.ks = [k for k in ks if master.conv[k] >= 0]
        n_master = len(master.rhs)
        costs = [float(sp.weight[m, d]) for m, d, _ in master.y_cells]
        upper = [float(u) for u in master.y_ub]
        rows = [list(r) for r in master.y_rows]
        coefs = [[1.0] * len(r) for r in rows]
        self.y_count = len(costs)
        flow_lower = []
        node = {}
        for k in self.ks:
            for q in range(self.n_points + 1):
                node[k, q] = n_master + len(flow_lower)
                flow_lower.append(-1.0 if q == 0 else 1.0 if q == self.n_points else 0.0)
        self.arcs: list[tuple[int, int, int]] = []  # (k, film, point); film -1: idle
        for k in self.ks:
            for p in range(self.n_points):
                self.arcs.append((k, -1, p))
                rows.append([node[k, p], node[k, p + 1]])
                coefs.append([-1.0, 1.0])
            usable = sp.allowed[k] if keep is None else sp.allowed[k] & keep[k - ks.start]
            for m, p in np.argwhere(usable):
                m, p = int(m), int(p)
                coef = master.coefficients(k, ((m, p),))
                coef.pop(int(master.conv[k]), None)
                coef[node[k, p]] = coef.get(node[k, p], 0.0) - 1.0
                q = node[k, int(sp.nxt[k, m, p])]
                coef[q] = coef.get(q, 0.0) + 1.0
                self.arcs.append((k, m, p))
                rows.append(list(coef))
                coefs.append(list(coef.values()))
        n_arcs = len(self.arcs)
        costs += [0.0] * n_arcs
        upper += [1.0] * n_arcs
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_rel_gap", 1e-7)
        # The root LP is the slow part (degenerate for the dual simplex): IPM took 30 % less.
        h.setOptionValue("mip_lp_solver", "ipm")
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        lower_rows = np.concatenate([np.full(n_master, -INF), flow_lower])
        upper_rows = np.concatenate([np.asarray(master.rhs, dtype=float), flow_lower])
        h.addRows(len(lower_rows), lower_rows, upper_rows, 0, np.zeros(0, dtype=np.int32),
                  np.zeros(0, dtype=np.int32), np.zeros(0))
        starts = np.cumsum([0] + [len(r) for r in rows[:-1]]).astype(np.int32)
        h.addCols(len(costs), np.asarray(costs), np.zeros(len(costs)), np.asarray(upper),
                  sum(len(r) for r in rows), starts,
                  np.array([i for r in rows for i in r], dtype=np.int32),
                  np.array([v for c in coefs for v in c], dtype=float))
        h.changeColsIntegrality(n_arcs, np.arange(self.y_count, self.y_count + n_arcs,
                                                  dtype=np.int32),
                                np.full(n_arcs, highspy.HighsVarType.kInteger))
        self.h = h
        self._index = {arc: i for i, arc in enumerate(self.arcs)}
        self._idle = {k: self._index[k, -1, 0] for k in self.ks}  # idle arcs are in order

    def _start(self, schedule: dict[int, Column]) -> tuple[np.ndarray, np.ndarray] | None:
        """The arcs of ``schedule`` (every arc variable given; attendance left to HiGHS),
        None if it uses a show left out."""
        if any((k, m, p) not in self._index for k, c in schedule.items() for m, p in c):
            return None
        nxt = self.master.space.nxt
        values = np.zeros(len(self.arcs))
        for k in self.ks:
            idle, p = self._idle[k], 0
            for m, start in schedule.get(k, ()):
                values[idle + p:idle + start] = 1.0
                values[self._index[k, m, start]] = 1.0
                p = int(nxt[k, m, start])
            values[idle + p:idle + self.n_points] = 1.0
        return np.arange(self.y_count, self.y_count + len(self.arcs), dtype=np.int32), values

    def solve(self, schedule: dict[int, Column] | None, time_limit: float) -> CompactResult:
        """Branch-and-cut for ``time_limit`` seconds from ``schedule`` (if given)."""
        h = self.h
        start = None if schedule is None else self._start(schedule)
        if start is not None:
            h.setSolution(len(start[0]), *start)
        h.setOptionValue("time_limit", max(float(time_limit), 0.05) + h.getRunTime())
        h.run()
        info = h.getInfo()
        bound = float(info.mip_dual_bound)
        if h.getModelStatus() not in TRUSTED or not bound < INF:  # nothing proven
            bound = np.inf
        if info.primal_solution_status != 2:
            return CompactResult(bound, None)
        x = np.asarray(h.getSolution().col_value)[self.y_count:]
        chosen: dict[int, list[tuple[int, int]]] = {}
        for (k, m, p), v in zip(self.arcs, x, strict=True):
            if m >= 0 and v > 0.5:
                chosen.setdefault(k, []).append((m, p))
        return CompactResult(bound, {k: tuple(sorted(c, key=lambda mp: mp[1]))
                                     for k, c in chosen.items()})


def branch_and_cut(master: Master, duals: np.ndarray, schedule: dict[int, Column],
                   incumbent: float, deadline: float, seconds: float) -> CompactResult | None:
    """HiGHS's branch-and-cut on the block of ``master`` until ``deadline``, from
    ``schedule`` (worth ``incumbent``), over the shows a better schedule can use
    (``useful_shows`` with ``duals``); None, without trying, where the model does not apply
    or its root LP cannot be expected to finish in ``seconds`` (``SHOWS_PER_SECOND``)."""
    if not applicable(master) or len(duals) != len(master.rhs):  # rows added since
        return None
    keep = useful_shows(master, duals, incumbent)
    if keep.sum() > seconds * SHOWS_PER_SECOND:
        return None
    return CompactModel(master, keep).solve(schedule, deadline - time.perf_counter())
