"""Sold seats of a showtime, mirrored in Redis so that the hold script can refuse them itself.

PostgreSQL stays the record of what is sold (its partial unique index refuses a second sale
whatever Redis says); the mirror ``showtime:{id}:sold`` lets a hold decide in one Lua call
without a database round trip:

- a committed booking adds its seats (``sell``), a committed give-back removes them (``unsell``);
- the mirror is loaded from PostgreSQL when missing: on first use, after Redis lost it, and
  every ``MIRROR_TTL_SECONDS`` (its expiry), so it re-converges with PostgreSQL even if a
  process died between a commit and its Redis step;
- every sale and give-back moves a generation counter, and a load stores what it read only if
  the counter did not move meanwhile, so a load can never undo a concurrent sale.

Each customer's seats awaiting payment (``showtime:{id}:unpaid``, the hold script's seat limit:
``app.bookings.unpaid``) are loaded with the sold seats, from the same rows and under the same
generation, and expire with them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from app.bookings import keys, lua
from app.bookings.unpaid import UNPAID
from app.extensions import db, redis_client
from app.models import Booking, BookingSeat

MIRROR_TTL_SECONDS = 600
_LOAD_ATTEMPTS = 5


def load_sold_mirror(showtime_id: int) -> bool:
    """Copy PostgreSQL's sold seats of the showtime to Redis, and with them each customer's
    seats awaiting payment (``app.bookings.unpaid``); False if sales kept racing it."""
    generation_key = keys.sold_generation_key(showtime_id)
    for _ in range(_LOAD_ATTEMPTS):
        generation = redis_client.client.get(generation_key) or ""
        rows = db.session.execute(
            # A walk-in's unpaid seats count against the staff member who holds them for it.
            select(BookingSeat.seat_id, Booking.id, Booking.hold_id,
                   func.coalesce(Booking.user_id, Booking.sold_by_id).label("user_id"), Booking.status)
            .join(Booking, Booking.id == BookingSeat.booking_id)
            .where(BookingSeat.showtime_id == showtime_id, BookingSeat.active)
        ).all()
        unpaid: dict[str, list[int]] = {}  # entry -> [user id, seats]
        for row in rows:
            if row.status == UNPAID:
                entry = unpaid.setdefault(keys.unpaid_entry(row.hold_id, row.id), [row.user_id, 0])
                entry[1] += 1
        args = [generation, MIRROR_TTL_SECONDS, len(rows), *(row.seat_id for row in rows),
                *(value for entry, (user_id, seats) in unpaid.items() for value in (entry, user_id, seats))]
        mirror_keys = [keys.sold_key(showtime_id), generation_key, keys.unpaid_key(showtime_id)]
        if lua.run("load_sold", mirror_keys, args):
            return True
    return False


def sell(showtime_id: int, hold_id: str, user_id: int, seat_ids: Iterable[int]) -> None:
    """After the booking of ``hold_id`` is committed: its seats are sold, the hold is over."""
    lua.run(
        "sell",
        [keys.hold_key(showtime_id, hold_id), keys.user_hold_key(showtime_id, user_id),
         keys.seat_map_key(showtime_id), keys.seat_map_generation_key(showtime_id),
         keys.sold_key(showtime_id), keys.sold_generation_key(showtime_id),
         keys.user_deadline_key(showtime_id, user_id),
         *(keys.lock_key(showtime_id, seat_id) for seat_id in seat_ids)],
        [hold_id, keys.lock_prefix(showtime_id)],
    )


def unsell(showtime_id: int, hold_id: str | None, seat_ids: Iterable[int]) -> None:
    """After seats of a booking were given back and that is committed: they are for sale again."""
    lua.run(
        "unsell",
        [keys.seat_map_key(showtime_id), keys.seat_map_generation_key(showtime_id),
         keys.sold_key(showtime_id), keys.sold_generation_key(showtime_id),
         *(keys.lock_key(showtime_id, seat_id) for seat_id in seat_ids)],
        [hold_id or "", keys.lock_prefix(showtime_id)],
    )


def forget_sold_mirror(showtime_id: int) -> None:
    """Drop the mirror (the next hold reloads it), e.g. after PostgreSQL refused a sale it allowed."""
    redis_client.client.delete(keys.sold_key(showtime_id), keys.unpaid_key(showtime_id))
