"""Plain input and output records of the scheduler.

Time is ``(day, minute)``: ``day`` indexes the horizon from ``Instance.start_date`` and
``minute`` counts from that local day's midnight, so it may exceed 1440 for a show after
midnight that belongs to the previous business day. Closures, which may span days, use
horizon minutes, ``day * 1440 + minute`` (see ``horizon_minute``). Local time is used on
purpose: opening hours, family cut-offs and hour-of-day demand are all local, and the caller
(an RQ job) converts to UTC once, at the edge.

Opening-hours rule: a show must start at or after opening and strictly before closing,
and the feature (trailers + runtime) must end no later than ``Rules.max_overrun_minutes``
after closing; cleaning after the last show may run later still. This is how cinemas
post "last show 22:45" while staying open until the film ends, without letting a 3-hour
film start at 23:55. Closing means the end of the cinema's open spell: when the next
business day opens the minute this one closes (a cinema open round the clock), a film may
run on into it (``feature_deadline``); the horizon's last day closes at its own close.

A show occupies its screen from its start until trailers, runtime and the screen's
cleaning buffer are over. Money is integer minor units (cents); revenue is computed in
floats internally and rounded only when reported.

(Over 300 lines: the records only, each with the checks of its own fields; the solver's
callers build exactly these, so they stay in one place.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import numpy as np

MINUTES_PER_DAY = 1440

# When a movie and a screen share several formats the show takes the most premium one: the
# premium screen was built (and is priced) to show it.
FORMAT_PREFERENCE = ("IMAX", "4DX", "3D", "2D")

Forecast = Callable[[str, int, np.ndarray], np.ndarray]
"""``forecast(movie_id, day, minutes)`` -> expected visitors of a lone show of that movie
starting at each of ``minutes`` (int array, local minutes) on ``day``; ignores capacity."""

def horizon_minute(day: int, minute: int) -> int:
    """Minute counted from the horizon start's midnight (used for closures)."""
    return day * MINUTES_PER_DAY + minute


def feature_deadline(hours: Sequence[OpeningHours], day: int, overrun: int) -> int:
    """Latest minute of business day ``day`` at which a feature may end (module doc)."""
    close, d = hours[day].close, day
    while (d + 1 < len(hours) and hours[d + 1].close > hours[d + 1].open
           and horizon_minute(d + 1 - day, hours[d + 1].open) == close):
        d += 1
        close = horizon_minute(d - day, hours[d].close)
    return close + overrun


@dataclass(frozen=True)
class Screen:
    """An auditorium. ``closures`` are ``(start, end)`` horizon minutes, end exclusive;
    ``name`` is what messages call it (its id when empty)."""

    id: str
    capacity: int
    formats: frozenset[str]
    cleaning_minutes: int
    closures: tuple[tuple[int, int], ...] = ()
    name: str = ""


@dataclass(frozen=True)
class DistributorTerms:
    """Contractual limits on a film's shows across the whole cinema.

    Weeks are consecutive 7-day blocks from the horizon start. Minimums bind only while the
    film is out: a daily minimum from the release day on, a weekly one on complete weeks
    (the rest of a partial week lies outside the horizon) starting on or after release.
    Maxima always bind, partial weeks included.

    ``rent_by_week`` is the film rent: the distributor's share of the ticket revenue in the
    first, second, ... week of the run counted from the release date (0.55 = 55 %); the
    last entry holds for every later week, and none means no rent.
    """

    min_per_day: int = 0
    max_per_day: int | None = None
    min_per_week: int = 0
    max_per_week: int | None = None
    min_screen_capacity: int = 0
    rent_by_week: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        # Callers build terms from stored JSON, where the weeks arrive as a list.
        object.__setattr__(self, "rent_by_week", tuple(float(r) for r in self.rent_by_week))


@dataclass(frozen=True)
class Movie:
    """A film. ``priority`` multiplies its revenue in the objective (1.0 = plain revenue).

    ``price_minor`` is the average ticket price in minor units. Shows are allowed from the
    release date on; the forecast is expected to reflect the film's age. ``title`` is what
    messages call it (its id when empty). ``kept_only``: the film is no longer on offer
    (archived, its run over) and is in the instance only for its kept shows: no new show of
    it is placed, and nothing warns that it cannot be.
    """

    id: str
    runtime: int
    trailer_minutes: int
    formats: frozenset[str]
    rating: str
    release_date: date
    price_minor: int
    priority: float = 1.0
    terms: DistributorTerms = field(default_factory=DistributorTerms)
    title: str = ""
    kept_only: bool = False

    @property
    def feature_minutes(self) -> int:
        """Trailers plus film: the part of the occupancy the audience sits through."""
        return self.trailer_minutes + self.runtime


@dataclass(frozen=True)
class OpeningHours:
    """Opening and closing minute of one local day; ``close`` may exceed 1440."""

    open: int
    close: int


@dataclass(frozen=True)
class FixedShow:
    """A show that must stay (manual, or already selling).

    The manager's decision stands: the rules for placing new shows (grid, hours, family
    cut-off, release, formats, room size, closures) do not apply to fixed shows, and a
    limit they alone exceed only stops new shows from adding to it (``optimizer.validate``,
    which also words the warnings). They count toward limits, block their screen and share
    their film's audience. ``format`` ``None`` means the preferred common format
    (``show_format``).
    """

    movie_id: str
    screen_id: str
    day: int
    start: int
    format: str | None = None


@dataclass(frozen=True)
class Rules:
    """Cinema-wide scheduling rules and the audience-sharing model's parameters.

    * ``grid_minutes``: free shows start on multiples of this (from local midnight).
    * ``family_ratings`` films start no later than ``family_last_start`` (local minute).
    * Staggering: at most ``stagger_max_starts`` starts across the cinema in any
      ``stagger_window_minutes`` window, so the lobby and concessions cope.
    * ``max_overrun_minutes``: how long after closing the feature may end (module doc).
    * Audience sharing (see ``optimizer.audience``): the ``n`` shows of one film whose
      starts fall in the same ``audience_window_minutes`` window, counted in
      ``audience_bucket_minutes`` buckets, together attract at most
      ``1 + audience_extra * (n - 1)`` times the best lone show's demand in that window,
      and at most ``max_shows_per_window`` of them may start in one window.
    """

    grid_minutes: int = 5
    family_ratings: frozenset[str] = frozenset({"G", "PG"})
    family_last_start: int = 20 * 60
    stagger_max_starts: int = 2
    stagger_window_minutes: int = 10
    max_overrun_minutes: int = 60
    audience_bucket_minutes: int = 120
    audience_window_minutes: int = 120
    audience_extra: float = 0.3
    max_shows_per_window: int = 4


@dataclass(frozen=True)
class Instance:
    """Everything one scheduling run needs; ``hours`` has one entry per horizon day.

    ``concession_per_visitor_minor`` is what a visitor is expected to spend at the
    concessions, for the objective "kept" (``Objective``)."""

    start_date: date
    screens: tuple[Screen, ...]
    movies: tuple[Movie, ...]
    hours: tuple[OpeningHours, ...]
    forecast: Forecast
    rules: Rules = field(default_factory=Rules)
    fixed: tuple[FixedShow, ...] = ()
    concession_per_visitor_minor: int = 0

    @property
    def days(self) -> int:
        return len(self.hours)


@dataclass(frozen=True)
class Show:
    """One show of a schedule, with its expected audience and revenue."""

    movie_id: str
    screen_id: str
    day: int
    start: int
    format: str
    expected_visitors: float = 0.0
    expected_revenue_minor: int = 0
    fixed: bool = False
    expected_kept_minor: int = 0  # the cinema's share of the tickets plus concessions


@dataclass(frozen=True)
class ScheduleResult:
    """Outcome of a scheduling run.

    Two measures of money: ``revenue_minor``, the gross box office, and ``kept_minor``,
    what the cinema keeps of it after film rent plus the concessions its visitors buy
    (``cinema_share``); ``objective`` and ``bound`` measure whichever the run maximised
    (``Objective``).

    ``status``: "optimal" (proven, gap <= 1e-6), "feasible" (a valid schedule, optimality
    not proven; see ``gap``), "infeasible" (proven: no schedule satisfies the rules),
    "invalid" (the data cannot be scheduled as given, e.g. no screens or a forecast that is
    not a number: the caller's to fix, see ``message`` and ``optimizer.checks``) or "error"
    (no schedule found, nothing proven; see ``message``). ``objective`` and
    ``bound`` are the priority-weighted objective in minor units (equal to revenue when
    every priority is 1 and the objective is gross); ``bound`` is a valid upper bound on
    ``objective`` over all schedules of the model, rounded up to a whole minor unit so that
    it also bounds the rounded money reported, and ``gap`` is ``(bound - objective) /
    bound`` before that rounding. ``revenue_minor`` is the sum of
    the shows' rounded revenues, ``greedy_revenue_minor`` the baseline's (``greedy``),
    ``seconds`` the wall-clock time of the run. ``warnings`` name what the schedule could
    not do although it is valid (a film that cannot be shown at all, kept shows that break
    a rule meant for new ones), in a manager's words.

    What the gap is made of: ``lp_bound`` is the bound of the LP relaxation alone, before
    branching; ``lp_bound - bound`` (``slack_disproved``, as a share) is slack of the
    relaxation that branch-and-price, the compact MIP's cuts or a proof showed is not
    revenue. ``days_proven`` are the days whose schedule is proven optimal (their
    share of the gap is zero). What remains of the gap is, in unknown parts, revenue a
    better schedule could still earn and slack the search has not yet disproved.
    """

    shows: tuple[Show, ...]
    revenue_minor: int
    visitors: float
    status: str
    objective: float
    bound: float | None
    gap: float | None
    seconds: float
    greedy_revenue_minor: int
    message: str = ""
    warnings: tuple[str, ...] = ()
    lp_bound: float | None = None
    days_proven: tuple[int, ...] = ()
    kept_minor: int = 0
    greedy_kept_minor: int = 0

    @property
    def lp_gap(self) -> float | None:
        """``(lp_bound - objective) / lp_bound``: the gap the LP relaxation alone leaves."""
        if self.lp_bound is None or self.lp_bound <= 0:
            return None
        return max(self.lp_bound - self.objective, 0.0) / self.lp_bound

    @property
    def slack_disproved(self) -> float | None:
        """``(lp_bound - bound) / lp_bound``: the part of ``lp_gap`` proven to be slack
        of the relaxation, not revenue (by branching, HiGHS's cuts or proofs); the rest of
        it is ``gap``, revenue a better schedule might earn or slack not yet disproved."""
        if self.lp_gap is None or self.bound is None:
            return None
        return max(self.lp_bound - self.bound, 0.0) / self.lp_bound


class Objective(StrEnum):
    """What a run maximises: the ``GROSS`` box office, or what the cinema ``KEPT``: its
    share of the tickets after film rent, plus concessions (both weighted by priority)."""

    GROSS = "gross"
    KEPT = "kept"


def cinema_share(movie: Movie, start_date: date, day: int) -> float:
    """Share of a ticket's price the cinema keeps on horizon day ``day``: what the film
    rent of that week of the run leaves (``DistributorTerms.rent_by_week``)."""
    rents = movie.terms.rent_by_week
    if not rents:
        return 1.0
    week = max(0, (start_date.toordinal() + day - movie.release_date.toordinal()) // 7)
    return 1.0 - rents[min(week, len(rents) - 1)]


def kept_per_visitor(instance: Instance, movie: Movie, day: int) -> float:
    """Minor units the cinema keeps per visitor of ``movie`` on ``day``."""
    return (movie.price_minor * cinema_share(movie, instance.start_date, day)
            + instance.concession_per_visitor_minor)


def show_format(movie: Movie, screen: Screen) -> str | None:
    """The format a show of ``movie`` on ``screen`` uses, or None if they share none."""
    common = movie.formats & screen.formats
    for fmt in FORMAT_PREFERENCE:
        if fmt in common:
            return fmt
    return min(common) if common else None


def occupancy_minutes(movie: Movie, screen: Screen) -> int:
    """How long a show blocks the screen: trailers, film and cleaning."""
    return movie.feature_minutes + screen.cleaning_minutes


def released(movie: Movie, start_date: date, day: int) -> bool:
    """Whether the film may be shown on horizon day ``day``."""
    return start_date.toordinal() + day >= movie.release_date.toordinal()


def week_days(days: int) -> list[range]:
    """Horizon days grouped into distributor weeks (the last one may be partial)."""
    return [range(w, min(w + 7, days)) for w in range(0, days, 7)]


def daily_minimum(movie: Movie, start_date: date, day: int) -> int:
    """The distributor's daily minimum where it binds (see ``DistributorTerms``)."""
    return movie.terms.min_per_day if released(movie, start_date, day) else 0


def weekly_minimum(movie: Movie, start_date: date, week: range) -> int:
    """The distributor's weekly minimum where it binds (see ``DistributorTerms``)."""
    if len(week) == 7 and released(movie, start_date, week[0]):
        return movie.terms.min_per_week
    return 0
