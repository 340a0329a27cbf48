"""Pricing benchmark: the dynamic engine against fair references, in three simulated worlds.

For each world (``pricing_engine.simulation.season``), on the same seeded seasons, with
guard rails off and with a default set, it prints season revenue against uniform prices
(x1.00 everywhere, rails off) for: the best single multiplier in hindsight, a static
price per show from the engine's model (set when sales open, never changed), the dynamic
engine (with learning; with a showtime's own pace only, as before film pooling; and told
each show's true demand level, the most learning the level could earn), a
static price per show with the true parameters and the fluid upper bound (where they are
defined), and the best static price per show in hindsight; then where the engine falls
between static-from-model and the fluid bound, the aims of issue 19, and the wall time to
reprice 10,000 showtimes. The last line is one JSON object.

    .venv/bin/python bench/pricing.py [--quick] [--seeds 3] [--cinemas 4] [--days 21]

Seasons differ a lot (a season with two hits is another business than one of flops), so
revenue is summed over ``--seeds`` seasons and each seed's engine-vs-static figure is shown.
Timings are wall clock on whatever else the machine is doing: treat them as rough.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # allow `python bench/pricing.py`

import numpy as np  # noqa: E402

from pricing_engine import RepricePolicy, ShowtimeBatch, reprice  # noqa: E402
from pricing_engine.simulation.compare import ROWS, compare  # noqa: E402
from pricing_engine.simulation.customers import make_season  # noqa: E402
from pricing_engine.simulation.play import RailSettings  # noqa: E402
from pricing_engine.simulation.references import sweep  # noqa: E402
from pricing_engine.simulation.season import SeasonConfig, World  # noqa: E402
from pricing_engine.simulation.snapshot import live_columns  # noqa: E402

TIMING_SHOWTIMES = 10_000
TIMING_RUNS = 9
AIM_GAIN_PCT = 3.0
AIM_GAP_CLOSED_PCT = 50.0

WORLDS = {
    World.OWN: "the engine's own model: exponential willingness to pay, independent showtimes, "
               "appeal known up to showtime noise (sigma 0.35)",
    World.UNKNOWN_APPEAL: "every film's appeal at release x lognormal (sigma 0.8) away from the "
                          "forecast; otherwise the engine's model",
    World.CHOICE: "unknown appeal as above; customers choose among the shows within 3 h at their "
                  "cinema or none (logit); 30 % wait a day when a price looks high; posted prices "
                  "set the reference that feels fair (losses weigh double)",
}  # fmt: skip
LABELS = {
    "uniform": "uniform x1.00",
    "best_single": "best single multiplier, hindsight",
    "static_model": "static per show from the model",
    "dynamic": "dynamic engine",
    "dynamic_pace_only": "  dynamic, showtime pace only",
    "dynamic_true_level": "  dynamic, told the true demand level",
    "static_true": "static per show, true parameters",
    "fluid_bound": "fluid upper bound, true parameters",
    "hindsight_static": "best static per show, hindsight",
}
RAILS = {"off": None, "default": RailSettings()}


def pct(value: float, reference: float) -> float:
    return 100.0 * (value - reference) / reference


def run_world(world: World, args: argparse.Namespace) -> dict:
    """Sum every row over the seeds, for each rail setting."""
    totals = {name: {row: 0 for row in ROWS} for name in RAILS}
    extra = {name: {"best_single_bp": [], "changes": [], "max_changes": 0, "span": 0, "per_seed": []}
             for name in RAILS}  # fmt: skip
    shows = customers = 0
    for seed in range(args.seed, args.seed + args.seeds):
        config = SeasonConfig(world=world, cinemas=args.cinemas, days=args.days, seed=seed,
                              step_minutes=args.step_minutes)  # fmt: skip
        season = make_season(config)
        shows += season.shows.size
        customers += season.customers.show.size
        grid_sweep = sweep(season)
        for name, rails in RAILS.items():
            result = compare(season, rails, grid_sweep=grid_sweep)
            for row, value in result.revenue.items():
                known = value is not None and totals[name][row] is not None
                totals[name][row] = totals[name][row] + value if known else None
            info = extra[name]
            info["best_single_bp"].append(result.best_single_bp)
            info["changes"].append(result.price_changes)
            info["max_changes"] = max(info["max_changes"], result.max_price_changes)
            info["span"] = max(info["span"], result.max_daily_span_bp)
            info["per_seed"].append(pct(result.revenue["dynamic"], result.revenue["static_model"]))
    return {"shows": shows, "customers": customers, "totals": totals, "extra": extra}


def summarise(totals: dict) -> dict:
    """Percentages of one rail setting: rows vs uniform, engine vs static, gap closed."""
    uniform, static, dynamic = totals["uniform"], totals["static_model"], totals["dynamic"]
    bound = totals["fluid_bound"]
    closed = None if bound is None else 100.0 * (dynamic - static) / (bound - static)
    told = totals["dynamic_true_level"]
    recovers = None if told == static else 100.0 * (dynamic - static) / (told - static)
    vs_uniform = {row: None if v is None else round(pct(v, uniform), 2) for row, v in totals.items()}
    return {
        "vs_uniform_pct": vs_uniform,
        "engine_vs_static_model_pct": round(pct(dynamic, static), 2),
        "gap_to_fluid_closed_pct": None if closed is None else round(closed, 1),
        # How much of what knowing each show's demand level is worth learning recovers.
        "learning_recovers_pct": None if recovers is None else round(recovers, 1),
    }


def print_world(world: World, result: dict, rails_note: str) -> dict:
    print(f"\n== {world.value}: {WORLDS[world]}")
    print(f"   {result['shows']:,} showtimes, {result['customers']:,} customers over the seeds")
    summaries = {name: summarise(result["totals"][name]) for name in RAILS}
    for name, s in summaries.items():
        s["per_seed_engine_vs_static_model_pct"] = [round(v, 2) for v in result["extra"][name]["per_seed"]]
    uniform = result["totals"]["off"]["uniform"]
    print(f"   {'revenue vs uniform x1.00 (rails off)':<38}{'rails off':>12}{'default rails':>16}")
    for row in ROWS:
        cells = []
        for name in RAILS:
            value = result["totals"][name][row]
            cells.append("n/a" if value is None else f"{pct(value, uniform):+.2f} %")
        note = ""
        if row == "best_single":
            chosen = [sorted(set(result["extra"][n]["best_single_bp"])) for n in RAILS]
            note = "  (" + " | ".join(",".join(f"x{bp / 10000:.2f}" for bp in c) for c in chosen) + ")"
        print(f"   {LABELS[row]:<38}{cells[0]:>12}{cells[1]:>16}{note}")
    cells = [f"{s['engine_vs_static_model_pct']:+.2f} %" for s in summaries.values()]
    print(f"   {'engine vs static-from-model':<38}{cells[0]:>12}{cells[1]:>16}")
    for name, s in summaries.items():
        closed = s["gap_to_fluid_closed_pct"]
        where = "no fluid bound in this world (shows interact)"
        if closed is not None:
            where = f"the engine sits {closed:.0f} % of the way from static-from-model to the fluid bound"
        if s["learning_recovers_pct"] is not None:
            where += (f"; it earns {s['learning_recovers_pct']:.0f} % of what being told the true demand "
                      "level adds over static-from-model")
        seeds = ", ".join(f"{v:+.1f} %" for v in result["extra"][name]["per_seed"])
        info = result["extra"][name]
        print(f"   rails {name}: {where}; per seed vs static {seeds}; price changes per show "
              f"{statistics.mean(info['changes']):.1f} (max {info['max_changes']}), widest 24 h range "
              f"{info['span']} bp")  # fmt: skip
    print(f"   (default rails: {rails_note})")
    return summaries


def time_reprice(seed: int, policy: RepricePolicy) -> dict[str, float]:
    """Median seconds: build + validate + reprice, reprice alone, and the sentences of the changes."""
    columns = live_columns(TIMING_SHOWTIMES, seed)
    full, core, words, changed = [], [], [], 0
    for _ in range(TIMING_RUNS):
        start = time.perf_counter()
        batch = ShowtimeBatch(**columns)
        built = time.perf_counter()
        result = reprice(batch, policy)
        done = time.perf_counter()
        rows = np.flatnonzero(result.changed)
        for i in rows:
            result.why(int(i))
        explained = time.perf_counter()
        full.append(done - start)
        core.append(done - built)
        words.append(explained - done)
        changed = rows.size
    return {"full": statistics.median(full), "core": statistics.median(core),
            "why": statistics.median(words), "changed": changed}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 seed, 2 cinemas, 14 days (~20 s)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025, help="first seed")
    parser.add_argument("--cinemas", type=int, default=4)
    parser.add_argument("--days", type=int, default=21)
    parser.add_argument("--step-minutes", type=int, default=60)
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.cinemas, args.days = 1, 2, 14

    rails = RailSettings()
    rails_note = (f"floor {rails.floor_fraction:.0%} and ceiling {rails.ceiling_fraction:.0%} of the list "
                  f"price, at most {rails.max_daily_change_bp / 100:.0f} points per 24 h, no increase "
                  f"within {rails.no_rise_hours:.0f} h of the show, only-fall off")  # fmt: skip
    started = time.perf_counter()
    print(f"seasons: {args.seeds} x ({args.cinemas} cinemas x 6 screens, {args.days} days), seeds "
          f"{args.seed}..{args.seed + args.seeds - 1}, repricing every {args.step_minutes} min")  # fmt: skip
    report: dict = {}
    for world in World:
        result = run_world(world, args)
        report[world.value] = print_world(world, result, rails_note)
    simulated = time.perf_counter() - started

    aims = {}
    for world in (World.UNKNOWN_APPEAL, World.CHOICE):
        for name in RAILS:
            s = report[world.value][name]
            closed = s["gap_to_fluid_closed_pct"]
            aims[f"{world.value}/{name}"] = {
                "beats_static_by_3pct": s["engine_vs_static_model_pct"] >= AIM_GAIN_PCT,
                "closes_half_the_gap": None if closed is None else closed >= AIM_GAP_CLOSED_PCT,
            }
    never_below = all(report[w.value][n]["engine_vs_static_model_pct"] >= 0 for w in World for n in RAILS)
    settings = [report[w.value][n] for w in World for n in RAILS]
    worst_seed = min(v for s in settings for v in s["per_seed_engine_vs_static_model_pct"])
    print("\naims (issue 19), on these seeds:")
    for key, aim in aims.items():
        half = {None: "n/a (no fluid bound)", True: "yes", False: "NO"}[aim["closes_half_the_gap"]]
        print(f"   {key:<24} beats static-from-model by >= 3 %: "
              f"{'yes' if aim['beats_static_by_3pct'] else 'NO'}; closes >= half the gap to the fluid "
              f"bound: {half}")  # fmt: skip
    print(f"   never below static-from-model in any world and rail setting: {'yes' if never_below else 'NO'} "
          f"(summed over the seeds; the worst single season: {worst_seed:+.2f} %)")

    timing = time_reprice(args.seed, RepricePolicy())
    print(f"\nreprice {TIMING_SHOWTIMES:,} showtimes with films, exposures and rails: median "
          f"{timing['full'] * 1000:.1f} ms (reprice() alone {timing['core'] * 1000:.1f} ms), "
          f"{TIMING_RUNS} runs; sentences for its {timing['changed']} changes "
          f"{timing['why'] * 1000:.1f} ms. Shared machine: timings are noisy.")  # fmt: skip
    print(f"simulated in {simulated:.0f} s")
    print(json.dumps({
        "seeds": list(range(args.seed, args.seed + args.seeds)),
        "cinemas": args.cinemas,
        "days": args.days,
        "reprice_every_minutes": args.step_minutes,
        "worlds": report,
        "aims": aims,
        "never_below_static_model": never_below,
        "worst_season_engine_vs_static_model_pct": worst_seed,
        "reprice_10k_seconds": round(timing["full"], 4),
        "why_seconds": round(timing["why"], 4),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
