"""A simulated season: a chain's showtimes on a calendar, and the customers who will come.

Calendar: ``cinemas`` x ``screens`` screens; on each of ``days`` days every screen plays a
show at some of the slots 11, 14, 17, 20 and 22 h. Films are released through the season
(and before it) and run four weeks; each show plays a film that is running, more often a
popular and young one. Sales of a show open ``window_hours`` before it starts.

What the engine is told, the forecast: ``D0`` = capacity x slot load x the film's known
popularity x its age decay (what a chain's model knows before release), and the slot's
prior elasticity (``default_elasticity``). What is true, per world:

* ``OWN``, the engine's own model: true demand = forecast x showtime noise (lognormal,
  sigma ``forecast_sigma`` = 0.35, the engine's own prior); the film's appeal is as
  forecast. Customers are independent per showtime and myopic: each has a willingness to
  pay drawn from the engine's exponential curve and buys on arrival if the price is not
  above it.
* ``UNKNOWN_APPEAL``: as ``OWN``, but every film's appeal at release is drawn far from
  the prior: true demand is further multiplied by a film factor, lognormal with sigma
  ``appeal_sigma`` = 0.8 (half of all films are off by more than x1.7 either way, one in
  six by more than x2.2 up). It is the same for all of a film's showtimes.
* ``CHOICE``: the unknown appeal of ``UNKNOWN_APPEAL``, and customers who choose (see
  ``pricing_engine.simulation.markets``): each arrives interested in one show but picks
  among the shows of the same cinema and day within three hours (other times of the film,
  other films) or nothing, by a multinomial logit; some wait for a lower price; and the
  prices a show was posted at before set what feels fair.

Common random numbers: a season's customers (and, in ``CHOICE``, their taste shocks) are
drawn once from ``seed`` (``customers.make_season``), so every policy played on it meets
the very same people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from pricing_engine.arrays import BoolArray, FloatArray, IntArray
from pricing_engine.basis_points import BP_ONE
from pricing_engine.demand import (
    DEFAULT_BOOKING_TAU_HOURS,
    OFF_PEAK_ELASTICITY,
    PEAK_ELASTICITY,
    default_elasticity,
)
from pricing_engine.dynamic import RepricePolicy
from pricing_engine.errors import PricingInputError

BASE_PRICES_MINOR = (850, 990, 1150, 1290, 1450)
CAPACITIES = (60, 90, 120, 180, 250, 400)
HOURS = (11, 14, 17, 20, 22)
# Mean demand at base price as a share of capacity: peak, shoulder, off-peak slots.
PEAK_LOAD, SHOULDER_LOAD, OFF_PEAK_LOAD = 0.85, 0.5, 0.3
FILM_RUN_DAYS = 28
WEEKLY_DECAY = 0.8  # a film's demand per show falls by a fifth each week after release
FILMS_PER_WEEK = 4
CHOICE_HOURS = 3  # a customer considers the shows this close to the one they came for


class World(StrEnum):
    OWN = "own"
    UNKNOWN_APPEAL = "unknown_appeal"
    CHOICE = "choice"


@dataclass(frozen=True)
class ChoiceConfig:
    """Behaviour of customers in the ``CHOICE`` world (``markets.ChoiceMarket``)."""

    same_film_penalty: float = 1.0  # utility lost by another time of the same film
    other_film_penalty: float = 2.5  # ... by another film
    per_hour_penalty: float = 0.2  # ... per hour away from the time they came for
    strategic_share: float = 0.3  # customers who wait when a price looks high
    wait_hours: float = 24.0
    loss_aversion: float = 1.0  # extra price weight above the reference price
    gain_weight: float = 0.5  # weight of a price below the reference
    reference_tau_hours: float = 72.0  # how fast the reference follows posted prices


@dataclass(frozen=True)
class SeasonConfig:
    """Size, seed, world and noise levels of a simulated season."""

    world: World = World.OWN
    cinemas: int = 6
    screens: int = 6
    days: int = 21
    seed: int = 0
    window_hours: int = 168
    step_minutes: int = 60
    slot_fill: float = 0.8  # share of screen slots that have a show
    grid_bp: tuple[int, ...] = RepricePolicy().grid_bp
    forecast_sigma: float = 0.35
    appeal_sigma: float = 0.8  # film appeal vs forecast, outside the OWN world
    popularity_sigma: float = 0.5  # spread of the popularity the forecast knows
    elasticity_sigma: float = 0.2
    booking_tau_sigma: float = 0.25
    choice: ChoiceConfig = field(default_factory=ChoiceConfig)

    def __post_init__(self) -> None:
        if BP_ONE not in self.grid_bp:
            raise PricingInputError("the season grid must contain 10000 (uniform pricing)")
        if min(self.cinemas, self.screens, self.days, self.window_hours, self.step_minutes) < 1:
            raise PricingInputError("cinemas, screens, days, window_hours, step_minutes must be >= 1")

    @property
    def step_hours(self) -> float:
        return self.step_minutes / 60.0

    @property
    def start_hour(self) -> float:
        """Season clock at the first step: when the first day's sales open."""
        return -float(self.window_hours)

    @property
    def n_steps(self) -> int:
        return int(np.ceil((self.days * 24 - self.start_hour) / self.step_hours))


@dataclass(eq=False)
class Shows:
    """One entry per showtime: what the engine is told, and the hidden truth."""

    cinema: IntArray
    day: IntArray
    hour: IntArray
    start: FloatArray  # hours on the season clock
    film: IntArray
    base_price_minor: IntArray
    capacity: IntArray
    forecast_demand: FloatArray
    prior_elasticity: FloatArray
    true_demand: FloatArray
    true_elasticity: FloatArray
    booking_tau: FloatArray

    @property
    def size(self) -> int:
        return int(self.start.size)

    def open_step(self, config: SeasonConfig) -> IntArray:
        """First step at which each show is on sale."""
        opens = self.start - config.window_hours - config.start_hour
        return np.ceil(opens / config.step_hours - 1e-9).astype(np.int64)


@dataclass(eq=False)
class Customers:
    """Customers sorted by arrival step; those of step ``s`` are ``[offsets[s], offsets[s+1])``.

    ``show``: the show they came for; ``wtp_minor``: willingness to pay (myopic worlds,
    zeros in ``CHOICE``); ``strategic``: waits when a price looks high (``CHOICE`` only).
    """

    show: IntArray
    offsets: IntArray
    wtp_minor: FloatArray
    strategic: BoolArray


@dataclass(eq=False)
class ChoiceSets:
    """Per customer of the ``CHOICE`` world: options (show ids, -1 pads), their penalties,
    price sensitivity and taste shocks (column 0: the no-purchase option)."""

    options: IntArray
    penalty: FloatArray
    beta: FloatArray
    shocks: npt.NDArray[np.float32]


@dataclass(eq=False)
class Season:
    config: SeasonConfig
    shows: Shows
    customers: Customers
    choice: ChoiceSets | None
    film_appeal: FloatArray


def _lognormal(rng: np.random.Generator, sigma: float, n: int) -> FloatArray:
    """Mean-one lognormal noise, so noise does not bias the level it perturbs."""
    return rng.lognormal(-0.5 * sigma**2, sigma, n)


def _films(config: SeasonConfig, rng: np.random.Generator) -> tuple[IntArray, FloatArray, FloatArray]:
    """Release day, known popularity and true appeal of every film that plays in the season."""
    first = -FILM_RUN_DAYS + 7
    weeks = (config.days - first) / 7.0
    n = max(2, round(weeks * FILMS_PER_WEEK))
    release = np.sort(rng.integers(first, config.days, n))
    release[0] = first  # something is always running on day 0
    popularity = _lognormal(rng, config.popularity_sigma, n)
    sigma = 0.0 if config.world == World.OWN else config.appeal_sigma
    return release, popularity, _lognormal(rng, sigma, n)


def _schedule(config: SeasonConfig, rng: np.random.Generator, release: IntArray,
              popularity: FloatArray) -> tuple[IntArray, ...]:  # fmt: skip
    """Cinema, screen, day, hour and film of every show."""
    grid = np.stack(np.meshgrid(np.arange(config.cinemas), np.arange(config.screens),
                                np.arange(config.days), np.arange(len(HOURS)), indexing="ij"),
                    axis=-1).reshape(-1, 4)  # fmt: skip
    grid = grid[rng.random(len(grid)) < config.slot_fill]
    cinema, screen, day, slot = grid.T
    age_days = day[:, None] - release[None, :]
    running = (age_days >= 0) & (age_days < FILM_RUN_DAYS)
    weight = np.where(running, popularity * WEEKLY_DECAY ** (np.maximum(age_days, 0) / 7.0), 0.0)
    cumulative = np.cumsum(weight, axis=1)
    keep = cumulative[:, -1] > 0
    draw = rng.random(len(grid)) * cumulative[:, -1]
    film = (cumulative < draw[:, None]).sum(axis=1)
    hour = np.asarray(HOURS)[slot]
    return cinema[keep], screen[keep], day[keep], hour[keep], film[keep]


def make_shows(config: SeasonConfig, rng: np.random.Generator) -> tuple[Shows, FloatArray]:
    release, popularity, appeal = _films(config, rng)
    cinema, screen, day, hour, film = _schedule(config, rng, release, popularity)
    n = cinema.size
    # A screen keeps its size and a cinema its ticket price all season.
    screen_capacity = rng.choice(np.array(CAPACITIES), (config.cinemas, config.screens))
    cinema_price = rng.choice(np.array(BASE_PRICES_MINOR, dtype=np.int64), config.cinemas)
    capacity = screen_capacity[cinema, screen].astype(np.int64)
    base = cinema_price[cinema]
    prior_eps = default_elasticity(day % 7, hour)
    load = np.select([prior_eps == PEAK_ELASTICITY, prior_eps == OFF_PEAK_ELASTICITY],
                     [PEAK_LOAD, OFF_PEAK_LOAD], SHOULDER_LOAD)  # fmt: skip
    age_weeks = (day - release[film]) / 7.0
    forecast = capacity * load * popularity[film] * WEEKLY_DECAY**age_weeks
    shows = Shows(
        cinema=cinema, day=day, hour=hour, start=(day * 24 + hour).astype(np.float64), film=film,
        base_price_minor=base, capacity=capacity, forecast_demand=forecast,
        prior_elasticity=prior_eps,
        true_demand=forecast * appeal[film] * _lognormal(rng, config.forecast_sigma, n),
        true_elasticity=prior_eps * _lognormal(rng, config.elasticity_sigma, n),
        booking_tau=DEFAULT_BOOKING_TAU_HOURS * _lognormal(rng, config.booking_tau_sigma, n),
    )  # fmt: skip
    return shows, appeal


def arrivals(config: SeasonConfig, rng: np.random.Generator, shows: Shows, counts: IntArray
             ) -> tuple[IntArray, IntArray]:  # fmt: skip
    """Show and arrival step of ``counts[s]`` customers of each show, lead time ~ Exp(tau)."""
    show = np.repeat(np.arange(shows.size), counts)
    lead = np.minimum(rng.exponential(shows.booking_tau[show]), config.window_hours - 1e-6)
    clock = shows.start[show] - lead
    step = np.floor((clock - config.start_hour) / config.step_hours).astype(np.int64)
    return show, np.maximum(step, shows.open_step(config)[show])


def by_step(config: SeasonConfig, step: IntArray) -> tuple[IntArray, IntArray]:
    """Order that sorts customers by arrival step, and the offsets of each step's slice."""
    order = np.argsort(step, kind="stable")
    offsets = np.concatenate(([0], np.cumsum(np.bincount(step, minlength=config.n_steps))))
    return order, offsets.astype(np.int64)
