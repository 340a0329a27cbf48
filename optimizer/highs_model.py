"""The master problem kept alive in HiGHS between solves (through ``highspy``).

Column generation solves the same LP dozens to hundreds of times, each time with a few
more columns. Rebuilding it through PuLP cost more than solving it (about 0.12 s of Python
per solve on a 14-screen day, as much again for HiGHS to start from scratch). Kept here,
new columns are appended to the model HiGHS already holds and the simplex restarts from the
last basis: a re-solve takes a few iterations. A MIP over the columns runs on a copy, so the
LP keeps its basis.

Rows are ``a x <= rhs``; for a maximisation HiGHS reports their duals as ``w >= 0`` (the
sign convention of ``optimizer.master``).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

INF = highspy.kHighsInf


@dataclass(frozen=True)
class Solved:
    """``found``: a solution is available; ``proven``: optimal (within the MIP gap)."""

    found: bool
    proven: bool
    objective: float
    values: np.ndarray  # of the columns added with ``add_columns``, in order
    duals: np.ndarray
    fixed_values: np.ndarray  # of the fixed columns (attendance first)


def _silent(threads: int = 1) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    return h


class PersistentModel:
    """An LP ``max c x s.t. A x <= rhs, 0 <= x <= ub`` that grows by columns.

    ``fixed`` columns (the master's attendance and artificial variables) come first; the
    columns added later are the ones ``Solved.values`` reports and the MIP makes binary.
    """

    def __init__(self, rhs: list[float], costs: list[float], upper: list[float],
                 rows: list[list[int]], coefs: list[list[float]]) -> None:
        self.h = _silent()
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        n_rows = len(rhs)
        self.h.addRows(n_rows, np.full(n_rows, -INF), np.asarray(rhs, dtype=float), 0,
                       np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
        self.first = len(costs)
        self._add(costs, [0.0] * len(costs), upper, rows, coefs)
        self._filled = np.zeros(n_rows, dtype=bool)
        for r in rows:
            self._filled[r] = True
        self._rhs = np.asarray(rhs, dtype=float)

    def _add(self, costs: list[float], lower: list[float], upper: list[float],
             rows: list[list[int]], coefs: list[list[float]]) -> None:
        if not costs:
            return
        starts = np.cumsum([0] + [len(r) for r in rows[:-1]]).astype(np.int32)
        index = np.array([i for r in rows for i in r], dtype=np.int32)
        value = np.array([v for c in coefs for v in c], dtype=float)
        self.h.addCols(len(costs), np.asarray(costs, dtype=float), np.asarray(lower, dtype=float),
                       np.asarray(upper, dtype=float), len(index), starts, index, value)

    def add_columns(self, columns: list[dict[int, float]]) -> None:
        """Append binary-to-be columns (cost 0, bounds [0, 1]) given as ``{row: coef}``."""
        rows = [list(c) for c in columns]
        for r in rows:
            self._filled[r] = True
        self._add([0.0] * len(columns), [0.0] * len(columns), [1.0] * len(columns), rows,
                  [list(c.values()) for c in columns])

    def add_row(self, rhs: float, columns: list[int], coefs: list[float]) -> None:
        """Append ``sum coefs * x[columns] <= rhs``; ``columns`` count the fixed columns
        first, then the added ones."""
        self.h.addRow(-INF, float(rhs), len(columns), np.asarray(columns, dtype=np.int32),
                      np.asarray(coefs, dtype=float))
        self._filled = np.append(self._filled, bool(columns))
        self._rhs = np.append(self._rhs, float(rhs))

    def set_bounds(self, columns: list[int], lower: float, upper: float) -> None:
        """Bounds of added columns (their indices in ``Solved.values``)."""
        for j in columns:
            self.h.changeColBounds(self.first + j, float(lower), float(upper))

    def set_rhs(self, row: int, rhs: float) -> None:
        self.h.changeRowBounds(row, -INF, float(rhs))
        self._rhs[row] = float(rhs)

    def _unservable(self, n_rows: int) -> bool:
        """A row no column touches yet with a negative right-hand side (a minimum nothing
        can serve): HiGHS would call the LP infeasible, the master calls it not found."""
        return bool(np.any(~self._filled[:n_rows] & (self._rhs[:n_rows] < -1e-9)))

    def solve(self, *, integer: bool, time_limit: float, gap: float | None = None,
              start: np.ndarray | None = None) -> Solved:
        n_cols, n_rows = self.h.getNumCol(), self.h.getNumRow()
        n_free = n_cols - self.first
        if self._unservable(n_rows):
            return Solved(False, False, -np.inf, np.zeros(n_free), np.zeros(n_rows),
                          np.zeros(self.first))
        h = self.h
        if integer:
            h = _silent()
            h.passModel(self.h.getLp())
            h.changeColsIntegrality(n_free, np.arange(self.first, n_cols, dtype=np.int32),
                                    np.full(n_free, highspy.HighsVarType.kInteger))
            if gap is not None:
                h.setOptionValue("mip_rel_gap", float(gap))
            if start is not None:
                index = np.arange(self.first, n_cols, dtype=np.int32)
                h.setSolution(n_free, index, np.asarray(start, dtype=float))
        h.setOptionValue("time_limit", max(float(time_limit), 0.05) + h.getRunTime())
        h.run()
        if not integer and h.getModelStatus() == highspy.HighsModelStatus.kUnknown:
            # The warm-started simplex sometimes stops with a few primal infeasibilities
            # and status "unknown" (seen after new columns on 14-screen days); run again
            # from where it stopped, then from scratch. Without this the LP counted as
            # unsolvable: a dive gave up at once and a cut round was lost.
            h.run()
            if h.getModelStatus() == highspy.HighsModelStatus.kUnknown:
                h.clearSolver()
                h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        found = info.primal_solution_status == 2  # feasible
        if not found:
            return Solved(False, False, -np.inf, np.zeros(n_free), np.zeros(n_rows),
                          np.zeros(self.first))
        solution = h.getSolution()
        values = np.asarray(solution.col_value)
        duals = np.zeros(n_rows) if integer else np.maximum(np.asarray(solution.row_dual), 0.0)
        return Solved(found=True, proven=status == highspy.HighsModelStatus.kOptimal,
                      objective=float(info.objective_function_value),
                      values=values[self.first:], duals=duals, fixed_values=values[:self.first])
