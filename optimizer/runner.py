"""Working on the blocks until the time is spent, with threads or with processes.

Within one process, each free worker takes a block that has not finished its first
stages yet, the least advanced first (so that on a busy machine every block still gets a
bound and a schedule before any gets a dive or a proof), otherwise the block whose bound is
furthest above its schedule (in money): time goes where the gap is. The search is mostly
Python and small numpy operations, which hold the GIL, so threads of one process share
about one core. Where processes can be forked (POSIX) and the run is long enough to pay
for them, the blocks are therefore split between
``workers`` forked processes, each working on its share as above; otherwise ``workers``
threads share them. Forked children inherit the instance, so its forecast need not be
picklable, and run only this library's code.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

from optimizer.blocks import STAGES, Block, columns_of
from optimizer.greedy import GreedyResult
from optimizer.model import week_days
from optimizer.sequence_search import Column
from optimizer.space import Space

PROCESS_MIN_SECONDS = 10.0  # shorter runs stay in threads: starting processes costs ~1 s


@dataclass(frozen=True)
class BlockResult:
    """What a worked-on block hands back (``Block``'s state, picklable)."""

    days: range
    status: str
    message: str
    schedule: dict[int, Column]
    objective: float
    upper: float
    root_bound: float
    proven: bool


def block_ranges(space: Space) -> list[range]:
    """Runs of days tied together: whole weeks when a weekly limit ties a week's days,
    and days linked across midnight (``Space.links``); single days otherwise."""
    weekly = any(m.terms.max_per_week is not None or m.terms.min_per_week > 0
                 for m in space.instance.movies)
    tied = {d for w in week_days(space.n_days) for d in w[1:]} if weekly else set()
    # Links join a day to a later one, so every day in between joins too.
    tied |= {d for first, last in space.links for d in range(first + 1, last + 1)}
    starts = [d for d in range(space.n_days) if d not in tied]
    return [range(a, b) for a, b in zip(starts, [*starts[1:], space.n_days], strict=True)]


def _work_on(space: Space, picks: tuple[tuple[int, int, int], ...], short_days: frozenset[int],
             ranges: list[range], solver: str, deadline: float, rel_gap: float,
             threads: int) -> list[BlockResult]:
    """Work on the blocks of ``ranges`` with ``threads`` threads (module docstring) until
    ``deadline`` or until none has anything left worth doing (``Block.finished``, with
    ``rel_gap`` over all of them)."""
    start = columns_of(picks)
    blocks = [Block(space, days, {k: c for k, c in start.items()
                                  if k // space.n_screens in days},
                    any(d in short_days for d in days)) for days in ranges]
    threads = max(1, min(threads, len(blocks)))
    share = (deadline - time.perf_counter()) * threads / len(blocks)
    lock = threading.Lock()
    busy: set[int] = set()

    def settled() -> bool:
        if any(b.status != "ok" for b in blocks):
            return True
        if any(STAGES[b.stage] != "search" for b in blocks):
            return False
        upper = sum(b.upper for b in blocks)
        return upper - sum(b.objective for b in blocks) <= rel_gap * max(abs(upper), 1.0)

    def pick() -> int | None:
        open_ = [i for i, b in enumerate(blocks) if i not in busy and not b.finished(rel_gap)]
        fresh = [i for i in open_ if STAGES[blocks[i].stage] != "search"]
        if fresh:  # stage by stage over the blocks: every block gets a bound first
            return min(fresh, key=lambda i: blocks[i].stage)
        return max(open_, key=lambda i: blocks[i].upper - blocks[i].objective, default=None)

    def work() -> None:
        while time.perf_counter() < deadline:
            with lock:
                if settled():
                    return
                i = pick()
                if i is None and not busy:
                    return
                if i is not None:
                    busy.add(i)
            if i is None:
                time.sleep(0.01)  # the blocks left are in other workers' hands
                continue
            try:
                blocks[i].step(solver, deadline, share, rel_gap)
            finally:
                with lock:
                    busy.discard(i)

    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(work) for _ in range(threads)]:
            future.result()
    return [BlockResult(b.days, b.status, b.message, b.schedule, b.objective, b.upper,
                        b.root_bound, b.proven) for b in blocks]


# What forked workers inherit: set just before the pool forks them.
_INHERITED: dict[str, object] = {}


def _in_process(ranges: list[range], until: float) -> list[BlockResult]:
    """A forked worker's part: ``until`` is the deadline on the wall clock (processes do
    not share ``perf_counter``'s origin)."""
    deadline = time.perf_counter() + until - time.time()
    space, greedy = _INHERITED["space"], _INHERITED["greedy"]
    return _work_on(space, greedy.picks, greedy.short_days, ranges, _INHERITED["solver"],
                    deadline, _INHERITED["rel_gap"], 1)


def run_blocks(space: Space, greedy: GreedyResult, solver: str, deadline: float,
               rel_gap: float, workers: int) -> list[BlockResult]:
    """Every block of ``space`` worked on until ``deadline`` (module docstring)."""
    ranges = block_ranges(space)
    workers = max(1, min(workers, len(ranges)))
    seconds = deadline - time.perf_counter()
    if (workers == 1 or seconds < PROCESS_MIN_SECONDS
            or "fork" not in multiprocessing.get_all_start_methods()
            or multiprocessing.current_process().daemon):
        return _work_on(space, greedy.picks, greedy.short_days, ranges, solver, deadline,
                        rel_gap, workers)
    _INHERITED.update(space=space, greedy=greedy, solver=solver, rel_gap=rel_gap)
    until = time.time() + seconds
    # Interleaved, so that weekdays and weekends are spread over the processes.
    groups = [ranges[i::workers] for i in range(workers)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_in_process, group, until) for group in groups]
            results = [r for future in futures for r in future.result()]
    finally:
        _INHERITED.clear()
    return sorted(results, key=lambda r: r.days.start)
