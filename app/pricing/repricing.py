"""The pricing worker's job: reprice every upcoming showtime at once and log each change, saying why.

Loads the next ``horizon_days`` of showtimes in one query (sold seats, the last booking and
the multipliers of the last 24 hours summed up by the database), plus the showtimes of the
same films that started in the last ``EVIDENCE_DAYS``: they are never repriced, but their
bookings tell how each film sells (``pricing_engine.learning``). Base-price demand comes
from the shared demand model of ``optimizer.demand`` (film age x weekday x hour, the same
model the scheduler uses); each showtime's exposure to it is advanced and stored
(``app.pricing.exposure``); each cinema's guard rails apply (``app.pricing.rail_inputs``).
``pricing_engine.reprice`` chooses every multiplier in one vectorised call, and the changes,
the price-change log (which signal moved each price, in words) and the exposures are written
in one transaction, which records the showtimes whose prices changed: the bookings service then
clears their seat-map caches and rebuilds those being read, so the next read shows the new prices.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import BigInteger, Float, Numeric, Subquery, and_, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from app.common import events
from app.common.clock import now
from app.common.localtime import local_parts, with_local_parts
from app.common.unit_of_work import unit_of_work
from app.extensions import db
from app.models import (
    Booking,
    BookingSeat,
    Cinema,
    Movie,
    PriceChange,
    Screen,
    SeatCategoryPrice,
    Showtime,
)
from app.pricing.events import ShowtimePricesChanged
from app.pricing.exposure import exposure_after_run
from app.pricing.rail_inputs import guard_rails_for
from optimizer.demand import prior_profile
from pricing_engine import (
    RepricePolicy,
    RepriceResult,
    ShowtimeBatch,
    bp_from_multiplier,
    default_elasticity,
    multiplier_from_bp,
    reprice,
)

HORIZON_DAYS = 14
# Showtimes of the same films that started this recently inform their appeal.
EVIDENCE_DAYS = 14
THREE_PLACES = Decimal("0.001")


def reprice_upcoming_showtimes(horizon_days: int = HORIZON_DAYS) -> dict[str, int]:
    at = now()
    rows = _load_showtimes(at, horizon_days)
    upcoming = np.array([r.starts_at > at for r in rows], dtype=bool)
    if not upcoming.any():
        return {"considered": 0, "changed": 0, "frozen": 0}
    columns = {name: [getattr(r, name) for r in rows] for name in rows[0]._fields}
    weekday, hour, age_weeks = local_parts(rows)
    capacity = np.asarray(columns["capacity"], dtype=np.int64)
    # A layout shrunk after sales can leave more sold than seats: the engine takes it as sold out.
    sold = np.minimum(np.asarray(columns["sold"], dtype=np.int64), capacity)
    current_bp = _bp(columns["dynamic_multiplier"])
    elasticity = default_elasticity(weekday, hour)
    exposure, exposure_moved = exposure_after_run(rows, at, sold, capacity, current_bp, elasticity)
    last_change = [c or at - timedelta(days=365) for c in columns["price_changed_at"]]
    policy = RepricePolicy()
    grid = np.asarray(policy.grid_bp)
    low = _bp(columns["multiplier_min"])[:, None]
    high = _bp(columns["multiplier_max"])[:, None]
    batch = ShowtimeBatch(
        base_price_minor=np.asarray(columns["base_price"], dtype=np.int64),
        capacity=capacity,
        sold=sold,
        hours_to_show=np.array([(s - at).total_seconds() / 3600 for s in columns["starts_at"]]),
        baseline_demand=prior_profile().occupancy(age_weeks, weekday, hour) * capacity,
        elasticity=elasticity,
        current_bp=current_bp,
        minutes_since_change=np.array([(at - c).total_seconds() / 60 for c in last_change]),
        frozen=np.asarray(columns["price_frozen"], dtype=bool),
        allowed=(grid[None, :] >= low) & (grid[None, :] <= high),
        film=np.unique(np.asarray(columns["movie_id"]), return_inverse=True)[1],
        exposure=exposure,
        rails=guard_rails_for(rows, at),
        # The lowest and highest multiplier in force over the last 24 hours, the current one included.
        day_low_bp=np.minimum.reduce([current_bp, _bp(columns["day_low_old"], current_bp),
                                      _bp(columns["day_low_new"], current_bp)]),
        day_high_bp=np.maximum.reduce([current_bp, _bp(columns["day_high_old"], current_bp),
                                       _bp(columns["day_high_new"], current_bp)]),
    )  # fmt: skip
    result = reprice(batch, policy)
    # Rows of past showtimes are closed to the engine: it never changes them.
    changed = np.flatnonzero(result.changed & upcoming)
    _write(rows, result, changed, exposure, np.flatnonzero(exposure_moved), at)
    return {"considered": int(upcoming.sum()), "changed": int(changed.size),
            "frozen": int((batch.frozen & upcoming).sum())}


def _bp(multipliers: list, default: np.ndarray | None = None) -> np.ndarray:
    """Stored multipliers (Decimal) as basis points; NULL takes ``default``'s value."""
    return np.array([bp_from_multiplier(Decimal(m)) if m is not None else int(default[i])
                     for i, m in enumerate(multipliers)], dtype=np.int64)  # fmt: skip


def _load_showtimes(at: datetime, horizon_days: int) -> list:
    """Showtimes within the horizon, and the past ``EVIDENCE_DAYS`` of showtimes of their films."""
    sold = (
        select(BookingSeat.showtime_id, func.count().label("sold"),
               func.max(Booking.created_at).label("last_booked_at"))
        .join(Booking, Booking.id == BookingSeat.booking_id)
        .where(BookingSeat.active.is_(True)).group_by(BookingSeat.showtime_id).subquery()
    )
    horizon = at + timedelta(days=horizon_days)
    # Reached through the upcoming showtimes, so the log's index serves it however long it grows.
    recent = (
        select(PriceChange.showtime_id,
               func.min(PriceChange.old_multiplier).label("day_low_old"),
               func.min(PriceChange.new_multiplier).label("day_low_new"),
               func.max(PriceChange.old_multiplier).label("day_high_old"),
               func.max(PriceChange.new_multiplier).label("day_high_new"))
        .join(Showtime, Showtime.id == PriceChange.showtime_id)
        .where(Showtime.starts_at > at, Showtime.starts_at <= horizon,
               PriceChange.created_at > at - timedelta(hours=24))
        .group_by(PriceChange.showtime_id).subquery()
    )
    base = (
        select(SeatCategoryPrice.cinema_id, SeatCategoryPrice.amount_minor)
        .where(SeatCategoryPrice.screen_id.is_(None), SeatCategoryPrice.category == "standard").subquery()
    )
    films_on_sale = select(Showtime.movie_id).where(
        Showtime.status == "scheduled", Showtime.starts_at > at, Showtime.starts_at <= horizon)
    query = (
        select(
            Showtime.id, Showtime.movie_id, Showtime.cinema_id, Showtime.screen_id, Showtime.format,
            Showtime.starts_at, Showtime.dynamic_multiplier, Showtime.price_frozen,
            Showtime.price_changed_at, Showtime.demand_exposure, Showtime.exposure_at,
            Screen.capacity, Movie.release_date, Cinema.timezone,
            Cinema.price_multiplier_min.label("multiplier_min"),
            Cinema.price_multiplier_max.label("multiplier_max"),
            func.coalesce(sold.c.sold, 0).label("sold"), sold.c.last_booked_at,
            base.c.amount_minor.label("base_price"),
            recent.c.day_low_old, recent.c.day_low_new, recent.c.day_high_old, recent.c.day_high_new,
        )
        .join(Screen, Screen.id == Showtime.screen_id)
        .join(Movie, Movie.id == Showtime.movie_id)
        .join(Cinema, Cinema.id == Showtime.cinema_id)
        .join(base, base.c.cinema_id == Showtime.cinema_id)
        .outerjoin(sold, sold.c.showtime_id == Showtime.id)
        .outerjoin(recent, recent.c.showtime_id == Showtime.id)
        .where(Showtime.status == "scheduled", Showtime.starts_at > at - timedelta(days=EVIDENCE_DAYS),
               Showtime.starts_at <= horizon, Showtime.movie_id.in_(films_on_sale), Screen.capacity > 0)
        .order_by(Showtime.id)
    )  # fmt: skip
    query = with_local_parts(query, Showtime.starts_at, Cinema.timezone, Movie.release_date)
    return db.session.execute(query).all()


def _details(result: RepriceResult, i: int, sold: int) -> dict:
    """What the price-change log keeps of one change: the flags, the signal and its sentence."""
    why = result.why(i)
    estimate = result.estimate
    return {
        "flags": result.reasons_for(i).name, "sold": sold,
        "expected_revenue_minor": int(result.expected_revenue_minor[i]),
        "driver": why.code, "why": why.text,
        "appeal": round(float(estimate.appeal[i]), 3), "pace": round(float(estimate.pace[i]), 3),
        "target_multiplier": str(multiplier_from_bp(int(result.target_bp[i])).quantize(THREE_PLACES)),
    }


def _write(rows: list, result: RepriceResult, changed: np.ndarray, exposure: np.ndarray,
           moved: np.ndarray, at: datetime) -> None:
    showtimes = Showtime.__table__
    with unit_of_work():
        if moved.size:
            source = _unnested(ids=[rows[i].id for i in moved], exposure=[float(exposure[i]) for i in moved])
            db.session.execute(update(showtimes).where(showtimes.c.id == source.c.ids)
                               .values(demand_exposure=source.c.exposure, exposure_at=at))
        if changed.size:
            multipliers = [multiplier_from_bp(int(result.multiplier_bp[i])) for i in changed]
            source = _unnested(ids=[rows[i].id for i in changed], multiplier=multipliers)
            db.session.execute(
                update(showtimes)
                .where(and_(showtimes.c.id == source.c.ids, showtimes.c.price_frozen.is_(False)))
                .values(dynamic_multiplier=source.c.multiplier, price_changed_at=at)
            )
            db.session.execute(insert(PriceChange), [
                {"showtime_id": rows[i].id, "old_multiplier": rows[i].dynamic_multiplier,
                 "new_multiplier": multiplier, "reason": "dynamic",
                 "details": _details(result, int(i), int(result.batch.sold[i])), "created_at": at}
                for i, multiplier in zip(changed, multipliers, strict=True)
            ])
            events.record(ShowtimePricesChanged(tuple(rows[i].id for i in changed)))


_ARRAY_TYPES = {"ids": ARRAY(BigInteger), "exposure": ARRAY(Float), "multiplier": ARRAY(Numeric(4, 3))}


def _unnested(**columns: list) -> Subquery:
    """Equal-length value lists as one table (``unnest`` side by side), so a single UPDATE ... FROM
    writes thousands of rows: one statement, not one per row."""
    return select(*(func.unnest(bindparam(name, values, type_=_ARRAY_TYPES[name])).label(name)
                    for name, values in columns.items())).subquery()  # fmt: skip
