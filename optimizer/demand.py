"""Demand model: expected occupancy by film age, weekday and hour, and show forecasts.

One multiplicative model serves scheduling and (later) pricing::

    occupancy(age, weekday, hour) = level * age_factor[age] * weekday_factor[wd] * hour_factor[h]

``prior_profile`` is an industry-shaped prior (release-week decay ~22 % a week, Saturday
peak, 19:00-20:59 prime time). ``fit_profile`` estimates the factors from a cinema's own past
shows by alternating ratio updates (iterative proportional fitting of a Poisson model, one
``np.bincount`` per factor and sweep, no loop per show) and shrinks every cell toward the
prior's shape with empirical-Bayes weight ``n / (n + strength)``, ``n`` being the number
of past shows behind that cell: a weekday seen on 500 shows follows the data, an age nobody
has observed keeps the prior's ratio to its neighbours. A sold-out show only says that its
demand was at least what it sold: each sweep replaces its attendance by the demand the
current model expects given that (an EM step for censored data), so hits are not
under-forecast at the size of the screens they happened to play in. (A show is taken as sold
out when it sold the screen's current capacity, the only capacity stored: one on a screen
enlarged since is missed, one on a screen that lost seats since may be taken for sold out.)

``ProfileForecast`` turns a profile into the optimiser's ``Forecast`` callable. Its hour
curve interpolates linearly between hour midpoints, so 18:55 and 19:05 do not differ by a
step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

MAX_AGE_WEEKS = 12  # ages from here on share one factor
DEFAULT_STRENGTH = 20.0

_PRIOR_WEEKDAY = (0.55, 0.6, 0.6, 0.65, 0.9, 1.0, 0.85)  # Monday first
_PRIOR_HOUR = (
    0.2, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.25,  # 00-11
    0.3, 0.35, 0.45, 0.5, 0.55, 0.7, 0.85, 1.0, 1.0, 0.85, 0.6, 0.35,  # 12-23
)


@dataclass(frozen=True, eq=False)
class DemandProfile:
    """Multiplicative occupancy model; factors are normalised to ``age[0] == 1`` and a peak
    of 1 for weekday and hour, so ``level`` is the opening-week peak occupancy."""

    level: float
    age: np.ndarray
    weekday: np.ndarray
    hour: np.ndarray

    def multiplier(self, age_weeks: np.ndarray, weekday: np.ndarray,
                   hour: np.ndarray) -> np.ndarray:
        """Relative demand (1 = opening week, peak weekday, peak hour), vectorised."""
        a = np.clip(np.asarray(age_weeks), 0, MAX_AGE_WEEKS)
        return self.age[a] * self.weekday[np.asarray(weekday)] * self.hour[np.asarray(hour)]

    def occupancy(self, age_weeks: np.ndarray, weekday: np.ndarray,
                  hour: np.ndarray) -> np.ndarray:
        """Expected share of seats sold."""
        return self.level * self.multiplier(age_weeks, weekday, hour)


def prior_profile() -> DemandProfile:
    """The generator's prior, used where a cinema has no history of its own."""
    return DemandProfile(
        level=0.6,
        age=0.78 ** np.arange(MAX_AGE_WEEKS + 1),
        weekday=np.array(_PRIOR_WEEKDAY),
        hour=np.array(_PRIOR_HOUR),
    )


def _shrunk_ratio(index: np.ndarray, size: int, observed: np.ndarray, expected: np.ndarray,
                  prior: np.ndarray, strength: float) -> np.ndarray:
    """Per-cell factor from observed/expected attendance, shrunk toward the prior's shape.

    The prior is first rescaled to the data's overall level (the shows' weighted mean
    ratio), so a thin cell borrows the prior's *shape*, not its absolute level.
    """
    n = np.bincount(index, minlength=size)
    num = np.bincount(index, weights=observed, minlength=size)
    den = np.bincount(index, weights=expected, minlength=size)
    raw = np.divide(num, den, out=np.zeros(size), where=den > 0)
    scale = (n @ raw) / (n @ prior) if n.sum() else 1.0
    return (n * raw + strength * scale * prior) / (n + strength)


def expected_censored_demand(expected: np.ndarray, at_least: np.ndarray) -> np.ndarray:
    """E[D | D >= at_least] for demand D of mean ``expected``, vectorised.

    Demand is taken as Poisson, approximated by a normal of the same mean and variance with
    a continuity correction: E = lambda + sqrt(lambda) * h(z), ``h`` the normal hazard
    (inverse Mills ratio) at z = (at_least - 0.5 - lambda) / sqrt(lambda). Never below
    ``at_least``.
    """
    lam = np.maximum(np.asarray(expected, dtype=float), 1e-9)
    floor = np.asarray(at_least, dtype=float)
    sigma = np.sqrt(lam)
    z = (floor - 0.5 - lam) / sigma
    return np.maximum(lam + sigma * _normal_hazard(z), floor)


def _normal_hazard(z: np.ndarray) -> np.ndarray:
    """phi(z) / (1 - Phi(z)) without overflow: a continued fraction of the Mills ratio (twenty
    levels) for z > 2, the complementary error function (Abramowitz & Stegun 7.1.26)
    elsewhere; relative error below 1e-5 everywhere."""
    z = np.asarray(z, dtype=float)
    far = np.maximum(z, 2.0)
    tail = np.zeros_like(far)
    for level in range(20, 0, -1):
        tail = level / (far + tail)
    mills_far = 1.0 / (far + tail)  # (1 - Phi) / phi
    x = np.abs(np.minimum(z, 2.0)) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
                                                        + t * (-1.453152027 + t * 1.061405429))))
    erfc_abs = poly * np.exp(-x * x)
    near = np.minimum(z, 2.0)
    survival = np.where(near >= 0, 0.5 * erfc_abs, 1.0 - 0.5 * erfc_abs)
    density = np.exp(-0.5 * near * near) / np.sqrt(2.0 * np.pi)
    return np.where(z > 2.0, 1.0 / mills_far, density / survival)


def fit_profile(film_age_weeks: np.ndarray, weekday: np.ndarray, hour: np.ndarray,
                attendance: np.ndarray, capacity: np.ndarray, *,
                prior: DemandProfile | None = None, strength: float = DEFAULT_STRENGTH,
                sweeps: int = 30) -> DemandProfile:
    """Fit the occupancy model to past shows (one array entry per show); a show whose
    attendance reached its capacity counts as censored (see the module docstring).

    Each sweep re-estimates one factor group at a time from the ratio of observed to
    predicted attendance in each cell (current factor times that ratio), then shrinks it
    toward the prior. With no data every cell keeps its prior value, so the prior comes
    back unchanged.

    Shows that cannot be read (attendance negative or not finite, no seats, a weekday
    outside 0-6) are left out. A history in which nothing at all was sold is taken as no
    history: it says nothing about when people come (every ratio is 0/0), and it far more
    likely means that sales went through another system than that nobody came.
    """
    if not strength > 0:
        raise ValueError("strength must be positive")
    prior = prior or prior_profile()
    att = np.asarray(attendance, dtype=float)
    cap = np.asarray(capacity, dtype=float)
    wd = np.asarray(weekday, dtype=np.int64)
    usable = np.isfinite(att) & (att >= 0) & np.isfinite(cap) & (cap > 0) & (wd >= 0) & (wd < 7)
    att, cap, wd = att[usable], cap[usable], wd[usable]
    age = np.clip(np.asarray(film_age_weeks, dtype=np.int64)[usable], 0, MAX_AGE_WEEKS)
    hr = np.asarray(hour, dtype=np.int64)[usable] % 24
    fit = replace(prior, age=prior.age.copy(), weekday=prior.weekday.copy(),
                  hour=prior.hour.copy())
    if not att.any():
        return fit
    n_obs = len(att)
    sold_out = att >= cap
    demand = att
    for _ in range(sweeps):
        if sold_out.any():
            full = cap * fit.level * fit.age[age] * fit.weekday[wd] * fit.hour[hr]
            # Conditioned on what it sold, not on today's capacity: a screen may have lost
            # seats since (the capacity is the screen's current one).
            demand = np.where(sold_out, expected_censored_demand(full, att), att)
        pred = cap * fit.level * fit.weekday[wd] * fit.hour[hr]
        a = _shrunk_ratio(age, MAX_AGE_WEEKS + 1, demand, pred, prior.age, strength)
        pred = cap * fit.level * a[age] * fit.hour[hr]
        w = _shrunk_ratio(wd, 7, demand, pred, prior.weekday, strength)
        pred = cap * fit.level * a[age] * w[wd]
        h = _shrunk_ratio(hr, 24, demand, pred, prior.hour, strength)
        pred = cap * a[age] * w[wd] * h[hr]
        total = pred.sum()
        raw_level = demand.sum() / total if total > 0 else prior.level
        level = (n_obs * raw_level + strength * prior.level) / (n_obs + strength)
        fit = DemandProfile(level=level, age=a, weekday=w, hour=h)
    scale = fit.age[0] * fit.weekday.max() * fit.hour.max()
    return DemandProfile(
        level=fit.level * scale,
        age=fit.age / fit.age[0],
        weekday=fit.weekday / fit.weekday.max(),
        hour=fit.hour / fit.hour.max(),
    )


class ProfileForecast:
    """``Forecast`` callable: visitors = base[m] * profile multiplier * optional noise.

    ``base[m]`` is the film's expected audience for an opening-week show at the peak
    weekday and hour (for a fitted profile, e.g. ``level`` times a typical screen size
    times the film's appeal). ``noise`` maps a film to a ``(days, 24)`` array of
    multiplicative per-hour deviations. Days before release forecast zero.
    """

    def __init__(self, profile: DemandProfile, start_date: date,
                 release: Mapping[str, date], base: Mapping[str, float],
                 noise: Mapping[str, np.ndarray] | None = None) -> None:
        self.profile = profile
        self.start_date = start_date
        self.release = dict(release)
        self.base = dict(base)
        self.noise = dict(noise or {})
        # Periodic hour curve sampled at hour midpoints, for linear interpolation.
        self._xp = np.arange(-1, 26) * 60 + 30
        self._fp = profile.hour[np.arange(-1, 26) % 24]

    def __call__(self, movie_id: str, day: int, minutes: np.ndarray) -> np.ndarray:
        minutes = np.asarray(minutes, dtype=np.int64)
        ordinal = self.start_date.toordinal() + day
        age_days = ordinal - self.release[movie_id].toordinal()
        if age_days < 0:
            return np.zeros(len(minutes))
        # Past-midnight minutes belong to the business day: weekday and age stay that day's.
        local = minutes % 1440
        wd = date.fromordinal(ordinal).weekday()
        age = min(age_days // 7, MAX_AGE_WEEKS)
        hour_curve = np.interp(local, self._xp, self._fp)
        value = self.base[movie_id] * self.profile.age[age] * self.profile.weekday[wd]
        out = value * hour_curve
        if movie_id in self.noise:
            out = out * self.noise[movie_id][day, (minutes // 60) % 24]
        return out
