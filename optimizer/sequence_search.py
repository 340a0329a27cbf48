"""Pricing: best screen-day show sequence for given show values, by dynamic programming.

A screen-day's feasible sequences are the paths of a DAG over its grid points: from point
``p`` either stay idle to ``p + 1`` or run film ``m`` and jump to ``nxt[k, m, p]``, the
first point after the show and its cleaning. Show values are additive (see
``optimizer.master``), so the longest path is the best column, found backward in one pass
over the points that is vectorised over all screen-days and films at once
(``O(points)`` numpy steps per pricing round). ``enumerate_columns`` lists every path
within a slack of the best one, which ``optimizer.blocks`` uses to prove optimality.

Where business days meet at midnight a column may also pay for its *first* show's start
(``first[k, p]``: the next day's screens are still busy with the previous evening) and for
its *last* show's end (``last[k, m, p]``: how late the screen is busy into the next day).
Both terms are optional; without them a path's value is the sum of its shows'.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Column = tuple[tuple[int, int], ...]  # ((film, point), ...) in time order
TOLERANCE = 1e-9  # idle on ties: fewer shows for the same value


@dataclass(frozen=True)
class Paths:
    """Best columns of a batch of screen-days (``longest_paths``).

    ``value[k]``: the best column's value (0 when staying idle is best); ``more[k, p]``:
    the best value of a non-empty sequence starting at point ``p`` or later (last-show
    term included, ``-inf`` if none); ``run[k, p]`` and ``film[k, p]``: the best such
    sequence whose first show starts at ``p``, and its film; ``take[k, p]``: whether
    ``more`` starts at ``p``; ``entry[k]``: first point of the best column (-1: idle).
    """

    value: np.ndarray
    more: np.ndarray
    run: np.ndarray
    film: np.ndarray
    take: np.ndarray
    entry: np.ndarray
    last: np.ndarray | None

    def column(self, k: int, nxt: np.ndarray) -> Column:
        """The best column of screen-day ``k`` (``nxt`` as given to ``longest_paths``)."""
        shows: list[tuple[int, int]] = []
        p, n_points = int(self.entry[k]), self.take.shape[1]
        while p >= 0:
            m = int(self.film[k, p])
            shows.append((m, p))
            q = int(nxt[k, m, p])
            stop = 0.0 if self.last is None else float(self.last[k, m, p])
            if q >= n_points or not self.more[k, q] > stop + TOLERANCE:
                break
            p = q + int(np.argmax(self.take[k, q:]))
        return tuple(shows)


def longest_paths(value: np.ndarray, nxt: np.ndarray, first: np.ndarray | None = None,
                  last: np.ndarray | None = None) -> Paths:
    """Best column of every screen-day.

    ``value[k, m, p]`` is the value of running film ``m`` at point ``p`` of screen-day
    ``k`` (``-inf`` where not allowed); ``first[k, p]`` is added when a column's first show
    starts at ``p``, ``last[k, m, p]`` when show ``(m, p)`` is its last (module docstring).
    """
    n_sd, _, n_points = value.shape
    width = n_points + 1
    more = np.full((n_sd, width), -np.inf)
    flat = more.reshape(-1)  # a view: lookups of more[k, nxt] by flat index
    target = np.ascontiguousarray(
        (nxt + (np.arange(n_sd) * width)[:, None, None]).transpose(2, 0, 1))  # (P, K, M)
    gain = np.ascontiguousarray(value.transpose(2, 0, 1))
    ending = None if last is None else np.ascontiguousarray(last.transpose(2, 0, 1))
    usable = np.isfinite(gain).any(axis=(1, 2))
    run = np.full((n_points, n_sd), -np.inf)
    film = np.full((n_points, n_sd), -1, dtype=np.int64)
    take = np.zeros((n_points, n_sd), dtype=bool)
    rows = np.arange(n_sd)
    for p in range(n_points - 1, -1, -1):
        if not usable[p]:
            more[:, p] = more[:, p + 1]
            continue
        after = flat[target[p]]
        total = gain[p] + np.maximum(after, 0.0 if ending is None else ending[p])
        best = total.argmax(axis=1)
        top = total[rows, best]
        run[p], film[p] = top, best
        take[p] = top > more[:, p + 1] + TOLERANCE
        more[:, p] = np.where(take[p], top, more[:, p + 1])
    scores = run.T if first is None else run.T + first
    entry = scores.argmax(axis=1) if n_points else np.zeros(n_sd, dtype=np.int64)
    head = scores[rows, entry] if n_points else np.zeros(n_sd)
    useful = head > TOLERANCE
    return Paths(value=np.where(useful, head, 0.0), more=more, run=run.T, film=film.T,
                 take=take.T, entry=np.where(useful, entry, -1), last=last)


def path_value(column: Column, value: np.ndarray, first: np.ndarray | None,
               last: np.ndarray | None) -> float:
    """Value of ``column`` of one screen-day (``value`` ``(M, P)``, ``first`` ``(P,)``,
    ``last`` ``(M, P)`` slices)."""
    if not column:
        return 0.0
    total = sum(float(value[m, p]) for m, p in column)
    if first is not None:
        total += float(first[column[0][1]])
    if last is not None:
        total += float(last[column[-1]])
    return total


def enumerate_columns(paths: Paths, k: int, value: np.ndarray, nxt: np.ndarray,
                      first: np.ndarray | None, last: np.ndarray | None, threshold: float,
                      budget: int) -> list[Column] | None:
    """Every column of screen-day ``k`` worth at least ``threshold``, or None past
    ``budget`` search steps.

    ``paths`` is ``longest_paths``' answer for the batch; ``value``, ``nxt``, ``first`` and
    ``last`` are screen-day ``k``'s slices. A partial path is cut as soon as even its best
    completion falls short.
    """
    n_points = value.shape[1]
    films = [np.flatnonzero(np.isfinite(value[:, p])) for p in range(n_points)]
    opening = paths.run[k] if first is None else paths.run[k] + first
    head = np.maximum(np.maximum.accumulate(np.append(opening, -np.inf)[::-1])[::-1], 0.0)
    more = paths.more[k]
    found: list[Column] = []
    # (point, value so far, path, last-show term of the path so far)
    stack: list[tuple[int, float, Column, float]] = [(0, 0.0, (), 0.0)]
    steps = 0
    while stack:
        p, acc, path, pending = stack.pop()
        steps += 1
        if steps > budget:
            return None
        reach = head[p] if not path else max(pending, more[p])
        if acc + reach < threshold - 1e-7:
            continue
        if p == n_points:
            found.append(path)
            continue
        stack.append((p + 1, acc, path, pending))
        opened = first[p] if first is not None and not path else 0.0
        stack += [(int(nxt[m, p]), acc + opened + float(value[m, p]), (*path, (int(m), p)),
                   0.0 if last is None else float(last[m, p]))
                  for m in films[p]]
    return found
