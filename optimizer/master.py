"""Restricted master problem of the column generation, built and solved through PuLP.

Variables: ``lam[c]`` picks column ``c`` (a show sequence of one screen-day) and ``Y[m,d,b]``
is the attendance of film ``m`` on day ``d`` over shows starting in audience bucket ``b``.
Every row is written as ``a x <= b`` so that duals ``w >= 0`` have one sign convention:

* ``conv[k]``       ``sum lam over columns of screen-day k <= 1`` (idle screen otherwise)
* ``link[m,d,b]``   ``Y[m,d,b] - sum_c lam[c] * caps of c's shows in (m,d,b) <= fixed caps``
* ``pool[m,d,j]``   ``sum_{b in j} Y[m,d,b] - e peak * (shows in j) <= peak * (1 - e + e *
  fixed shows in j)``, the count-based pool of ``optimizer.audience``
* ``crowd[m,d,j]``  ``shows in j <= max_shows_per_window - fixed shows in j``
* ``day/week max``  ``shows <= max - fixed``; ``min`` rows ``-shows <= fixed - min``
* ``stagger[a]``    ``starts in [a, a + W) <= K - fixed starts there`` (horizon minutes)
* ``carry[s,d,e,t]`` ``[screen-day (s,d) busy after point t of day e] + [screen-day (s,e)
  starts by t] <= 1``: where business days meet at midnight (``Space.carry``), the last
  show of a screen's day must end before the screen's next day begins
* ``ShowRow``      a sum of one film-day's shows (weighted per screen and point) ``<= a``:
  the decisions of branch-and-price (``optimizer.branching``), switched off between nodes

Objective: ``sum priority * price * Y``. Under duals ``w`` a column's value is a sum over its
shows plus, through the carry rows, terms for its first start and last end, so pricing is a
longest path (``optimizer.sequence_search``). For any ``w >= 0`` Lagrangian
duality gives the upper bound ``sum_{rows but conv} w b + sum_Y max(0, rc_Y) ub_Y +
sum_k max(0, best column value of k)``, valid for every schedule of the model, not only
for the generated columns; ``lagrangian`` computes it.

Phase one (``phase_one=True``) replaces revenue by ``-sum of artificial slack`` on the
minimum rows, to find columns that meet the distributor minimums when greedy could not.

(Over 300 lines: one class, the LP and its rows, whose builders share the row indexes.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pulp

from optimizer.audience import containing_windows, covered_buckets
from optimizer.highs_model import INF, PersistentModel
from optimizer.model import MINUTES_PER_DAY, daily_minimum, week_days, weekly_minimum
from optimizer.sequence_search import Column
from optimizer.space import Space

# PuLP passes each solver's own dual sign through; for "<=" rows of a maximisation CBC
# reports w >= 0 and HiGHS -w (HiGHS's own interface, used for "highs", gives w).
DUAL_SIGN = {"cbc": 1.0, "highs": -1.0}
UNLIMITED = math.inf


@dataclass(frozen=True)
class MasterSolution:
    """``found``: a solution is available; ``proven``: the solver proved it optimal."""

    found: bool
    proven: bool
    objective: float
    lam: np.ndarray
    duals: np.ndarray
    y: np.ndarray | None = None  # attendance, per ``Master.y_cells`` (LP solutions)


@dataclass(frozen=True)
class ShowRow:
    """A row on one film-day's shows, ``sum alpha[s, p] * [show of the film on screen s at
    point p] (+ Y[y_cells[y]] if y >= 0) <= rhs``: a branching decision of
    ``optimizer.branching``, or a cut on a sharing pool (``optimizer.pool_cuts``)."""

    film: int
    day: int
    row: int
    alpha: np.ndarray  # (screens, points) of the day
    y: int = -1  # the attendance variable the row also holds (coefficient 1), if any


def make_solver(name: str, time_limit: float | None, gap: float | None,
                warm: bool = False) -> pulp.LpSolver:
    """PuLP solver object: "cbc" (bundled CBC) or "highs" (highspy)."""
    limit = None if time_limit is None else max(1.0, float(time_limit))
    # One thread each: blocks already run side by side (``optimizer.solver``).
    if name == "cbc":
        return pulp.PULP_CBC_CMD(msg=False, timeLimit=limit, gapRel=gap, threads=1,
                                 warmStart=warm)
    if name == "highs":
        return pulp.HiGHS(msg=False, timeLimit=limit, gapRel=gap, threads=1)
    raise ValueError(f"unknown solver {name!r}: use 'cbc' or 'highs'")


class Master:
    """Rows, attendance variables and the growing column pool of one block of days.

    Days are independent but for weekly limits, so the solver builds one master per day,
    or per week when weekly rows exist (see ``optimizer.solver``); ``days`` is the block.
    """

    def __init__(self, space: Space, days: range, phase_one: bool = False) -> None:
        self.space, self.days, self.phase_one = space, days, phase_one
        self.ks = slice(days.start * space.n_screens, days.stop * space.n_screens)
        self.rhs: list[float] = []
        self.columns: list[tuple[int, Column]] = []
        self.col_rows: list[dict[int, float]] = []
        self._seen: set[tuple[int, Column]] = set()
        self._model: PersistentModel | None = None
        self._synced = 0
        self.show_rows: list[ShowRow] = []
        self.bounds: dict[int, tuple[float, float]] = {}  # columns not in [0, 1]
        self._rows_of: dict[tuple[int, int], list[ShowRow]] = {}
        sp = space
        self.in_block = np.isin(np.arange(sp.n_days), np.array(days))
        self.conv = self._rows(sp.allowed.any(axis=(1, 2))
                               & np.repeat(self.in_block, sp.n_screens), 1.0)
        self._audience_rows()
        self._count_rows()
        limit = sp.instance.rules.stagger_max_starts
        self.stagger = self._rows(sp.win_active & self.in_block[sp.win_day],
                                  np.maximum(limit - sp.win_fixed, 0))
        self._carry_rows()

    def _rows(self, active: np.ndarray, rhs: np.ndarray | float) -> np.ndarray:
        """Number new rows for the active cells; inactive cells get -1."""
        ids = np.full(active.shape, -1, dtype=np.int64)
        n = int(active.sum())
        ids[active] = np.arange(len(self.rhs), len(self.rhs) + n)
        self.rhs += list(np.broadcast_to(np.asarray(rhs, dtype=float), active.shape)[active])
        return ids

    def _audience_rows(self) -> None:
        sp = self.space
        used = np.zeros((sp.n_movies, sp.n_days, sp.NB), dtype=bool)
        for d in self.days:
            can = sp.allowed[d * sp.n_screens:(d + 1) * sp.n_screens].any(axis=0)  # (M, P)
            m_ix, p_ix = np.nonzero(can)
            used[m_ix, d, sp.point_bucket[d, p_ix]] = True
        used |= (sp.fixed_cap > 0) & self.in_block[None, :, None]
        self.link = self._rows(used, sp.fixed_cap)
        window_used = covered_buckets(used, sp.n_win).any(axis=3)
        n_fixed = covered_buckets(sp.fixed_n, sp.n_win).sum(axis=3)
        self.pool_coef = sp.extra * sp.peaks  # per show of the film in the window
        self.pool = self._rows(window_used, sp.peaks * (1.0 - sp.extra) + self.pool_coef
                               * n_fixed)
        # Kept shows may already exceed a limit; new shows then add nothing to it.
        self.crowd = self._rows(window_used,
                                np.maximum(sp.instance.rules.max_shows_per_window - n_fixed, 0))
        self.y_cells = np.argwhere(used)
        self.y_rows = [[int(self.link[m, d, b])]
                       + [int(r) for r in self.pool[m, d, b:b + sp.n_win] if r >= 0]
                       for m, d, b in self.y_cells]
        self.y_ub = self._y_bounds()[used]

    def _y_bounds(self) -> np.ndarray:
        """Most attendance a bucket can hold: per screen, the most shows that can start in
        it times the largest audience cap there, plus the fixed shows."""
        sp = self.space
        per_screen = -(-sp.instance.rules.audience_bucket_minutes // sp.occ)  # (S, M)
        top = np.zeros((sp.n_days, sp.n_screens, sp.n_movies, sp.NB))
        for d in self.days:
            cap = sp.cap_u[d * sp.n_screens:(d + 1) * sp.n_screens]
            for i in np.unique(sp.point_bucket[d, :sp.n_points[d]]):
                top[d, :, :, i] = cap[:, :, sp.point_bucket[d] == i].max(axis=2)
        weighted = top * per_screen[None, :, :, None]
        return weighted.sum(axis=1).transpose(1, 0, 2) + sp.fixed_cap

    def _count_rows(self) -> None:
        sp, inst = self.space, self.space.instance
        day_max = np.array([[m.terms.max_per_day if m.terms.max_per_day is not None
                             else UNLIMITED] for m in inst.movies]) - sp.fixed_day
        day_max = np.maximum(day_max, 0)
        day_min = np.array([[daily_minimum(m, inst.start_date, d) for d in range(sp.n_days)]
                            for m in inst.movies]) - sp.fixed_day
        block = self.in_block[None, :]
        self.day_max = self._rows(np.isfinite(day_max) & block,
                                  np.where(np.isfinite(day_max), day_max, 0))
        self.day_min = self._rows((day_min > 0) & block, -day_min)
        weeks = week_days(sp.n_days)
        self.week_of_day = np.array([d // 7 for d in range(sp.n_days)])
        whole = np.array([[all(self.in_block[d] for d in w) for w in weeks]])
        fixed_week = np.stack([sp.fixed_day[:, w.start:w.stop].sum(axis=1) for w in weeks], 1)
        week_max = np.array([[m.terms.max_per_week if m.terms.max_per_week is not None
                              else UNLIMITED] for m in inst.movies]) - fixed_week
        week_max = np.maximum(week_max, 0)
        week_min = np.array([[weekly_minimum(m, inst.start_date, w) for w in weeks]
                             for m in inst.movies]) - fixed_week
        self.week_max = self._rows(np.isfinite(week_max) & whole,
                                   np.where(np.isfinite(week_max), week_max, 0))
        self.week_min = self._rows((week_min > 0) & whole, -week_min)

    def _carry_rows(self) -> None:
        """Rows of ``Space.carry`` within the block, indexed by screen-day: ``ends[k]``
        lists ``(threshold horizon minutes, rows)`` where k is the earlier day, ``starts[k]``
        ``(threshold points, rows)`` where it is the later one."""
        sp = self.space
        self.ends: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        self.starts: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        for s, d, later, points in sp.carry:
            if self.in_block[d]:
                rows = self._rows(np.ones(len(points), dtype=bool), 1.0)
                self.ends.setdefault(d * sp.n_screens + s, []).append(
                    (sp.horizon[later, points], rows))
                self.starts.setdefault(later * sp.n_screens + s, []).append((points, rows))

    # ----------------------------------------------------------------- columns
    def add(self, k: int, column: Column) -> bool:
        """Add a column unless it is empty or known; return whether it was added."""
        if not column or (k, column) in self._seen:
            return False
        self._seen.add((k, column))
        self.columns.append((k, column))
        self.col_rows.append(self.coefficients(k, column))
        return True

    def coefficients(self, k: int, column: Column) -> dict[int, float]:
        """``{row: coefficient}`` of ``column`` on screen-day ``k`` (not empty)."""
        sp = self.space
        d = k // sp.n_screens
        w = self.week_of_day[d]
        coef: dict[int, float] = {}

        def put(row: int, value: float) -> None:
            if row >= 0:
                coef[row] = coef.get(row, 0.0) + value

        put(int(self.conv[k]), 1.0)
        for m, p in column:
            b = int(sp.point_bucket[d, p])
            put(int(self.link[m, d, b]), -float(sp.cap_u[k, m, p]))
            for j in range(b, b + sp.n_win):
                put(int(self.pool[m, d, j]), -float(self.pool_coef[m, d, j]))
                put(int(self.crowd[m, d, j]), 1.0)
            put(int(self.day_max[m, d]), 1.0)
            put(int(self.day_min[m, d]), -1.0)
            put(int(self.week_max[m, w]), 1.0)
            put(int(self.week_min[m, w]), -1.0)
            for row in self.stagger[sp.win_lo[d, p]:sp.win_hi[d, p]]:
                put(int(row), 1.0)
        s = k % sp.n_screens
        for m, p in column:
            for show_row in self._rows_of.get((m, d), ()):
                put(show_row.row, float(show_row.alpha[s, p]))
        m, p = column[-1]
        end = int(sp.finish[k, m, p]) + d * MINUTES_PER_DAY
        for thresholds, rows in self.ends.get(k, ()):
            for row in rows[thresholds < end]:
                put(int(row), 1.0)
        for points, rows in self.starts.get(k, ()):
            for row in rows[points >= column[0][1]]:
                put(int(row), 1.0)
        return coef

    # ----------------------------------------------------------------- duals
    def show_amounts(self, lam: np.ndarray) -> np.ndarray:
        """How much of every candidate show of the block the column values ``lam`` run
        (an LP's may be fractional), shape ``(screen-days of the block, films, points)``."""
        x = np.zeros(self.space.allowed[self.ks].shape)
        for (k, column), value in zip(self.columns, lam, strict=False):
            if value > 1e-9:
                for m, p in column:
                    x[k - self.ks.start, m, p] += value
        return x

    def show_values(self, duals: np.ndarray) -> np.ndarray:
        """Value of every candidate show of the block under ``duals`` (``-inf`` where not
        allowed), shape ``(screen-days of the block, films, points)``."""
        sp, days = self.space, np.array(self.days)
        ext = np.append(duals, 0.0)  # row id -1 (no row) reads the appended 0
        films = np.arange(sp.n_movies)[None, :, None]
        at = (days[:, None, None], films, sp.point_bucket[days][:, None, :])

        def per_bucket(window_cells: np.ndarray) -> np.ndarray:
            """(M, D, windows) -> (block days, M, P): summed over the windows of a point."""
            summed = containing_windows(window_cells, sp.n_win).sum(axis=3)
            return summed.transpose(1, 0, 2)[at]

        shared = per_bucket(ext[self.pool] * self.pool_coef - ext[self.crowd])
        link = ext[self.link].transpose(1, 0, 2)[at]
        weeks = self.week_of_day[days]
        count = (ext[self.day_min][:, days] - ext[self.day_max][:, days]
                 + ext[self.week_min][:, weeks] - ext[self.week_max][:, weeks])  # (M, Db)
        cum = np.concatenate([[0.0], np.cumsum(ext[self.stagger])])
        stagger = cum[sp.win_hi[days]] - cum[sp.win_lo[days]]
        allowed = sp.allowed[self.ks]
        cap = sp.cap_u[self.ks].reshape(len(days), sp.n_screens, sp.n_movies, sp.P)
        value = (link[:, None] * cap + (count.T[:, :, None] + shared)[:, None]
                 - stagger[:, None, None, :])
        for show_row in self.show_rows:
            if ext[show_row.row] > 0:
                value[show_row.day - self.days.start, :, show_row.film, :] -= (
                    ext[show_row.row] * show_row.alpha)
        return np.where(allowed, value.reshape(allowed.shape), -np.inf)

    # ----------------------------------------------------------------- branching rows
    def add_show_row(self, film: int, day: int, alpha: np.ndarray, rhs: float,
                     y: int = -1) -> int:
        """Add a ``ShowRow`` to every column and the HiGHS model; returns its row. ``y``:
        the attendance variable (index of ``y_cells``) the row also holds, if any."""
        sp = self.space
        if self._model is not None:
            self._highs_model()  # sync the columns first: they get the new row below
        row = len(self.rhs)
        self.rhs.append(float(rhs))
        touched = []
        for j, (k, column) in enumerate(self.columns):
            if k // sp.n_screens != day:
                continue
            coef = sum(float(alpha[k % sp.n_screens, p]) for m, p in column if m == film)
            if coef:
                self.col_rows[j][row] = coef
                touched.append((j, coef))
        held = [] if y < 0 else [y]
        if y >= 0:
            self.y_rows[y].append(row)
        if self._model is not None:
            self._model.add_row(rhs, held + [self._model.first + j for j, _ in touched],
                                [1.0] * len(held) + [c for _, c in touched])
        show_row = ShowRow(film, day, row, alpha, y)
        self.show_rows.append(show_row)
        self._rows_of.setdefault((film, day), []).append(show_row)
        return row

    def set_bounds(self, columns: list[int], lower: float, upper: float) -> None:
        """Force columns in (1, 1), out (0, 0) or leave them free (0, 1)."""
        for j in columns:
            self.bounds[j] = (lower, upper)
            if (lower, upper) == (0.0, 1.0):
                del self.bounds[j]
        if self._model is not None:
            self._highs_model()
            self._model.set_bounds(columns, lower, upper)

    def set_rhs(self, row: int, rhs: float) -> None:
        self.rhs[row] = float(rhs)
        if self._model is not None:
            self._model.set_rhs(row, rhs)

    def path_terms(self, duals: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The carry rows' share of a column's value under ``duals``, as the ``first`` and
        ``last`` terms of ``optimizer.sequence_search.longest_paths`` (None, None without them)."""
        if not self.ends:
            return None, None
        sp = self.space
        n = self.ks.stop - self.ks.start
        first, last = np.zeros((n, sp.P)), np.zeros((n, sp.n_movies, sp.P))
        for k, groups in self.ends.items():
            end = sp.finish[k] + (k // sp.n_screens) * MINUTES_PER_DAY
            for thresholds, rows in groups:
                cum = np.concatenate([[0.0], np.cumsum(duals[rows])])
                last[k - self.ks.start] -= cum[np.searchsorted(thresholds, end)]
        for k, groups in self.starts.items():
            for points, rows in groups:
                cum = np.concatenate([[0.0], np.cumsum(duals[rows])])
                first[k - self.ks.start] -= cum[-1] - cum[np.searchsorted(points,
                                                                          np.arange(sp.P))]
        return first, last

    def lagrangian(self, duals: np.ndarray, best_value: np.ndarray) -> float:
        """Upper bound from ``duals`` and the best column value of each screen-day of the
        block; valid for any ``duals >= 0`` (see module docstring), ``inf`` if an
        unbounded artificial variable would still pay."""
        sp = self.space
        ext = np.append(duals, 0.0)
        conv = self.conv[self.ks]
        total = float(duals @ np.asarray(self.rhs)) - float(duals[conv[conv >= 0]].sum())
        total += float(np.maximum(best_value[conv >= 0], 0.0).sum())
        pool = containing_windows(ext[self.pool], sp.n_win).sum(axis=3)
        m, d, b = self.y_cells.T
        weight = np.zeros(len(m)) if self.phase_one else sp.weight[m, d]
        reduced = weight - ext[self.link[m, d, b]] - pool[m, d, b]
        for show_row in self.show_rows:
            if show_row.y >= 0:
                reduced[show_row.y] -= duals[show_row.row]
        total += float(np.maximum(reduced, 0.0) @ self.y_ub)
        if self.phase_one and np.any(duals[self._minimum_rows()] > 1.0 + 1e-9):
            return math.inf
        return total

    def _minimum_rows(self) -> np.ndarray:
        return np.concatenate([self.day_min[self.day_min >= 0],
                               self.week_min[self.week_min >= 0]])

    # ----------------------------------------------------------------- solving
    def solve(self, solver: str, *, integer: bool, time_limit: float | None = None,
              gap: float | None = None, start: list[int] | None = None) -> MasterSolution:
        """Solve the LP relaxation or the MIP over the current columns.

        ``start`` (column indices) is the MIP start. HiGHS keeps the model between solves
        (``optimizer.highs_model``); CBC gets it rebuilt through PuLP each time.
        """
        if solver == "highs":
            return self._solve_highs(integer, time_limit, gap, start)
        return self._solve_pulp(solver, integer, time_limit, gap, start)

    def _highs_model(self) -> PersistentModel:
        if self._model is None:
            weights = [0.0 if self.phase_one else float(self.space.weight[m, d])
                       for m, d, _ in self.y_cells]
            rows = [list(r) for r in self.y_rows]
            coefs = [[1.0] * len(r) for r in rows]
            upper = [float(u) for u in self.y_ub]
            if self.phase_one:
                artificial = self._minimum_rows().tolist()
                weights += [-1.0] * len(artificial)
                upper += [INF] * len(artificial)
                rows += [[r] for r in artificial]
                coefs += [[-1.0]] * len(artificial)
            self._model = PersistentModel(self.rhs, weights, upper, rows, coefs)
            self._synced = 0
        if self._synced < len(self.col_rows):
            self._model.add_columns(self.col_rows[self._synced:])
            self._synced = len(self.col_rows)
        return self._model

    def _solve_highs(self, integer: bool, time_limit: float | None, gap: float | None,
                     start: list[int] | None) -> MasterSolution:
        model = self._highs_model()
        values = None
        if start is not None:
            values = np.zeros(len(self.columns))
            values[start] = 1.0
        out = model.solve(integer=integer, time_limit=UNLIMITED if time_limit is None
                          else time_limit, gap=gap, start=values)
        return MasterSolution(found=out.found, proven=out.proven, objective=out.objective,
                              lam=out.values, duals=out.duals,
                              y=out.fixed_values[:len(self.y_cells)])

    def _solve_pulp(self, solver: str, integer: bool, time_limit: float | None,
                    gap: float | None, start: list[int] | None) -> MasterSolution:
        prob = pulp.LpProblem("schedule", pulp.LpMaximize)
        cat = pulp.LpBinary if integer else pulp.LpContinuous
        lam = [pulp.LpVariable(f"c{j}", *self.bounds.get(j, (0, 1)), cat)
               for j in range(len(self.columns))]
        terms: list[list[tuple[pulp.LpVariable, float]]] = [[] for _ in self.rhs]
        for var, coef in zip(lam, self.col_rows, strict=True):
            for r, c in coef.items():
                terms[r].append((var, c))
        objective, ys = [], []
        for i, ub in enumerate(self.y_ub):
            var = pulp.LpVariable(f"y{i}", 0, float(ub))
            ys.append(var)
            m, d, _ = self.y_cells[i]
            weight = 0.0 if self.phase_one else float(self.space.weight[m, d])
            objective.append((var, weight))
            for r in self.y_rows[i]:
                terms[r].append((var, 1.0))
        if self.phase_one:
            for r in self._minimum_rows().tolist():
                var = pulp.LpVariable(f"a{r}", 0)
                objective.append((var, -1.0))
                terms[r].append((var, -1.0))
        prob.setObjective(pulp.LpAffineExpression(objective))
        constraints = {}
        for r, row in enumerate(terms):
            if row:
                constraints[r] = pulp.LpConstraint(pulp.LpAffineExpression(row),
                                                   pulp.LpConstraintLE, f"r{r}", self.rhs[r])
                prob.addConstraint(constraints[r])
            elif self.rhs[r] < -1e-9:  # e.g. a minimum no column can serve yet
                return MasterSolution(False, False, -math.inf, np.zeros(len(lam)),
                                      np.zeros(len(self.rhs)))
        if start is not None:
            for var in lam:
                var.setInitialValue(0.0)
            for j in start:
                lam[j].setInitialValue(1.0)
        prob.solve(make_solver(solver, time_limit, gap, warm=start is not None))
        found = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        duals = np.zeros(len(self.rhs))
        if found and not integer:
            for r, con in constraints.items():
                duals[r] = DUAL_SIGN[solver] * (con.pi or 0.0)
        return MasterSolution(
            found=found,
            proven=prob.sol_status == pulp.LpSolutionOptimal
            and prob.status == pulp.LpStatusOptimal,
            objective=float(pulp.value(prob.objective) or 0.0) if found else -math.inf,
            lam=np.array([v.varValue or 0.0 for v in lam]),
            duals=np.maximum(duals, 0.0),
            y=np.array([v.varValue or 0.0 for v in ys]),
        )
