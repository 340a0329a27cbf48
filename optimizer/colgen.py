"""Column generation: the master LP over all show sequences, without listing them.

The master (``optimizer.master``) starts with a few columns; its duals turn into a value
per candidate show, the best sequence of every screen-day under those values is a longest
path (``optimizer.sequence_search``), and sequences that would improve the LP are added until none
is left. Each round also yields a Lagrangian bound valid for every schedule of the model
(``Master.lagrangian``).
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np

from optimizer.master import Master, MasterSolution
from optimizer.sequence_search import longest_paths, path_value

SMOOTHING = 0.5  # weight of the best-bound duals in the pricing duals


def generate_columns(master: Master, solver: str, deadline: float, tolerance: float,
                     frozen: np.ndarray | None = None, rounds: int | None = None
                     ) -> tuple[float, np.ndarray | None, MasterSolution]:
    """Column generation on ``master``: best Lagrangian bound, the duals giving it and
    the last LP solution.

    Stabilised by Wentges smoothing: pricing uses a mix of the LP duals and the duals that
    gave the best bound so far, which damps the dual oscillation that otherwise makes
    column generation crawl; if the mix finds no column that improves the LP
    (mispricing), the LP duals are priced directly. Stops when that finds nothing (the
    bound then equals the LP value of the full model), when the LP value is within
    ``tolerance`` of the bound, or at ``deadline``; raises ``RuntimeError`` if the LP
    cannot be solved.

    ``frozen`` marks the block's screen-days whose column a dive has fixed: they get no
    new columns, and with columns fixed the Lagrangian is no bound (``inf`` is returned).
    ``rounds`` caps the LP solves (a dive needs good columns, not the exact LP).
    """
    sp, ks = master.space, master.ks
    conv = master.conv[ks]
    priced = conv >= 0 if frozen is None else (conv >= 0) & ~frozen
    bound, center = math.inf, None
    for _ in itertools.count() if rounds is None else range(rounds):
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
            if frozen is None:
                value = master.lagrangian(duals, paths.value)
                if value < bound:
                    bound, center = value, duals
            added = 0
            for i in np.flatnonzero((paths.value > 1e-6) & priced):
                column = paths.column(int(i), sp.nxt[ks])
                worth = path_value(column, true_values[i], None if first is None else first[i],
                                   None if last is None else last[i])
                if worth - mu[i] > 1e-6:
                    added += master.add(ks.start + int(i), column)
            if added:
                break
        if (not added or bound - lp.objective <= tolerance * max(abs(bound), 1.0)
                or time.perf_counter() >= deadline):
            break
    return bound, center, lp
