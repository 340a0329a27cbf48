"""The pricing worker's job: reprice every upcoming showtime at once and log each change.

Loads the next ``horizon_days`` of showtimes in one query (sold seats counted by the
database), forecasts base-price demand with the shared demand model of ``optimizer.demand``
(film age x weekday x hour, the same model the scheduler uses), lets
``pricing_engine.reprice`` choose every multiplier in one vectorised call, and writes the
changes and the price-change log in one transaction. Seat-map caches of changed showtimes
are cleared and rebuilt, so the next read shows the new prices at once.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import and_, bindparam, func, insert, select, update

from app.bookings.seatmap import invalidate_seat_map, seat_map_json
from app.common.clock import now
from app.common.localtime import local_parts, with_local_parts
from app.extensions import db
from app.models import BookingSeat, Cinema, Movie, PriceChange, Screen, SeatCategoryPrice, Showtime
from optimizer.demand import prior_profile
from pricing_engine import RepricePolicy, ShowtimeBatch, default_elasticity, multiplier_from_bp, reprice

HORIZON_DAYS = 14


def reprice_upcoming_showtimes(horizon_days: int = HORIZON_DAYS) -> dict[str, int]:
    at = now()
    rows = _load_upcoming(at, horizon_days)
    if not rows:
        return {"considered": 0, "changed": 0, "frozen": 0}
    columns = {name: [getattr(r, name) for r in rows] for name in rows[0]._fields}
    weekday, hour, age_weeks = local_parts(rows)
    capacity = np.asarray(columns["capacity"], dtype=np.int64)
    current_bp = np.array([int(Decimal(m) * 10000) for m in columns["dynamic_multiplier"]], dtype=np.int64)
    last_change = [c or at - timedelta(days=365) for c in columns["price_changed_at"]]
    policy = RepricePolicy()
    grid = np.asarray(policy.grid_bp)
    low = np.array([int(Decimal(v) * 10000) for v in columns["multiplier_min"]])[:, None]
    high = np.array([int(Decimal(v) * 10000) for v in columns["multiplier_max"]])[:, None]
    batch = ShowtimeBatch(
        base_price_minor=np.asarray(columns["base_price"], dtype=np.int64),
        capacity=capacity,
        sold=np.asarray(columns["sold"], dtype=np.int64),
        hours_to_show=np.array([(s - at).total_seconds() / 3600 for s in columns["starts_at"]]),
        baseline_demand=prior_profile().occupancy(age_weeks, weekday, hour) * capacity,
        elasticity=default_elasticity(weekday, hour),
        current_bp=current_bp,
        minutes_since_change=np.array([(at - c).total_seconds() / 60 for c in last_change]),
        frozen=np.asarray(columns["price_frozen"], dtype=bool),
        allowed=(grid[None, :] >= low) & (grid[None, :] <= high),
    )
    result = reprice(batch, policy)
    changed = np.flatnonzero(result.changed)
    _write_changes(rows, result, changed, at)
    return {"considered": len(rows), "changed": int(changed.size), "frozen": int(batch.frozen.sum())}


def _load_upcoming(at, horizon_days: int) -> list:
    sold = (
        select(BookingSeat.showtime_id, func.count().label("sold"))
        .where(BookingSeat.active.is_(True)).group_by(BookingSeat.showtime_id).subquery()
    )
    base = (
        select(SeatCategoryPrice.cinema_id, SeatCategoryPrice.amount_minor)
        .where(SeatCategoryPrice.screen_id.is_(None), SeatCategoryPrice.category == "standard").subquery()
    )
    query = (
        select(
            Showtime.id, Showtime.starts_at, Showtime.dynamic_multiplier, Showtime.price_frozen,
            Showtime.price_changed_at, Screen.capacity, Movie.release_date, Cinema.timezone,
            Cinema.price_multiplier_min.label("multiplier_min"),
            Cinema.price_multiplier_max.label("multiplier_max"),
            func.coalesce(sold.c.sold, 0).label("sold"), base.c.amount_minor.label("base_price"),
        )
        .join(Screen, Screen.id == Showtime.screen_id)
        .join(Movie, Movie.id == Showtime.movie_id)
        .join(Cinema, Cinema.id == Showtime.cinema_id)
        .join(base, base.c.cinema_id == Showtime.cinema_id)
        .outerjoin(sold, sold.c.showtime_id == Showtime.id)
        .where(Showtime.status == "scheduled", Showtime.starts_at > at,
               Showtime.starts_at <= at + timedelta(days=horizon_days), Screen.capacity > 0)
        .order_by(Showtime.id)
    )
    query = with_local_parts(query, Showtime.starts_at, Cinema.timezone, Movie.release_date)
    return db.session.execute(query).all()


def _write_changes(rows: list, result, changed: np.ndarray, at) -> None:
    if changed.size == 0:
        return
    updates = [
        {"sid": rows[i].id, "multiplier": multiplier_from_bp(int(result.multiplier_bp[i]))} for i in changed
    ]
    db.session.execute(
        update(Showtime.__table__)
        .where(and_(Showtime.__table__.c.id == bindparam("sid"),
                    Showtime.__table__.c.price_frozen.is_(False)))
        .values(dynamic_multiplier=bindparam("multiplier"), price_changed_at=at),
        updates,
    )
    db.session.execute(insert(PriceChange), [
        {"showtime_id": rows[i].id, "old_multiplier": rows[i].dynamic_multiplier,
         "new_multiplier": multiplier_from_bp(int(result.multiplier_bp[i])), "reason": "dynamic",
         "details": {"flags": result.reasons_for(int(i)).name, "sold": int(rows[i].sold),
                     "expected_revenue_minor": int(result.expected_revenue_minor[i])},
         "created_at": at}
        for i in changed
    ])
    db.session.commit()
    for i in changed:
        invalidate_seat_map(rows[i].id)
        # Re-warm at once: the first customer after a price change should not pay for the rebuild.
        seat_map_json(rows[i].id)
