"""The seat map of a showtime: sold (PostgreSQL) ∪ held (Redis), cached 30 s.

Every hold, release, booking and cancellation invalidates the cache and bumps a generation
counter; a map is cached only if the generation did not move while it was being built, so
a map read just before a change can never be stored after it (a client never sees a seat it
just took as free).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, select

from app.bookings import keys, lua
from app.bookings.quotes import quote_seats
from app.common.clock import now
from app.common.errors import NotFoundError
from app.extensions import db, redis_client
from app.models import BookingSeat, Cinema, Seat, Showtime

SEAT_MAP_TTL_SECONDS = 30


def seat_map_json(showtime_id: int) -> str:
    """The seat map as a JSON document, from the cache when it is there."""
    client = redis_client.client
    cached = client.get(keys.seat_map_key(showtime_id))
    if cached is not None:
        return cached
    generation = client.get(keys.seat_map_generation_key(showtime_id)) or ""
    document = json.dumps(build_seat_map(showtime_id), separators=(",", ":"))
    lua.run(
        "cache_if_unchanged",
        [keys.seat_map_key(showtime_id), keys.seat_map_generation_key(showtime_id)],
        [generation, document, SEAT_MAP_TTL_SECONDS],
    )
    return document


def load_seat_map(showtime_id: int) -> dict[str, Any]:
    return json.loads(seat_map_json(showtime_id))


def invalidate_seat_map(showtime_id: int) -> None:
    """Call after any change to the seats of a showtime made outside the hold scripts."""
    client = redis_client.client
    pipe = client.pipeline(transaction=True)
    pipe.incr(keys.seat_map_generation_key(showtime_id))
    pipe.expire(keys.seat_map_generation_key(showtime_id), 86400)
    pipe.delete(keys.seat_map_key(showtime_id))
    pipe.execute()


def build_seat_map(showtime_id: int) -> dict[str, Any]:
    """Read the map from the sources: seats and sold seats in one query, prices, held locks."""
    row = db.session.execute(
        select(Showtime, Cinema.currency)
        .join(Cinema, Cinema.id == Showtime.cinema_id)
        .where(Showtime.id == showtime_id)
    ).first()
    if row is None:
        raise NotFoundError(f"Showtime {showtime_id} not found")
    showtime, currency = row
    # Plain rows, not ORM objects: a map has hundreds of seats and is rebuilt after every change.
    seats = db.session.execute(
        select(Seat.id, Seat.row_label, Seat.number, Seat.category, Seat.grid_row, Seat.grid_col,
               Seat.is_wheelchair, Seat.is_companion, Seat.is_blocked, BookingSeat.id.label("sale_id"))
        .outerjoin(BookingSeat, and_(
            BookingSeat.showtime_id == showtime_id, BookingSeat.seat_id == Seat.id, BookingSeat.active,
        ))
        .where(Seat.screen_id == showtime.screen_id, Seat.active)
        .order_by(Seat.grid_row, Seat.grid_col)
    ).all()
    prices = {quote.seat_id: quote.price_minor for quote in quote_seats(showtime, seats)}
    lock_owners = (
        redis_client.client.mget([keys.lock_key(showtime_id, seat.id) for seat in seats]) if seats else []
    )
    entries = []
    for seat, lock_owner in zip(seats, lock_owners, strict=True):
        if seat.is_blocked:
            status = "blocked"
        elif seat.sale_id is not None:
            status = "sold"
        elif lock_owner is not None:
            status = "held"
        else:
            status = "available"
        entries.append({
            "id": seat.id, "row": seat.row_label, "number": seat.number,
            "label": f"{seat.row_label}{seat.number}", "category": seat.category,
            "x": seat.grid_col, "y": seat.grid_row, "wheelchair": seat.is_wheelchair,
            "companion": seat.is_companion, "status": status, "price_minor": prices.get(seat.id),
        })
    counts = {status: 0 for status in ("available", "held", "sold", "blocked")}
    for entry in entries:
        counts[entry["status"]] += 1
    # Built directly in the shape of ShowtimeSeatMapSchema (the route documents it with that schema).
    return {
        "showtime_id": showtime.id, "screen_id": showtime.screen_id,
        "showtime_status": showtime.status, "currency": currency,
        "generated_at": now().isoformat(), "counts": counts, "seats": entries,
    }
