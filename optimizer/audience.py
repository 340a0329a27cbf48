"""Audience sharing between shows of the same film (cannibalisation), kept linear.

``forecast(m, d, t)`` is what a lone show of film ``m`` at ``t`` would draw. Two shows of the
same film an hour apart do not draw twice that: they mostly split one audience. The model:

* every show ``s`` gets attendance ``0 <= y_s <= u_s = min(capacity, forecast(m, d, t_s))``;
* the day is cut into buckets of ``B = Rules.audience_bucket_minutes``; a *window* is ``L``
  consecutive buckets (``L * B = Rules.audience_window_minutes``) and one starts at every
  bucket: with the default ``L = 1`` windows are disjoint 2-hour blocks, with ``L > 1`` they
  overlap (see the trade-off below);
* the ``n`` shows of ``m`` starting in window ``j`` share a pool that grows with the number
  of showtimes: ``sum y_s <= peak(m, d, j) * (1 + e * (n - 1))``, where ``peak`` is the best
  lone-show forecast at the window's grid start times within opening hours and
  ``e = Rules.audience_extra``. A lone show keeps its full forecast; every further show
  nearby adds at most ``e * peak`` new visitors (more choice of times draws a few more
  people), the rest it takes from its neighbours. ``Rules.max_shows_per_window`` caps
  ``n`` (a programming rule, 4 by default), which keeps the linear growth in its
  plausible range: without it the optimiser stacked up to 11 shows of a blockbuster into
  one 2-hour window.

Everything is linear in the attendances ``y`` and the show choices ``x``: with ``n = sum x_s``
the pool row is ``sum y_s - e peak sum x_s <= (1 - e) peak``. Revenue is concave in the
number of shows. Why the pool grows with the *count* of shows rather than being a fixed
``(1 + e) * peak``: with a fixed pool an LP relaxation may run a second show at a fraction
``x`` and collect ``x * u`` visitors at the full rate until the pool is full, which made the
relaxation ~15 % loose on realistic weeks. With the count-based pool a fraction ``x`` of
an extra show earns at most ``x * e * peak``, the interpolation of the integer choices. (A
saturating pool, ``min`` of several such pieces, was tried: the kinks it adds loosened the
bound to ~2-6 % and slowed column generation several-fold.)

Default windows are 2-hour blocks on even hours (bucket = window = 120 minutes). Finer,
overlapping windows (e.g. 30-minute buckets, 120-minute windows) are supported and avoid
the artefact that shows at 19:55 and 20:05 do not share, but in measurements they loosened
the LP bound from ~1 % to ~3 %, because the relaxation can then smear fractional shows
across overlapping windows.

For a fixed set of shows, maximising attendance is an interval-packing LP whose windows
cover contiguous runs of time-sorted shows; filling shows left to right, each as much as
its windows still allow, is optimal (exchange argument: moving audience from the first
later show that shares a tight window to an earlier show never loses), so ``attendance``
evaluates a schedule exactly without an LP solver.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from optimizer.model import Instance, OpeningHours, Rules


class ShowLike(Protocol):
    movie_id: str
    screen_id: str
    day: int
    start: int


def day_grid(hours: OpeningHours, grid_minutes: int) -> np.ndarray:
    """Grid start minutes of one day: multiples of the grid in ``[open, close)``."""
    first = -(-hours.open // grid_minutes) * grid_minutes
    return np.arange(first, hours.close, grid_minutes, dtype=np.int64)


def bucket_range(hours: OpeningHours, rules: Rules) -> tuple[int, int]:
    """First and last audience bucket a valid start of the day can fall in."""
    b = rules.audience_bucket_minutes
    return hours.open // b, (hours.close - 1) // b


def window_buckets(rules: Rules) -> int:
    """Buckets per sharing window (``L``)."""
    return rules.audience_window_minutes // rules.audience_bucket_minutes


def window_peaks(
    grid: np.ndarray, demand: np.ndarray, hours: OpeningHours, rules: Rules
) -> tuple[int, np.ndarray]:
    """Peak lone-show demand per window of a film-day: ``(j0, peaks)``, ``peaks[i]`` being
    window ``j0 + i``.

    ``demand`` is the forecast at ``grid`` (``day_grid``). Windows run from the first one
    that reaches the day's first bucket to the one starting at its last bucket.
    """
    b0, b1 = bucket_range(hours, rules)
    n_win = window_buckets(rules)
    bucket_peak = np.zeros(b1 - b0 + 1)
    np.maximum.at(bucket_peak, grid // rules.audience_bucket_minutes - b0, demand)
    padded = np.concatenate([np.zeros(n_win - 1), bucket_peak, np.zeros(n_win - 1)])
    peaks = np.lib.stride_tricks.sliding_window_view(padded, n_win).max(axis=1)
    return b0 - n_win + 1, peaks


def pool_multiplier(counts: np.ndarray, extra: float) -> np.ndarray:
    """Pool size in peaks for ``counts >= 1`` shows: ``1 + extra * (n - 1)``."""
    return 1.0 + extra * (np.asarray(counts, dtype=float) - 1.0)


def covered_buckets(per_bucket: np.ndarray, n_win: int) -> np.ndarray:
    """View ``(..., windows, n_win)``: for each window, the buckets it covers (zero-padded
    at the ends), from cells ``(..., buckets)``."""
    zeros = np.zeros((*per_bucket.shape[:-1], n_win - 1), dtype=per_bucket.dtype)
    padded = np.concatenate([zeros, per_bucket, zeros], axis=-1)
    return np.lib.stride_tricks.sliding_window_view(padded, n_win, axis=-1)


def containing_windows(per_window: np.ndarray, n_win: int) -> np.ndarray:
    """View ``(..., buckets, n_win)``: for each bucket ``b``, the windows ``b .. b + n_win
    - 1`` that contain it, from cells ``(..., windows)``."""
    return np.lib.stride_tricks.sliding_window_view(per_window, n_win, axis=-1)


def window_counts(buckets: np.ndarray, n_buckets: int, n_win: int) -> np.ndarray:
    """Shows per window, for shows in day-relative ``buckets`` (windows as in
    ``window_peaks``): window ``w`` sums buckets ``w - n_win + 1 .. w``."""
    return np.convolve(np.bincount(buckets, minlength=n_buckets), np.ones(n_win, dtype=np.int64))


def allocate(buckets: np.ndarray, caps: np.ndarray, peaks: np.ndarray, n_win: int,
             extra: float) -> np.ndarray:
    """Optimal attendance of time-sorted shows of one film-day (left-to-right filling).

    ``buckets`` are day-relative (0 = the day's first bucket), so a show in bucket ``b``
    belongs to windows ``b .. b + n_win - 1`` of ``peaks``.
    """
    counts = window_counts(buckets, len(peaks) - n_win + 1, n_win)
    # Plain lists: a film-day has a handful of shows, too few for numpy to pay off.
    remaining = (peaks * pool_multiplier(counts, extra)).tolist()
    out = []
    for b, cap in zip(buckets.tolist(), np.asarray(caps, dtype=float).tolist(), strict=True):
        got = min(cap, *remaining[b:b + n_win])
        out.append(got)
        for w in range(b, b + n_win):
            remaining[w] -= got
    return np.array(out, dtype=float)


def attendance(instance: Instance, shows: Sequence[ShowLike]) -> np.ndarray:
    """Expected visitors of every show of a schedule, in input order, under sharing.

    Shows are assumed to satisfy the opening hours (``optimizer.validate`` checks that).
    """
    rules = instance.rules
    capacity = {s.id: s.capacity for s in instance.screens}
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, show in enumerate(shows):
        groups[(show.movie_id, show.day)].append(i)
    out = np.zeros(len(shows))
    n_win = window_buckets(rules)
    for (movie_id, day), idx in groups.items():
        hours = instance.hours[day]
        idx.sort(key=lambda i: shows[i].start)
        starts = np.array([shows[i].start for i in idx], dtype=np.int64)
        caps = np.minimum(
            np.array([capacity[shows[i].screen_id] for i in idx], dtype=float),
            instance.forecast(movie_id, day, starts),
        )
        grid = day_grid(hours, rules.grid_minutes)
        _, peaks = window_peaks(grid, instance.forecast(movie_id, day, grid), hours, rules)
        b0, b1 = bucket_range(hours, rules)
        buckets = np.clip(starts // rules.audience_bucket_minutes, b0, b1) - b0
        out[idx] = allocate(buckets, caps, peaks, n_win, rules.audience_extra)
    return out


def split_rounded(values: np.ndarray) -> list[int]:
    """Round each value to an int so that the ints add up to the rounded total.

    Largest-remainder rounding: per-show revenues then sum exactly to the reported total,
    which is what an accountant reconciling the schedule expects.
    """
    floors = np.floor(values)
    short = int(round(float(values.sum()))) - int(floors.sum())
    order = np.argsort(-(values - floors), kind="stable")
    floors[order[:short]] += 1
    return [int(v) for v in floors]
