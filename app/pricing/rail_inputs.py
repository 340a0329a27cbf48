"""The guard rails of many showtimes at once, as the arrays ``pricing_engine.GuardRails`` takes.

Each showtime gets its cinema's settings (``app.pricing.guard_rails``). Floors and ceilings
bound every seat category the showtime sells, at the par price its quote would start the
dynamic step from (``app.pricing.price_bounds``); par prices depend only on the screen, the
format and the time rules that apply, so they are computed once per such combination.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select

from app.extensions import db
from app.models import Cinema, PricingGuardRails
from app.pricing import tariffs
from app.pricing.guard_rails import limits_of
from app.pricing.price_bounds import FULL_PRICE, engine_bounds, par_prices, scaled_par
from pricing_engine import NO_CEILING, GuardRails, ShowtimeContext
from pricing_engine.basis_points import MAX_BP


def guard_rails_for(rows: Sequence[Any], at: datetime) -> GuardRails | None:
    """Rails of every row (``id``, ``cinema_id``, ``screen_id``, ``movie_id``, ``starts_at``,
    ``format``, ``timezone``); None when no cinema among them set any."""
    cinema_ids = {r.cinema_id for r in rows}
    settings = {s.cinema_id: s for s in db.session.scalars(
        select(PricingGuardRails).where(PricingGuardRails.cinema_id.in_(cinema_ids)))}
    if not settings:
        return None
    chosen = [settings.get(r.cinema_id) for r in rows]
    timed = {
        "max_daily_change_bp": np.array([MAX_BP if s is None or s.max_daily_change_bp is None
                                         else s.max_daily_change_bp for s in chosen], dtype=np.int64),
        "no_rise_hours": np.array([0.0 if s is None else float(s.no_rise_hours) for s in chosen]),
        "only_fall": np.array([s is not None and s.only_fall for s in chosen], dtype=bool),
    }  # fmt: skip
    categories = sorted({b.category for s in settings.values() for b in s.category_bounds})
    if not categories:
        return GuardRails(**timed)
    base, floor, ceiling = _category_bounds(rows, settings, categories, at)
    return GuardRails(category_base_minor=base, floor_minor=floor, ceiling_minor=ceiling, **timed)


def _category_bounds(rows: Sequence[Any], settings: dict[int, PricingGuardRails], categories: list[str],
                     at: datetime) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, c = len(rows), len(categories)
    base = np.zeros((n, c), dtype=np.int64)
    floor = np.zeros((n, c), dtype=np.int64)
    ceiling = np.full((n, c), NO_CEILING, dtype=np.int64)
    step = np.ones((n, 1), dtype=np.int64)
    bounded = {cinema_id for cinema_id, s in settings.items() if s.category_bounds}
    screens = {r.screen_id: r.cinema_id for r in rows if r.cinema_id in bounded}
    bases = tariffs.base_prices_by_screen(screens)
    sold_on = tariffs.screen_categories(screens)
    cinemas = {cinema.id: _CinemaPricing(cinema, at) for cinema in
               db.session.scalars(select(Cinema).where(Cinema.id.in_(bounded)))}
    limits = {cinema_id: {b.category: limits_of(b) for b in settings[cinema_id].category_bounds}
              for cinema_id in bounded}
    for i, row in enumerate(rows):
        pricing = cinemas.get(row.cinema_id)
        if pricing is None:
            continue
        own = limits[row.cinema_id]
        wanted = {cat: bases[row.screen_id][cat] for cat in own
                  if cat in sold_on[row.screen_id] and cat in bases[row.screen_id]}
        pars = pricing.pars(row, wanted)
        step[i] = pricing.tariff.price_step_minor
        for j, category in enumerate(categories):
            if category in pars:
                base[i, j] = scaled_par(pars[category])
                floor[i, j], ceiling[i, j] = own[category]
    return engine_bounds(base, floor, ceiling, step)


class _CinemaPricing:
    """One cinema's tariff now, and the par prices it gives, remembered per combination."""

    def __init__(self, cinema: Cinema, at: datetime) -> None:
        rules = tariffs.active_rules(cinema.id, at)
        self.tariff = tariffs.build_tariff(cinema, rules, (FULL_PRICE,))
        self.holidays = tariffs.holidays_of(rules)
        self.zone = ZoneInfo(cinema.timezone)
        self.known: dict[tuple, dict[str, Decimal]] = {}

    def pars(self, row: Any, bases: dict[str, int]) -> dict[str, Decimal]:
        context = ShowtimeContext(showtime_id=str(row.id), movie_id=str(row.movie_id),
                                  start_local=row.starts_at.astimezone(self.zone), format=row.format,
                                  holidays=self.holidays)  # fmt: skip
        key = (row.screen_id, row.format, tuple(rule.id for rule in self.tariff.applicable_rules(context)))
        if key not in self.known:
            self.known[key] = par_prices(self.tariff, context, bases)
        return self.known[key]
