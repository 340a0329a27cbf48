"""Drawing a season's customers, once per seed, for the myopic worlds and the choice world.

Myopic worlds (``OWN``, ``UNKNOWN_APPEAL``): each customer of a show has a willingness to
pay ``W x base`` with ``W`` exponential of mean ``1 / -eps_true``, which reproduces the
engine's demand curve ``D(m) = D0 * exp(eps * (m - 1))`` exactly.

Choice world: a customer comes for one show ``p`` but weighs every show of the same
cinema and day within ``CHOICE_HOURS`` and the option of buying nothing:

    U_k = -penalty_k - beta * (m_k - 1) - beta * fairness_k + shock_k,   U_none = shock_0

with Gumbel shocks (a multinomial logit), ``penalty`` 0 for ``p``, more for another time of
the same film and more again for another film, growing with the hours away; ``fairness``
is ``markets.ChoiceMarket``'s reference-price term. Calibration, so that the engine's
priors are what a chain would measure: with every price at x1.00, ``beta`` is set so the
show's own-price elasticity for its customers equals its true elasticity, and the number
of customers so that they buy ``D0`` tickets in all (not all at ``p``).
"""

from __future__ import annotations

import numpy as np

from pricing_engine.basis_points import price_at_bp
from pricing_engine.simulation.season import (
    CHOICE_HOURS,
    ChoiceSets,
    Customers,
    Season,
    SeasonConfig,
    Shows,
    World,
    arrivals,
    by_step,
    make_shows,
)


def _options(config: SeasonConfig, shows: Shows) -> tuple[np.ndarray, np.ndarray]:
    """(N, K) options of each show's customers (itself first, -1 pads) and their penalties."""
    choice = config.choice
    group = shows.cinema * config.days + shows.day
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    members = np.split(order, bounds)
    width = max(len(m) for m in members)
    options = np.full((shows.size, width), -1, dtype=np.int64)
    penalty = np.zeros((shows.size, width))
    for m in members:
        gap = np.abs(shows.hour[m][:, None] - shows.hour[m][None, :])
        same_film = shows.film[m][:, None] == shows.film[m][None, :]
        cost = np.where(same_film, choice.same_film_penalty, choice.other_film_penalty)
        cost = cost + choice.per_hour_penalty * gap
        np.fill_diagonal(cost, 0.0)
        near = gap <= CHOICE_HOURS
        # Itself first: sort each row by cost, far shows last.
        rank = np.argsort(np.where(near, cost, np.inf), axis=1, kind="stable")
        count = near.sum(axis=1)
        for row, show in enumerate(m):
            chosen = rank[row, : count[row]]
            options[show, : count[row]] = m[chosen]
            penalty[show, : count[row]] = cost[row, chosen]
    width = int((options >= 0).sum(axis=1).max())
    return options[:, :width], penalty[:, :width]


def draw_choice_customers(config: SeasonConfig, rng: np.random.Generator, shows: Shows
                          ) -> tuple[Customers, ChoiceSets]:  # fmt: skip
    options, penalty = _options(config, shows)
    attraction = np.where(options >= 0, np.exp(-penalty), 0.0)
    buy_any = attraction.sum(axis=1) / (1.0 + attraction.sum(axis=1))
    buy_own = 1.0 / (1.0 + attraction.sum(axis=1))
    beta = -shows.true_elasticity / (1.0 - buy_own)
    counts = rng.poisson(shows.true_demand / buy_any)
    show, step = arrivals(config, rng, shows, counts)
    order, offsets = by_step(config, step)
    show = show[order]
    shocks = rng.gumbel(size=(show.size, options.shape[1] + 1)).astype(np.float32)
    customers = Customers(
        show=show, offsets=offsets, wtp_minor=np.zeros(show.size),
        strategic=rng.random(show.size) < config.choice.strategic_share,
    )  # fmt: skip
    return customers, ChoiceSets(options=options, penalty=penalty, beta=beta, shocks=shocks)


def draw_myopic_customers(config: SeasonConfig, rng: np.random.Generator, shows: Shows) -> Customers:
    # Only customers who can afford the cheapest grid price matter. With exponential
    # valuations the survivors are W = w_min + Exponential(1 / k) (memorylessness), and
    # their count is Poisson(D0 * exp(k * (1 - w_min))).
    k = -shows.true_elasticity
    base = shows.base_price_minor
    w_min = price_at_bp(base, config.grid_bp[0]) / base
    counts = rng.poisson(shows.true_demand * np.exp(k * (1.0 - w_min)))
    show, step = arrivals(config, rng, shows, counts)
    wtp = (w_min[show] + rng.exponential(1.0 / k[show])) * base[show]
    order, offsets = by_step(config, step)
    return Customers(show=show[order], offsets=offsets, wtp_minor=wtp[order],
                     strategic=np.zeros(show.size, dtype=bool))  # fmt: skip


def make_season(config: SeasonConfig) -> Season:
    """Draw a season deterministically from ``config.seed``."""
    rng = np.random.default_rng(config.seed)
    shows, appeal = make_shows(config, rng)
    if config.world == World.CHOICE:
        customers, choice = draw_choice_customers(config, rng, shows)
        return Season(config, shows, customers, choice, appeal)
    return Season(config, shows, draw_myopic_customers(config, rng, shows), None, appeal)
