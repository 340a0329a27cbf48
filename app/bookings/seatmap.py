"""The seat map of a showtime: sold (PostgreSQL) ∪ held (Redis), cached 30 s.

Every hold, release, booking and cancellation invalidates the cache, bumps a generation
counter and publishes it on ``seatmap:<showtime id>`` for open pages (``realtime/``). A map
is cached only if the generation did not move while it was being built, so a map read just
before a change can never be stored after it (a client never sees a seat it just took as free).

A hold that runs out frees its seats with no one to announce it (its keys just expire). So a
map says when its earliest hold ends (``holds_end_at``), is cached no longer than that, and
open pages refetch it then: an abandoned checkout's seats show as free within about a second
of its end, even on a showtime where nothing else happens.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.bookings import keys, lua
from app.bookings.context import sales_context
from app.cinemas.events import ScreenSeatingChanged
from app.common.clock import now
from app.extensions import db, redis_client
from app.models import BookingSeat, Showtime
from app.pricing.events import ShowtimePricesChanged

SEAT_MAP_TTL_SECONDS = 30
REWARM_CHUNK = 200


def seat_map_json(showtime_id: int) -> str:
    """The seat map as a JSON document, from the cache when it is there."""
    client = redis_client.client
    cached = client.get(keys.seat_map_key(showtime_id))
    if cached is not None:
        return cached
    generation = client.get(keys.seat_map_generation_key(showtime_id)) or ""
    document, cache_ms = _document(showtime_id)
    if cache_ms:
        lua.run(
            "cache_if_unchanged",
            [keys.seat_map_key(showtime_id), keys.seat_map_generation_key(showtime_id)],
            [generation, document, cache_ms],
        )
    return document


def load_seat_map(showtime_id: int) -> dict[str, Any]:
    return json.loads(seat_map_json(showtime_id))


def invalidate_seat_map(showtime_id: int) -> None:
    """Call after any change to the seats of a showtime made outside the hold scripts."""
    _invalidate([showtime_id])


def rewarm_seat_maps(showtime_ids: Sequence[int]) -> None:
    """Invalidate the seat maps of ``showtime_ids`` and rebuild at once those that were cached,
    so the first customer after a price change does not pay for the rebuild.

    A cached map was read in the last ``SEAT_MAP_TTL_SECONDS``: someone is looking at that
    showtime. The others are not rebuilt: a map lives 30 s, a rebuild costs a few queries,
    and a run that changes thousands of prices would spend minutes warming maps that expire
    unread (each is rebuilt on its next read, as after any change). Two round trips to Redis
    per ``REWARM_CHUNK`` showtimes: the invalidation answers each generation and whether a map
    was cached, and the rebuilt maps are stored in one pipeline, each only if its generation
    has not moved since (``seat_map_json``'s rule).
    """
    for start in range(0, len(showtime_ids), REWARM_CHUNK):
        chunk = showtime_ids[start:start + REWARM_CHUNK]
        calls = []
        for showtime_id, (generation, was_cached) in zip(chunk, _invalidate(chunk), strict=True):
            if not was_cached:
                continue
            document, cache_ms = _document(showtime_id)
            if cache_ms:
                calls.append(lua.Call(
                    "cache_if_unchanged",
                    [keys.seat_map_key(showtime_id), keys.seat_map_generation_key(showtime_id)],
                    [str(generation), document, cache_ms]))
        if calls:
            lua.run_together(calls)


def rewarm_changed_prices(event: ShowtimePricesChanged) -> None:
    """Show the showtimes' new prices (``rewarm_seat_maps``)."""
    rewarm_seat_maps(event.showtime_ids)


def forget_screen_seat_maps(event: ScreenSeatingChanged) -> None:
    """Upcoming showtimes on the screen show its new seats from now on."""
    upcoming = list(db.session.scalars(select(Showtime.id).where(
        Showtime.screen_id == event.screen_id, Showtime.ends_at > now())))
    if upcoming:
        _invalidate(upcoming)


def _invalidate(showtime_ids: Sequence[int]) -> list[tuple[int, bool]]:
    """Bump the generation and drop the cached map of each showtime, telling its open pages
    (``lua.INVALIDATE_SEAT_MAP``): (new generation, whether a map was cached) per showtime."""
    answers = lua.run_together([
        lua.Call("invalidate_seat_map",
                 [keys.seat_map_key(showtime_id), keys.seat_map_generation_key(showtime_id)], [])
        for showtime_id in showtime_ids
    ])
    return [(int(generation), bool(cached)) for generation, cached in answers]


def _document(showtime_id: int) -> tuple[str, int]:
    """The map as JSON, and for how many milliseconds it may be cached (0: not at all)."""
    seat_map, cache_ms = _seat_map_and_lifetime(showtime_id)
    return json.dumps(seat_map, separators=(",", ":")), cache_ms


def _seat_map_and_lifetime(showtime_id: int) -> tuple[dict[str, Any], int]:
    """Read the map from the sources (the sales context, sold seats in one query, held locks),
    and how long it stays true unless a change is announced: until its earliest hold ends, at
    most ``SEAT_MAP_TTL_SECONDS`` (ms; 0 when a hold ended while it was read)."""
    context = sales_context(showtime_id)
    sold = set(db.session.scalars(
        select(BookingSeat.seat_id).where(BookingSeat.showtime_id == showtime_id, BookingSeat.active)
    ))
    seats = list(context.seats.values())
    lock_owners = (
        redis_client.client.mget([keys.lock_key(showtime_id, seat.id) for seat in seats]) if seats else []
    )
    entries, held = [], []
    # A seat's price on the cinema's first ticket type (adult unless its managers reorder them).
    shown_ticket = context.terms.default_ticket_type
    for seat, lock_owner in zip(seats, lock_owners, strict=True):
        if seat.blocked:
            status = "blocked"
        elif seat.id in sold:
            status = "sold"
        elif lock_owner is not None:
            status = "held"
            held.append(keys.lock_key(showtime_id, seat.id))
        else:
            status = "available"
        price = context.price(seat.category, shown_ticket) if shown_ticket else None
        entries.append({
            "id": seat.id, "row": seat.row, "number": seat.number, "label": seat.label,
            "category": seat.category, "x": seat.x, "y": seat.y, "wheelchair": seat.wheelchair,
            "companion": seat.companion, "status": status,
            "price_minor": price.price_minor if price else None,
        })
    counts = {status: 0 for status in ("available", "held", "sold", "blocked")}
    for entry in entries:
        counts[entry["status"]] += 1
    left_ms = _earliest_end_ms(held)
    generated_at = now()
    holds_end_at = None if left_ms is None else generated_at + timedelta(milliseconds=left_ms)
    # Built directly in the shape of ShowtimeSeatMapSchema (the route documents it with that schema).
    seat_map = {
        "showtime_id": showtime_id, "screen_id": context.screen_id,
        "showtime_status": context.status, "currency": context.currency,
        "generated_at": generated_at.isoformat(), "counts": counts, "seats": entries,
        "holds_end_at": holds_end_at.isoformat() if holds_end_at else None,
    }
    longest_ms = SEAT_MAP_TTL_SECONDS * 1000
    return seat_map, longest_ms if left_ms is None else min(longest_ms, left_ms)


def _earliest_end_ms(lock_keys: list[str]) -> int | None:
    """Milliseconds until the first of these seat locks ends (None when there are none; 0 when
    one has ended since it was read)."""
    if not lock_keys:
        return None
    pipe = redis_client.client.pipeline(transaction=False)
    for key in lock_keys:
        pipe.pttl(key)
    ends = [left for left in pipe.execute() if left != -1]  # -1: no expiry, which a lock never lacks
    return max(0, min(ends)) if ends else None
