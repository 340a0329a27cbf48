"""Benchmark the schedule optimiser on seeded 6-, 10- and 14-screen weeks.

Prints one line per instance, then (last line) one JSON object::

    {"instances": [{"screens", "days", "movies", "seconds", "revenue", "greedy_revenue",
                    "bound", "gap", "status"}, ...]}

Revenue and bound are in minor units; the bound is the optimiser's proven upper bound and
``gap = (bound - revenue) / bound`` (every film has priority 1, so objective = revenue).

    python bench/optimizer.py [--solver highs|cbc] [--time-limit 55] [--workers 2]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    parser.add_argument("--time-limit", type=float, default=55.0,
                        help="seconds per instance (default 55, leaving room under a minute)")
    parser.add_argument("--workers", type=int, default=2,
                        help="blocks solved side by side (default 2: this machine's cores)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    opt = _optimizer()
    rows = []
    for screens, days, movies in INSTANCES:
        instance = opt.generate_instance(screens, days, movies, seed=args.seed)
        began = time.perf_counter()
        result = opt.solve(instance, solver=args.solver, time_limit=args.time_limit,
                           workers=args.workers)
        seconds = time.perf_counter() - began
        broken = opt.violations(instance, result.shows)
        uplift = result.revenue_minor / max(result.greedy_revenue_minor, 1) - 1
        print(f"{screens:2d} screens x {days} days x {movies} films: {result.status}, "
              f"revenue {result.revenue_minor / 100:,.2f}, greedy "
              f"{result.greedy_revenue_minor / 100:,.2f} (+{uplift:.1%}), bound "
              f"{(result.bound or 0) / 100:,.2f}, gap {result.gap or 0:.3%}, "
              f"{len(result.shows)} shows, {seconds:.1f} s"
              + (f", RULES BROKEN: {broken[:3]}" if broken else ""), flush=True)
        rows.append({"screens": screens, "days": days, "movies": movies,
                     "seconds": round(seconds, 2), "revenue": result.revenue_minor,
                     "greedy_revenue": result.greedy_revenue_minor,
                     "bound": None if result.bound is None else round(result.bound),
                     "gap": None if result.gap is None else round(result.gap, 5),
                     "status": result.status})
    print(json.dumps({"instances": rows}))


if __name__ == "__main__":
    main()
