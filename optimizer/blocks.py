"""One block of days (a day, or a week when weekly limits link its days), solved alone.

A ``Block`` is worked on in steps (``Block.step``) so that the solver can share the time
budget between blocks and keep going until it is spent: column generation and cuts on the
sharing pools (``optimizer.pool_cuts``) for the bound; a dive from the LP and local search
(``optimizer.polish``) for a first good schedule; the MIP over the generated columns
started from it for a better one; a proof
of optimality when the remaining gap is small enough; then, for as long as there is time,
HiGHS's branch-and-cut on the compact model once where it fits (``optimizer.compact``),
and branch-and-price (``optimizer.branching``) lower the bound while exact re-planning of
a few screens (``Block.neighbourhood``), the MIP over every column generated so far and
further local search rounds look for better schedules. See ``optimizer.solver`` for why the model is
decomposed this way. (Over 300 lines: one class, whose steps share its state.)
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

import numpy as np

from optimizer.branching import Tree
from optimizer.colgen import generate_columns
from optimizer.compact import branch_and_cut
from optimizer.diagnosis import minimum_shortfalls
from optimizer.greedy import priced
from optimizer.master import Master, MasterSolution
from optimizer.model import Show
from optimizer.polish import polish
from optimizer.pool_cuts import separate
from optimizer.sequence_search import Column, enumerate_columns, longest_paths
from optimizer.space import Space
from optimizer.validate import violations
from optimizer.wording import Names

PROVEN_GAP = 1e-6
ENUMERATION_STEPS = 50_000  # search steps per screen-day when proving optimality
ENUMERATION_COLUMNS = 20_000
# The dive before the MIP over the columns: on 14-screen days priced under the pool cuts
# the MIP often finds nothing better than greedy's schedule in its time, the dive always does.
STAGES = ("generate", "dive", "integer", "prove", "search")
# A dive fixes at least 1/DIVE_FRACTION of the open screen-days per round. A sixth, not a
# third: on the 14-screen bench days (seeds 2, 3, 5) the schedule after dive and polish
# was nearer the bound on 16 of 21 days (seed 3's Saturday 1.05 % instead of 1.51 %), for
# about the same time (the LP re-optimises more often, but from closer each time).
DIVE_FRACTION = 6
DIVE_ROUNDS = 25  # LP solves of column generation per dive round
DIVE_FINISH_SECONDS = 1.0  # for the MIP that completes a dive cut short by the deadline
LNS_SCREENS = 4  # screens re-planned together by ``Block.neighbourhood``
LNS_DOUBT_FLOOR = 0.05  # every screen's weight in the draw, however sure the LP is of it
LNS_MOVES = 1000  # seeds of one ``Block.replan``'s moves: its seed * LNS_MOVES + move
COMPACT_SHARE = 0.5  # of a block's share of the budget, once every block has a bound
CUT_ROUNDS = 10  # of pool cuts (``optimizer.pool_cuts``), each followed by column generation


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
        self.lp_shows: np.ndarray | None = None  # the last root LP's show amounts
        self.root_bound = math.inf  # the LP relaxation's, before any branching
        self.status, self.message = "ok", ""  # or "infeasible" / "error"
        self.stage, self.rounds = 0, 0
        # Whether the MIP over the columns ever beat the incumbent: on 14-screen days it
        # never did in its time (HiGHS stalls on ~1000 columns), so the search rounds give
        # its turns to exact re-planning; on 10-screen days it usually does.
        self.integer_paid = False
        self.tree: Tree | None = None

    @property
    def upper(self) -> float:
        """A valid upper bound on the block's objective."""
        bound = self.bound if self.tree is None else min(self.bound, self.tree.bound)
        return max(bound, self.objective)

    @property
    def proven(self) -> bool:
        return (math.isfinite(self.upper)
                and self.upper - self.objective <= PROVEN_GAP * max(abs(self.upper), 1.0))

    def finished(self, rel_gap: float) -> bool:
        """Nothing more worth doing: failed, proven, or within ``rel_gap`` of its bound."""
        if self.status != "ok" or self.proven:
            return True
        return (STAGES[self.stage] == "search"
                and self.upper - self.objective <= rel_gap * max(abs(self.upper), 1.0))

    def step(self, solver: str, deadline: float, share: float, rel_gap: float) -> None:
        """Do the next piece of work, by ``deadline`` at the latest; ``share`` is this
        block's fair part of the time budget, which sizes the pieces."""
        now = time.perf_counter()

        def by(fraction: float) -> float:
            return min(deadline, now + fraction * share)

        stage = STAGES[self.stage]
        self.stage = min(self.stage + 1, len(STAGES) - 1)
        if stage == "generate":
            try:
                if not self.generate(solver, by(0.4), rel_gap / 4):
                    self.status = "infeasible"
                    self.message = minimum_shortfalls(self.space, self.days)
                    return
            except RuntimeError as exc:
                self.status, self.message = "error", str(exc)
                return
            self.tree = Tree(self.master, self.bound)
        elif stage == "dive":
            self.dive(solver, by(0.35))
            if self.objective == -math.inf:  # greedy missed a minimum and so did the dive
                self.integer(solver, by(0.5), rel_gap)
            if self.objective == -math.inf:
                names = Names(self.space.instance)
                self.status = "error"
                self.message = (f"no schedule meeting the distributor minimums was found in "
                                f"time for {names.day(self.days.start)} to "
                                f"{names.day(self.days.stop - 1)}")
                return
            self.polish(by(0.5))
        elif stage == "integer":
            self.integer(solver, by(0.15), rel_gap)
            self.replan(solver, by(0.25), 0)
        elif stage == "prove":
            self.prove(solver, by(0.1))
        else:
            self.rounds += 1
            if self.rounds == 1 and self.compact(solver, by(COMPACT_SHARE),
                                                 COMPACT_SHARE * share):
                return
            self.tree.step(solver, by(0.1), lambda: self.objective, self._offer)
            if self.rounds % 3 or not self.integer_paid:
                # Exact re-planning of a few screens, move after move: on 14-screen days
                # it earned 0.5 % in 15 s where local search earned 0.2 % and the MIP
                # over the columns 0.1 %.
                self.replan(solver, by(0.3), self.rounds)
            else:  # the columns branching and search generated, recombined
                self.integer(solver, by(0.2), rel_gap)
            self.polish(by(0.35), seed=self.rounds)

    def shows(self, schedule: dict[int, Column]) -> list[Show]:
        sp = self.space
        shows = [sp.fixed_show(f) for f in sp.instance.fixed if f.day in self.days]
        for k, column in schedule.items():
            shows += [sp.show(k, m, p) for m, p in column]
        return shows

    def evaluate(self, schedule: dict[int, Column]) -> float:
        return priced(self.space, self.shows(schedule)).objective

    def _offer(self, lam: np.ndarray) -> None:
        """Keep the MIP solution ``lam`` if it beats the incumbent."""
        self._keep({k: c for (k, c), v in zip(self.master.columns[:len(lam)], lam, strict=True)
                    if v > 0.5})

    def _keep(self, schedule: dict[int, Column]) -> None:
        """Keep ``schedule`` if it beats the incumbent and breaks no rule (its columns join
        the master). The rules are checked here, by ``optimizer.validate``, whichever
        heuristic proposed it: a schedule is never kept on a heuristic's word."""
        objective = self.evaluate(schedule)
        if objective >= self.objective and not violations(
                self.space.instance, self.shows(schedule), complete=self.days):
            self.schedule, self.objective = schedule, objective
            for k, column in schedule.items():
                self.master.add(k, column)

    def generate(self, solver: str, deadline: float, tolerance: float) -> bool:
        """Column generation (after a phase one if needed); False if proven infeasible."""
        if self.phase_one:
            first = Master(self.space, self.days, phase_one=True)
            for k, column in self.schedule.items():
                first.add(k, column)
            bound, _, _ = generate_columns(first, solver, deadline, 0.0)
            if bound < -1e-6:
                return False
            for k, column in first.columns:
                self.master.add(k, column)
        began = time.perf_counter()
        self.bound, self.duals, lp = generate_columns(self.master, solver, deadline,
                                                      tolerance)
        self.root_bound = self.bound
        self.cut_pools(solver, deadline, tolerance, lp, time.perf_counter() - began)
        return True

    def cut_pools(self, solver: str, deadline: float, tolerance: float, lp: MasterSolution,
                  round_seconds: float) -> None:
        """Rounds of pool cuts (``optimizer.pool_cuts``) on the LP solution ``lp``, each
        followed by column generation, while a round (``round_seconds``) fits before
        ``deadline``. The cuts stay in the master: valid for every schedule, they tighten
        every later bound, and the columns priced under them suit the MIP better."""
        for i in range(CUT_ROUNDS):
            # The first round is worth most (about 1 % of a 14-screen day's bound): it
            # runs whenever time is left at all.
            if (time.perf_counter() + (round_seconds if i else 0.0) > deadline
                    or not separate(self.master, lp)):
                break
            try:
                bound, duals, lp = generate_columns(self.master, solver, deadline, tolerance)
            except RuntimeError:  # the LP did not finish in time: the bound stands
                break
            if bound < self.bound:
                self.bound, self.duals = bound, duals
        self.lp_shows = self.master.show_amounts(lp.lam)
        if self.duals is not None:  # rows added since: their duals 0 give the same bound
            self.duals = np.append(self.duals, np.zeros(len(self.master.rhs) - len(self.duals)))

    def integer(self, solver: str, deadline: float, gap: float) -> None:
        """MIP over the generated columns, started from the incumbent if there is one."""
        start = None
        if self.objective > -math.inf:
            index = {kc: j for j, kc in enumerate(self.master.columns)}
            start = [index[kc] for kc in self.schedule.items()]
        mip = self.master.solve(solver, integer=True, gap=gap,
                                time_limit=deadline - time.perf_counter(), start=start)
        if mip.found:
            before = self.objective
            self._offer(mip.lam)
            self.integer_paid |= self.objective > before

    def dive(self, solver: str, deadline: float) -> None:
        """Primal heuristic: fix the columns the LP is surest of (every one at 0.9 or more,
        and at least ``1 / DIVE_FRACTION`` of the open screen-days, largest first),
        re-optimise the other screen-days by column generation, and repeat until each
        screen-day has its column or stays idle; keep the result if it beats the
        incumbent. The MIP over generated columns stalls on 10+ screens (6-10 % below the
        bound after 10 s on 14-screen days); diving lands within a few percent in a few
        seconds."""
        master, ks = self.master, self.master.ks
        frozen = master.conv[ks] < 0
        fixed: list[int] = []
        banned: list[int] = []
        last: list[int] = []
        try:
            while True:
                if time.perf_counter() >= deadline:
                    if fixed:  # out of time: the MIP over the columns settles the rest
                        mip = master.solve(solver, integer=True, gap=1e-3,
                                           time_limit=DIVE_FINISH_SECONDS)
                        if mip.found:
                            self._offer(mip.lam)
                    return
                try:
                    *_, lp = generate_columns(master, solver, deadline, 0.0, frozen=frozen,
                                              rounds=DIVE_ROUNDS)
                except RuntimeError:  # the last fixing broke a row: a minimum or a maximum
                    if not last:
                        return
                    master.set_bounds(last, 0.0, 0.0)
                    banned += last
                    fixed = [j for j in fixed if j not in last]
                    for j in last:
                        frozen[master.columns[j][0] - ks.start] = False
                    last = []
                    continue
                if frozen.all():  # every screen-day fixed, and the LP says they fit together
                    break
                open_ = ~frozen[[k - ks.start for k, _ in master.columns[:len(lp.lam)]]]
                lam = np.where(open_, lp.lam, 0.0)
                if lam.max(initial=0.0) <= 1e-6:  # the rest is best left idle
                    break
                # Everything the LP is sure of, and at least a share of the screen-days
                # left, most likely first (one column per screen-day).
                order = np.argsort(-lam, kind="stable")
                least = max(1, -(-int((~frozen).sum()) // DIVE_FRACTION))
                best: dict[int, int] = {}
                for j in order:
                    k = master.columns[j][0]
                    if lam[j] <= 1e-6 or (len(best) >= least and lam[j] < 0.9):
                        break
                    best.setdefault(k, int(j))
                last = list(best.values())
                master.set_bounds(last, 1.0, 1.0)
                fixed += last
                for j in last:
                    frozen[master.columns[j][0] - ks.start] = True
            self._offer(np.isin(np.arange(len(master.columns)), fixed).astype(float))
        finally:
            master.set_bounds(fixed + banned, 0.0, 1.0)

    def neighbourhood(self, solver: str, deadline: float, seed: int) -> None:
        """Large-neighbourhood search: keep the incumbent on all but a few screens of one
        day, re-plan those few together by column generation and an exact MIP over the
        columns. Where local search re-plans one or two screens against marginal values,
        this moves several at once with the audience shared exactly, which gets out of
        the local optima that local search stalls in."""
        if self.objective == -math.inf:
            return
        sp, master, ks = self.space, self.master, self.master.ks
        rng = np.random.default_rng(seed)
        day = int(rng.choice(np.array(self.days)))
        doubt = self._doubt(day)
        screens = rng.choice(sp.n_screens, min(LNS_SCREENS, sp.n_screens), replace=False,
                             p=doubt / doubt.sum())
        free = {day * sp.n_screens + int(s) for s in screens}
        index = {kc: j for j, kc in enumerate(master.columns)}
        kept = [index[kc] for kc in self.schedule.items() if kc[0] not in free]
        idle = [int(master.conv[k]) for k in range(ks.start, ks.stop)
                if k not in free and k not in self.schedule and master.conv[k] >= 0]
        frozen = np.array([k not in free for k in range(ks.start, ks.stop)])
        master.set_bounds(kept, 1.0, 1.0)
        for row in idle:
            master.set_rhs(row, 0.0)
        try:
            generate_columns(master, solver, deadline, 0.0, frozen=frozen, rounds=DIVE_ROUNDS)
            mip = master.solve(solver, integer=True, gap=1e-6,
                               time_limit=max(deadline - time.perf_counter(), 0.1),
                               start=[index[kc] for kc in self.schedule.items()])
            if mip.found:
                self._offer(mip.lam)
        except RuntimeError:  # an LP the solver could not finish in time
            return
        finally:
            master.set_bounds(kept, 0.0, 1.0)
            for row in idle:
                master.set_rhs(row, 1.0)

    def _doubt(self, day: int) -> np.ndarray:
        """Per screen of ``day``, the share of the incumbent's shows there that the root
        LP does not run (an idle screen: 0), plus ``LNS_DOUBT_FLOOR``.

        As in RINS, what the incumbent and the relaxation agree on is likely right and
        the rest is where to search: on 14-screen days re-planning screens drawn by
        these weights earned about 40 % more in the same time than drawing them
        uniformly (seed 3, Saturday and Sunday, two draws each)."""
        sp = self.space
        doubt = np.zeros(sp.n_screens)
        if self.lp_shows is not None:
            for s in range(sp.n_screens):
                k = day * sp.n_screens + s
                column = self.schedule.get(k, ())
                if column:
                    lp = self.lp_shows[k - self.master.ks.start]
                    doubt[s] = sum(1.0 - min(1.0, lp[m, p]) for m, p in column) / len(column)
        return doubt + LNS_DOUBT_FLOOR

    def replan(self, solver: str, deadline: float, seed: int) -> None:
        """``neighbourhood`` moves until ``deadline``, seeded from ``seed``."""
        moves = 0
        while time.perf_counter() < deadline and self.objective > -math.inf:
            self.neighbourhood(solver, deadline, seed * LNS_MOVES + moves)
            moves += 1

    def compact(self, solver: str, deadline: float, seconds: float) -> bool:
        """HiGHS on the block's compact model where it fits in ``seconds``
        (``optimizer.compact.branch_and_cut``); returns whether it ran."""
        if solver != "highs" or self.duals is None or self.objective == -math.inf:
            return False
        result = branch_and_cut(self.master, self.duals, self.schedule, self.objective,
                                deadline, seconds)
        if result is None:
            return False
        self.bound = min(self.bound, max(result.bound, self.objective))
        if result.schedule is not None:
            self._keep(result.schedule)
        return True

    def polish(self, deadline: float, seed: int = 0) -> None:
        if self.objective > -math.inf:
            self.schedule = polish(self.space, self.schedule, self.days, deadline, seed)
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


