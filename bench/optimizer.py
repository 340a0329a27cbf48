"""Schedule-optimiser benchmark: seeded multiplex weeks, solver vs greedy vs bound.

Prints one line per instance; the last line is one JSON object with all of them.
Usage: python bench/optimizer.py [--solver highs|cbc] [--time-limit 60] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optimizer.generator import generate_instance  # noqa: E402
from optimizer.solver import solve  # noqa: E402
from optimizer.validate import violations  # noqa: E402

SIZES = ((6, 7, 16), (10, 7, 18), (14, 7, 20))


def _uplift(revenue: int, greedy: int) -> float:
    return round(100 * (revenue / max(greedy, 1) - 1), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--gap", type=float, default=0.005)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = []
    for screens, days, movies in SIZES:
        instance = generate_instance(screens, days, movies, args.seed)
        result = solve(instance, solver=args.solver, time_limit=args.time_limit, rel_gap=args.gap)
        broken = violations(instance, result.shows)
        row = {"screens": screens, "days": days, "movies": movies, "seconds": round(result.seconds, 2),
               "revenue": result.revenue_minor, "greedy_revenue": result.greedy_revenue_minor,
               "bound": None if result.bound is None else round(result.bound),
               "gap": None if result.gap is None else round(result.gap, 5), "status": result.status,
               "uplift_vs_greedy_pct": _uplift(result.revenue_minor, result.greedy_revenue_minor),
               "violations": len(broken)}
        rows.append(row)
        print(f"{screens:>2} screens x {days} days x {movies} movies: {row['status']:<9} "
              f"{row['seconds']:>6.1f} s  revenue {row['revenue']:>12}  greedy {row['greedy_revenue']:>12} "
              f"(+{row['uplift_vs_greedy_pct']} %)  gap {row['gap']}  violations {row['violations']}",
              flush=True)
    print(json.dumps({"solver": args.solver, "instances": rows}))


if __name__ == "__main__":
    main()
