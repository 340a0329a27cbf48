"""Cuts on the sharing pools: what lowers the master's bound where 14 screens share films.

Why: on 14-screen days the master LP sits 2-2.5 % above the best schedules known, and
every cut HiGHS's branch-and-cut found on the compact model (``optimizer.compact``) held
one attendance variable and the shows of its film-bucket; 85 of them lowered the bound
of a 14-screen day by 1 %. They are written here as master rows, so column generation
prices them like branching rows (``Master.add_show_row``).

One film-bucket (audience window = bucket, the default): attendance ``Y``, shows ``x_s``
(0/1, audience cap ``u_s``), ``n = sum x_s``; the model allows ``Y <= F0 + sum u_s x_s``
(link, ``F0`` kept shows' caps), ``Y <= A + B (n_fixed + n)`` (pool, ``A = (1 - e) peak``,
``B = e peak``), ``n <= C`` (crowd) and ``Y <= Y_ub``. The LP mixes fractional shows of
several screens so that the pool's constant ``A`` is earned without a whole first show:
e.g. 0.6 + 0.6 shows of caps 0.9 peak "earn" 1.06 peak where whole ones earn 1.02. The
cut ``Y <= beta + sum alpha_s x_s`` removes that; ``alpha_s = max(min(u_s, g), u_s - b)``
with ``g = (A + 2B - b) / 2`` interpolates a lone show (``Y = u_s``) and a pair filling
its pool (``Y = A + 2B``), the shape of HiGHS's cuts, for a few ``b``. Whatever ``alpha``,
``beta`` is computed so that the row is valid (``valid_beta``): for ``n`` shows ``Y`` is at
most the least of ``F0 + sum (u_s - alpha_s)`` over the ``n`` largest terms, ``A + B
(n_fixed + n) - sum alpha_s`` over the ``n`` smallest and ``Y_ub`` minus the latter, each
maximised on its own, so ``beta`` bounds ``Y - sum alpha x`` over every choice of shows.
"""

from __future__ import annotations

import numpy as np

from optimizer.master import Master, MasterSolution

TRIES = 12  # values of ``b`` tried per film-bucket, from 0 to ``A``
MIN_VIOLATION = 1e-3  # of the bucket's peak: smaller violations are not worth a row


def valid_beta(caps: np.ndarray, alpha: np.ndarray, fixed_cap: float, pool: float,
               per_show: float, most: int, y_upper: float) -> float:
    """Least ``beta`` with ``Y <= beta + sum alpha_s x_s`` for every choice of at most
    ``most`` shows (module docstring); ``pool`` is ``A + B n_fixed``, ``per_show`` ``B``."""
    gain = np.sort(caps - alpha)[::-1]
    cheap = np.sort(alpha)
    beta = min(fixed_cap, pool, y_upper)
    for n in range(1, min(most, len(caps)) + 1):
        cost = float(cheap[:n].sum())
        beta = max(beta, min(fixed_cap + float(gain[:n].sum()), pool + per_show * n - cost,
                             y_upper - cost))
    return max(beta, 0.0)


def separate(master: Master, lp: MasterSolution) -> int:
    """Add the most violated pool cut of every film-bucket where one cuts off ``lp``;
    returns how many were added (none where windows span several buckets)."""
    sp = master.space
    if sp.n_win != 1 or lp.y is None or master.phase_one:
        return 0
    x = master.show_amounts(lp.lam)
    most_per_window = sp.instance.rules.max_shows_per_window
    added = 0
    for i, (m, d, b) in enumerate(master.y_cells):
        y_star = float(lp.y[i])
        peak = float(sp.peaks[m, d, b])
        if y_star <= 1e-6 or peak <= 0:
            continue
        k0 = d * sp.n_screens - master.ks.start
        in_bucket = sp.allowed[master.ks][k0:k0 + sp.n_screens, m, :] & (
            sp.point_bucket[d] == b)[None, :]
        caps = sp.cap_u[master.ks][k0:k0 + sp.n_screens, m, :][in_bucket]
        chosen = x[k0:k0 + sp.n_screens, m, :][in_bucket]
        if not len(caps) or chosen.sum() <= 1e-9:
            continue
        n_fixed = int(sp.fixed_n[m, d, b])
        a, e = peak * (1.0 - sp.extra), peak * sp.extra
        pool = a + e * n_fixed
        most = max(most_per_window - n_fixed, 0)
        best = None
        for slope_start in np.linspace(0.0, a, TRIES):
            corner = (a + 2 * e - slope_start) / 2
            alpha = np.maximum(np.minimum(caps, corner), caps - slope_start)
            beta = valid_beta(caps, alpha, float(sp.fixed_cap[m, d, b]), pool, e, most,
                              float(master.y_ub[i]))
            violation = y_star - beta - float(alpha @ chosen)
            if violation > MIN_VIOLATION * peak and (best is None or violation > best[0]):
                best = (violation, alpha, beta)
        if best is None:
            continue
        _, alpha, beta = best
        row_alpha = np.zeros((sp.n_screens, sp.P))
        row_alpha[in_bucket] = -alpha
        master.add_show_row(int(m), int(d), row_alpha, beta, y=i)
        added += 1
    return added
