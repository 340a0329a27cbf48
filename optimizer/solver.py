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

Days only interact through weekly distributor limits, so the horizon is cut into blocks:
single days, or whole weeks when a film has a weekly limit. Blocks are independent
problems, solved one after the other or side by side in ``workers`` threads
(``optimizer.blocks``). Per block: (1) the greedy schedule gives the first columns and the
baseline (a phase-one LP finds columns meeting the distributor minimums if greedy could
not); (2) stabilised column generation until the bound is tight; (3) the MIP over the
generated columns (CBC also gets the incumbent as a MIP start); (4) local search re-plans
one or two screens at a time (``optimizer.polish``); (5) if the gap is small enough, every
column whose reduced cost could still close it is enumerated and the MIP re-solved, which
proves optimality (this succeeds on small instances).

Bound: the sum over blocks of the best Lagrangian bound of the column generation
(``Master.lagrangian``), which equals the LP relaxation of the full set-partitioning model
once pricing finds no improving column (or the proven optimum after step 5). It bounds
every schedule of the model, not just the generated columns. Expect gaps of 1-2.5 % on
realistic weeks, mostly the LP relaxation's own slack (sharing makes revenue concave, and
a fractional schedule spreads films more evenly than a real one can), not a weak
schedule: on a 6-screen day HiGHS's branch-and-cut on the compact model proved the optimum
0.08 % above our schedule while our bound was 2.0 % above it; on a 14-screen day (400 s)
its best schedule was 0.2 % above ours and its own bound still 1.3 % above. The reported
schedule is re-evaluated exactly with ``optimizer.audience``.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor

from optimizer.blocks import PROVEN_GAP, BlockOutcome, columns_of, run_block
from optimizer.checks import InvalidInstance
from optimizer.diagnosis import unschedulable_films
from optimizer.greedy import GreedyResult, greedy_schedule, priced
from optimizer.model import Instance, ScheduleResult, week_days
from optimizer.space import Space
from optimizer.validate import kept_show_exceptions


def _blocks(space: Space) -> list[range]:
    """Runs of days tied together: whole weeks when a weekly limit ties a week's days,
    and days linked across midnight (``Space.links``); single days otherwise."""
    weekly = any(m.terms.max_per_week is not None or m.terms.min_per_week > 0
                 for m in space.instance.movies)
    tied = {d for w in week_days(space.n_days) for d in w[1:]} if weekly else set()
    # Links join a day to a later one, so every day in between joins too.
    tied |= {d for first, last in space.links for d in range(first + 1, last + 1)}
    starts = [d for d in range(space.n_days) if d not in tied]
    return [range(a, b) for a, b in zip(starts, [*starts[1:], space.n_days], strict=True)]


def _run(space: Space, greedy: GreedyResult, solver: str, deadline: float, rel_gap: float,
         workers: int) -> list[BlockOutcome]:
    """Solve every block, ``workers`` at a time.

    Threads suffice: the LP/MIP solvers release the GIL (HiGHS) or run as a separate
    process (CBC), and they take most of the time. Each block gets an equal share of what
    is left when it starts, counting the blocks that will run alongside it.
    """
    blocks = _blocks(space)
    start = columns_of(greedy.picks)
    workers = max(1, min(workers, len(blocks)))
    left = [len(blocks)]

    def one(days: range) -> BlockOutcome:
        waves = -(-left[0] // workers)
        left[0] -= 1
        cols = {k: c for k, c in start.items() if k // space.n_screens in days}
        return run_block(space, days, cols, any(d in greedy.short_days for d in days), solver,
                         (deadline - time.perf_counter()) / waves, rel_gap)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, blocks))


def _empty(status: str, started: float, message: str, greedy: int = 0,
           warnings: list[str] | None = None) -> ScheduleResult:
    return ScheduleResult(shows=(), revenue_minor=0, visitors=0.0, status=status,
                          objective=0.0, bound=None, gap=None,
                          seconds=time.perf_counter() - started, greedy_revenue_minor=greedy,
                          message=message, warnings=tuple(warnings or ()))


def solve(instance: Instance, *, solver: str = "highs", time_limit: float = 60.0,
          rel_gap: float = 1e-3, workers: int = 1) -> ScheduleResult:
    """Optimise ``instance``; bad data is reported in ``status``/``message``, not raised.

    ``solver``: "highs" or "cbc". ``time_limit``: wall-clock seconds for the whole run (a
    solver call already running may overrun it slightly). ``rel_gap``: the MIP and column
    generation stop once within that fraction of their bound. ``workers``: processes for
    solving blocks side by side (needs a picklable forecast; otherwise runs in-process).
    """
    started = time.perf_counter()
    if solver not in ("highs", "cbc"):
        return _empty("invalid", started, f"unknown solver {solver!r}: use 'highs' or 'cbc'")
    try:
        space = Space(instance)
    except InvalidInstance as exc:
        return _empty("invalid", started, str(exc))
    clashes, warnings = kept_show_exceptions(instance,
                                             [space.fixed_show(f) for f in instance.fixed])
    warnings += unschedulable_films(space)
    if clashes:
        return _empty("infeasible", started, "kept shows cannot all run: " + "; ".join(clashes),
                      warnings=warnings)
    greedy = greedy_schedule(space)
    outcomes = _run(space, greedy, solver, started + time_limit, rel_gap, workers)
    for status in ("infeasible", "error"):
        failed = [o.message for o in outcomes if o.status == status]
        if failed:
            return _empty(status, started, "; ".join(failed), greedy.revenue_minor, warnings)
    fixed = [space.fixed_show(f) for f in instance.fixed]
    shows, revenue, objective = priced(space, fixed + [
        space.show(k, m, p) for o in outcomes for k, col in o.schedule.items() for m, p in col])
    total = sum(o.bound for o in outcomes)
    bound = max(total, objective) if math.isfinite(total) else None
    gap = None if bound is None else (bound - objective) / bound if bound > 0 else 0.0
    return ScheduleResult(
        shows=tuple(sorted(shows, key=lambda s: (s.day, s.screen_id, s.start))),
        revenue_minor=revenue, visitors=float(sum(s.expected_visitors for s in shows)),
        status="optimal" if gap is not None and gap <= PROVEN_GAP else "feasible",
        objective=objective, bound=bound, gap=gap, seconds=time.perf_counter() - started,
        greedy_revenue_minor=greedy.revenue_minor,
        message="" if bound is not None else "no bound: time ran out before one was found",
        warnings=tuple(warnings))
