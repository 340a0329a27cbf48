"""How customers respond to posted prices, one repricing step at a time.

``MyopicMarket`` (worlds ``OWN`` and ``UNKNOWN_APPEAL``): a customer buys a seat of the
show they came for on arrival if its price is not above their willingness to pay.

``ChoiceMarket`` (world ``CHOICE``), on top of the logit choice of ``customers``:

* Fairness: every show has a reference price, the posted multiplier smoothed
  exponentially over ``reference_tau_hours`` and starting at x1.00 (the cinema's usual
  price). A price above it weighs ``1 + loss_aversion`` times as much in the utility, a
  price below it is an extra gain of ``gain_weight`` (losses loom larger than gains).
* Waiting: a strategic customer whose choice costs more than x1.00 or more than the
  lowest price that show has been posted at, and whose show is more than ``wait_hours``
  away, comes back ``wait_hours`` later and chooses again at the prices then (once).

When more customers choose a show in one step than it has seats left, the extra ones
leave without a ticket. ``step`` returns the tickets sold and the tickets wanted per show.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from pricing_engine.arrays import BoolArray, IntArray
from pricing_engine.simulation.season import Season


def capped_sales(chosen: IntArray, seats_left: IntArray) -> tuple[IntArray, IntArray]:
    """Tickets sold per show when ``chosen`` lists one show per buyer, and tickets wanted."""
    wanted = np.bincount(chosen, minlength=seats_left.size)
    return np.minimum(wanted, seats_left), wanted


class MyopicMarket:
    def __init__(self, season: Season) -> None:
        self.customers = season.customers

    def step(self, step: int, now: float, multiplier_bp: IntArray, price_minor: IntArray,
             seats_left: IntArray, on_sale: BoolArray) -> tuple[IntArray, IntArray]:  # fmt: skip
        c = self.customers
        lo, hi = c.offsets[step], c.offsets[step + 1]
        show = c.show[lo:hi]
        return capped_sales(show[c.wtp_minor[lo:hi] >= price_minor[show]], seats_left)


class ChoiceMarket:
    def __init__(self, season: Season) -> None:
        if season.choice is None:
            raise ValueError("a choice market needs a season drawn in the CHOICE world")
        self.season = season
        self.behaviour = season.config.choice
        n = season.shows.size
        self.reference = np.ones(n)
        self.lowest = np.full(n, np.inf)
        self.waited = np.zeros(season.customers.show.size, dtype=bool)
        self.returning: dict[int, list[IntArray]] = defaultdict(list)
        step_hours = season.config.step_hours
        self.wait_steps = max(1, round(self.behaviour.wait_hours / step_hours))
        self.follow = 1.0 - np.exp(-step_hours / self.behaviour.reference_tau_hours)

    def step(self, step: int, now: float, multiplier_bp: IntArray, price_minor: IntArray,
             seats_left: IntArray, on_sale: BoolArray) -> tuple[IntArray, IntArray]:  # fmt: skip
        season, b = self.season, self.behaviour
        c, sets, shows = season.customers, season.choice, season.shows
        m = multiplier_bp / 10_000
        self.lowest = np.where(on_sale, np.minimum(self.lowest, m), self.lowest)
        who = np.concatenate([np.arange(c.offsets[step], c.offsets[step + 1])] + self.returning.pop(step, []))
        sales = wanted = np.zeros(shows.size, dtype=np.int64)
        if who.size:
            primary = c.show[who]
            options = sets.options[primary]
            valid = (options >= 0) & on_sale[options] & (seats_left[options] > 0)
            opt = np.where(options >= 0, options, 0)
            price, ref = m[opt], self.reference[opt]
            above, below = np.maximum(price - ref, 0.0), np.maximum(ref - price, 0.0)
            fairness = b.loss_aversion * above - b.gain_weight * below
            beta = sets.beta[primary][:, None]
            shocks = sets.shocks[who]
            utility = -sets.penalty[primary] - beta * (price - 1.0 + fairness) + shocks[:, 1:]
            utility = np.where(valid, utility, -np.inf)
            best = utility.argmax(axis=1)
            rows = np.arange(who.size)
            buys = utility[rows, best] > shocks[:, 0]
            choice = opt[rows, best]
            looks_high = m[choice] > np.minimum(1.0, self.lowest[choice]) + 1e-9
            far = shows.start[choice] - now > b.wait_hours
            waits = buys & c.strategic[who] & ~self.waited[who] & looks_high & far
            if waits.any():
                self.waited[who[waits]] = True
                self.returning[step + self.wait_steps].append(who[waits])
            sales, wanted = capped_sales(choice[buys & ~waits], seats_left)
        self.reference += np.where(on_sale, (m - self.reference) * self.follow, 0.0)
        return sales, wanted
