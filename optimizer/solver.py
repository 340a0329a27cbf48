"""Revenue-maximising weekly schedule by column generation and branch-and-price.

Why not one MIP: a binary per (film, screen, start) is 14 x 20 x 170 x 7 ~ 330k binaries
with ~10^6 overlap rows for a week, and CBC stalls on a single 14-screen day. The rules
split cleanly instead: overlap, hours, closures, formats, room size and family cut-offs
concern one screen-day; only counts, staggering and the shared audience link screens.
Following Eliashberg et al. (2009, "Demand-driven scheduling of movies in a multiplex",
IJRM), a column is a complete show sequence of one screen-day and the master
(``optimizer.master``) picks one per screen-day (set partitioning) subject to the linking
rows. Columns are generated on demand: the master LP's duals turn into a value per
candidate show and the best sequence of every screen-day is a longest path over its grid
(``optimizer.sequence_search``), exact and vectorised, so the LP over *all* sequences is solved
without listing them.

Days only interact through weekly distributor limits and across midnight, so the horizon
is cut into blocks: single days, whole weeks when a film has a weekly limit, runs of days
linked across midnight (``Space.links``). Blocks are independent problems worked on side
by side by ``workers`` processes or threads (``optimizer.runner``), each in steps
(``optimizer.blocks``): (1) the greedy
schedule gives the first columns and the baseline (a phase-one LP finds columns meeting
the distributor minimums if greedy could not); (2) stabilised column generation until the
bound is tight (the LP is kept alive in HiGHS, ``optimizer.highs_model``), then rounds of
cuts on the sharing pools (``optimizer.pool_cuts``) and column generation again; (3) a dive
from the LP and local search re-planning one or two screens at a time
(``optimizer.polish``); (4) the MIP over the generated columns started from the
incumbent; (5) if the gap is small
enough, every column whose reduced cost could still close it is enumerated and the MIP
re-solved, which proves optimality; (6) then, until the time limit: where its root LP
fits the block's share of the budget, HiGHS's branch-and-cut on the block's compact model
(``optimizer.compact``), whose cuts lower the bound and whose search may find better
schedules; rounds of branch-and-price that lower the bound (``optimizer.branching``), a
large-neighbourhood search that re-plans a few screens together exactly, and more local
search. Free workers
always take the block whose bound is furthest above its schedule, so time goes where the
gap is; the run ends early only when every block is proven or the whole schedule is
within ``rel_gap`` of its bound.

Bound: the sum over blocks of the best bound each has proven: the Lagrangian bound of the
column generation (``Master.lagrangian``; it equals the LP relaxation of the full
set-partitioning model once pricing finds no improving column), lowered by the pool cuts
(about 1 % on 14-screen days, where the LP mixes fractional shows of several screens to
earn a pool without a whole first show), by branching to
the best open node's or HiGHS's on the compact model, or the optimum once a block is
proven. It bounds every schedule of
the model, not just the generated columns. Much of the gap on realistic weeks is the LP
relaxation's own slack (sharing makes revenue concave, and a fractional schedule spreads
films more evenly than a real one can): on a 6-screen day HiGHS's branch-and-cut on the
compact model proved the optimum 0.08 % above our schedule while the LP bound was 2.0 %
above it. ``ScheduleResult.lp_bound`` keeps the relaxation's bound so that the slack
branching has disproved can be told apart. The reported schedule is re-evaluated exactly
with ``optimizer.audience``.
"""

from __future__ import annotations

import math
import time

from optimizer.blocks import PROVEN_GAP
from optimizer.checks import InvalidInstance
from optimizer.diagnosis import unschedulable_films
from optimizer.greedy import greedy_schedule, priced
from optimizer.model import Instance, Objective, ScheduleResult
from optimizer.runner import run_blocks
from optimizer.space import Space
from optimizer.validate import kept_show_exceptions
from optimizer.wording import Names


def _empty(status: str, started: float, message: str, greedy: int = 0,
           warnings: list[str] | None = None) -> ScheduleResult:
    return ScheduleResult(shows=(), revenue_minor=0, visitors=0.0, status=status,
                          objective=0.0, bound=None, gap=None,
                          seconds=time.perf_counter() - started, greedy_revenue_minor=greedy,
                          message=message, warnings=tuple(warnings or ()))


def solve(instance: Instance, *, solver: str = "highs", time_limit: float = 60.0,
          rel_gap: float = 1e-3, workers: int = 1,
          objective: str = Objective.GROSS) -> ScheduleResult:
    """Optimise ``instance``; bad data is reported in ``status``/``message``, not raised.

    ``solver``: "highs" or "cbc". ``time_limit``: wall-clock seconds for the whole run (a
    solver call already running may overrun it slightly); it is used in full unless every
    block is proven optimal or the schedule is within ``rel_gap`` of its bound.
    ``workers``: blocks worked on side by side, in processes for long runs
    (``optimizer.runner``). ``objective``: "gross" (box
    office) or "kept" (what the cinema keeps after film rent, plus concessions); the result
    reports both either way.
    """
    started = time.perf_counter()
    if solver not in ("highs", "cbc"):
        return _empty("invalid", started, f"unknown solver {solver!r}: use 'highs' or 'cbc'")
    if objective not in tuple(Objective):
        return _empty("invalid", started,
                      f"unknown objective {objective!r}: use 'gross' or 'kept'")
    try:
        space = Space(instance, Objective(objective))
    except InvalidInstance as exc:
        return _empty("invalid", started, str(exc))
    clashes, warnings = kept_show_exceptions(instance,
                                             [space.fixed_show(f) for f in instance.fixed])
    warnings += unschedulable_films(space)
    if clashes:
        return _empty("infeasible", started, "kept shows cannot all run: " + "; ".join(clashes),
                      warnings=warnings)
    greedy = greedy_schedule(space)
    blocks = run_blocks(space, greedy, solver, started + time_limit, rel_gap, workers)
    for status in ("infeasible", "error"):
        failed = [b.message for b in blocks if b.status == status]
        if failed:
            return _empty(status, started, "; ".join(failed), greedy.revenue_minor, warnings)
    unsolved = [b for b in blocks if b.objective == -math.inf]
    if unsolved:
        names = Names(instance)
        return _empty("error", started, "time ran out before a schedule meeting the "
                      "distributor minimums was found for " + ", ".join(
                          names.day(b.days.start) for b in unsolved),
                      greedy.revenue_minor, warnings)
    fixed = [space.fixed_show(f) for f in instance.fixed]
    money = priced(space, fixed + [
        space.show(k, m, p) for b in blocks for k, col in b.schedule.items() for m, p in col])
    objective = money.objective
    total = sum(b.upper for b in blocks)
    exact = max(total, objective) if math.isfinite(total) else None
    gap = None if exact is None else (exact - objective) / exact if exact > 0 else 0.0
    bound = None if exact is None else float(math.ceil(exact - 1e-9))
    root = sum(max(b.root_bound, b.objective) for b in blocks)
    return ScheduleResult(
        shows=tuple(sorted(money.shows, key=lambda s: (s.day, s.screen_id, s.start))),
        revenue_minor=money.revenue_minor,
        visitors=float(sum(s.expected_visitors for s in money.shows)),
        status="optimal" if gap is not None and gap <= PROVEN_GAP else "feasible",
        objective=objective, bound=bound, gap=gap, seconds=time.perf_counter() - started,
        greedy_revenue_minor=greedy.revenue_minor,
        message="" if bound is not None else "no bound: time ran out before one was found",
        warnings=tuple(warnings), lp_bound=float(math.ceil(root - 1e-9)) if math.isfinite(root) else None,
        days_proven=tuple(d for b in blocks if b.proven for d in b.days),
        kept_minor=money.kept_minor, greedy_kept_minor=greedy.kept_minor)
