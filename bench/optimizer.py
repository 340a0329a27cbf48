"""Benchmark the schedule optimiser on seeded 6-, 10- and 14-screen weeks.

Prints one line per instance, then (last line) one JSON object::

    {"instances": [{"seed", "screens", "days", "movies", "seconds", "revenue",
                    "greedy_revenue", "bound", "lp_bound", "gap", "lp_gap",
                    "slack_disproved", "days_proven", "status", "budget_unused",
                    "idle_with_gap"}, ...]}

Revenue and bounds are in minor units; ``bound`` is the optimiser's proven upper bound and
``gap = (bound - revenue) / bound`` (every film has priority 1, so objective = revenue).
``lp_bound``/``lp_gap`` are the LP relaxation's, before branching; ``slack_disproved =
(lp_bound - bound) / lp_bound`` is the part of ``lp_gap`` proven to be slack of the
relaxation, not revenue (branch-and-price, the compact MIP's cuts, proofs); ``gap`` is
what is left open: revenue a better schedule might earn, or slack not yet disproved (none
on the ``days_proven``). ``budget_unused`` is the share of the time limit left when the
solver returned; ``idle_with_gap`` flags an instance that left more than a tenth of it
unused while its gap was above 0.1 %.

    python bench/optimizer.py [--seeds 1-5] [--solver highs|cbc] [--time-limit 55] [--workers 2]
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path
from types import ModuleType

INSTANCES = ((6, 7, 16), (10, 7, 18), (14, 7, 20))  # screens, days, films


def _optimizer() -> ModuleType:
    """Import the ``optimizer`` package, not this file of the same name."""
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.path.insert(0, str(here.parent))
    return importlib.import_module("optimizer")


def _seeds(text: str) -> list[int]:
    """"3", "1-5" or "1,4,7"."""
    seeds: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        seeds += list(range(int(first), int(last or first) + 1))
    return seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    parser.add_argument("--time-limit", type=float, default=55.0,
                        help="seconds per instance (default 55, leaving room under a minute)")
    parser.add_argument("--workers", type=int, default=2,
                        help="blocks solved side by side (default 2: this machine's cores)")
    parser.add_argument("--seeds", type=_seeds, default=[1],
                        help='instance seeds: "3", "1-5" or "1,4" (default 1)')
    parser.add_argument("--screens", type=int, nargs="*", default=None,
                        help="only the instances with these screen counts (default all)")
    args = parser.parse_args()
    opt = _optimizer()
    rows = []
    for seed in args.seeds:
        for screens, days, movies in INSTANCES:
            if args.screens and screens not in args.screens:
                continue
            instance = opt.generate_instance(screens, days, movies, seed=seed)
            began = time.perf_counter()
            result = opt.solve(instance, solver=args.solver, time_limit=args.time_limit,
                               workers=args.workers)
            seconds = time.perf_counter() - began
            broken = opt.violations(instance, result.shows)
            uplift = result.revenue_minor / max(result.greedy_revenue_minor, 1) - 1
            lp_gap, disproved = result.lp_gap, result.slack_disproved
            unused = max(0.0, 1 - seconds / args.time_limit)
            idle = unused > 0.1 and (result.gap or 0) > 1e-3
            print(f"seed {seed} {screens:2d} screens x {days} days x {movies} films: "
                  f"{result.status}, {seconds:.1f} s of {args.time_limit:g}, revenue "
                  f"{result.revenue_minor / 100:,.2f} vs greedy "
                  f"{result.greedy_revenue_minor / 100:,.2f} (+{uplift:.1%}), bound "
                  f"{(result.bound or 0) / 100:,.2f}, gap {result.gap or 0:.3%} open (LP bound "
                  f"gap {lp_gap or 0:.3%}, of it {disproved or 0:.3%} proven slack), days "
                  f"proven {len(result.days_proven)}/{days}, {len(result.shows)} shows"
                  + (", RETURNED EARLY WITH A GAP" if idle else "")
                  + (f", RULES BROKEN: {broken[:3]}" if broken else ""), flush=True)
            rows.append({
                "seed": seed, "screens": screens, "days": days, "movies": movies,
                "seconds": round(seconds, 2), "revenue": result.revenue_minor,
                "greedy_revenue": result.greedy_revenue_minor,
                "bound": None if result.bound is None else round(result.bound),
                "lp_bound": None if result.lp_bound is None else round(result.lp_bound),
                "gap": None if result.gap is None else round(result.gap, 5),
                "lp_gap": None if lp_gap is None else round(lp_gap, 5),
                "slack_disproved": None if disproved is None else round(disproved, 5),
                "days_proven": len(result.days_proven), "status": result.status,
                "budget_unused": round(unused, 3), "idle_with_gap": idle,
            })
    print(json.dumps({"instances": rows}))


if __name__ == "__main__":
    main()
