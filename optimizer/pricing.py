"""Pricing: best screen-day show sequence for given show values, by dynamic programming.

A screen-day's feasible sequences are the paths of a DAG over its grid points: from point
``p`` either stay idle to ``p + 1`` or run film ``m`` and jump to ``nxt[k, m, p]``, the
first point after the show and its cleaning. Show values are additive (see
``optimizer.master``), so the longest path is the best column, found backward in one pass
over the points that is vectorised over all screen-days and films at once
(``O(points)`` numpy steps per pricing round). ``enumerate_columns`` lists every path
within a slack of the best one, which ``optimizer.solver`` uses to prove optimality.
"""

from __future__ import annotations

import numpy as np

Column = tuple[tuple[int, int], ...]  # ((film, point), ...) in time order


def longest_paths(value: np.ndarray, nxt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best completion ``best[k, p]`` from every point, and the film chosen there (-1 idle).

    ``value[k, m, p]`` is the value of running film ``m`` at point ``p`` of screen-day
    ``k`` (``-inf`` where not allowed); ``best[:, P] == 0`` is the end of the day.
    """
    n_sd, _, n_points = value.shape
    width = n_points + 1
    best = np.zeros((n_sd, width))
    flat = best.reshape(-1)  # a view: lookups of best[k, nxt] by flat index
    target = np.ascontiguousarray(
        (nxt + (np.arange(n_sd) * width)[:, None, None]).transpose(2, 0, 1))  # (P, K, M)
    gain = np.ascontiguousarray(value.transpose(2, 0, 1))
    usable = np.isfinite(gain).any(axis=(1, 2))
    choice = np.full((n_points, n_sd), -1, dtype=np.int64)
    rows = np.arange(n_sd)
    for p in range(n_points - 1, -1, -1):
        if not usable[p]:
            best[:, p] = best[:, p + 1]
            continue
        run = gain[p] + flat[target[p]]
        film = run.argmax(axis=1)
        top = run[rows, film]
        take = top > best[:, p + 1] + 1e-9  # idle on ties: fewer shows for the same value
        best[:, p] = np.where(take, top, best[:, p + 1])
        choice[p] = np.where(take, film, -1)
    return best, choice.T


def trace(k: int, choice: np.ndarray, nxt: np.ndarray) -> Column:
    """The best path of screen-day ``k`` from ``longest_paths``' choices."""
    shows = []
    p, n_points = 0, choice.shape[1]
    while p < n_points:
        film = choice[k, p]
        if film < 0:
            p += 1
        else:
            shows.append((int(film), p))
            p = int(nxt[k, film, p])
    return tuple(shows)


def enumerate_columns(value: np.ndarray, nxt: np.ndarray, best: np.ndarray, threshold: float,
                      budget: int) -> list[Column] | None:
    """Every path of one screen-day worth at least ``threshold``, or None past ``budget``.

    ``value``/``nxt`` are ``(M, P)`` slices and ``best`` that screen-day's row from
    ``longest_paths``; a partial path is cut as soon as even its best completion falls
    short. ``budget`` bounds the number of search steps (and so the columns).
    """
    n_points = value.shape[1]
    films = [np.flatnonzero(np.isfinite(value[:, p])) for p in range(n_points)]
    found: list[Column] = []
    stack: list[tuple[int, float, Column]] = [(0, 0.0, ())]
    steps = 0
    while stack:
        p, acc, path = stack.pop()
        steps += 1
        if steps > budget:
            return None
        if acc + best[p] < threshold - 1e-7:
            continue
        if p == n_points:
            found.append(path)
            continue
        stack.append((p + 1, acc, path))
        stack += [(int(nxt[m, p]), acc + float(value[m, p]), (*path, (int(m), p)))
                  for m in films[p]]
    return found
