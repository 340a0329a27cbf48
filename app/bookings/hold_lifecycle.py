"""A hold after it was taken: found again, claimed by its confirmation, released, or dropped
with its showtime. Taking one is ``app.bookings.holds``."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from app.bookings import keys, lua
from app.bookings.hold_record import Hold
from app.bookings.inventory import forget_sold_mirror
from app.bookings.seatmap import invalidate_seat_map
from app.bookings.unpaid import claimed_checkout_call, released_checkout_call
from app.common.access import Principal
from app.common.cache import invalidate_pattern
from app.common.clock import now
from app.common.errors import NotFoundError
from app.extensions import redis_client


def release_hold(principal: Principal, hold_id: str) -> None:
    """Give the seats of a live hold back at once."""
    hold = find_hold(hold_id)
    if hold is None or hold.user_id != principal.id:
        raise NotFoundError("Hold not found (it may have expired already)")
    release_locks(hold.showtime_id, hold.hold_id, hold.user_id, hold.seat_ids)


def find_hold(hold_id: str) -> Hold | None:
    """The live hold of that id, or None (unknown, malformed or expired).

    Its ``expires_at`` comes from the record's TTL, read in the same round trip: the record's
    own field is only the latest the hold could have ended (a running deadline shortens it).
    """
    showtime_id = keys.showtime_of_hold(hold_id)
    if showtime_id is None:
        return None
    record_key = keys.hold_key(showtime_id, hold_id)
    pipe = redis_client.client.pipeline(transaction=False)
    pipe.hget(record_key, "data")
    pipe.pttl(record_key)
    raw, remaining_ms = pipe.execute()
    if not raw:
        return None
    return replace(Hold.from_json(raw), expires_at=now() + timedelta(milliseconds=max(remaining_ms, 0)))


def claim_hold(hold: Hold, minimum_seconds: int) -> list[int]:
    """Check atomically that every lock is still this hold's and keep it for ``minimum_seconds``;
    its seats count as awaiting payment from now on (``app.bookings.unpaid``).

    Returns the seats the hold has lost (empty when the claim succeeded).
    """
    showtime_id, user_id = hold.showtime_id, hold.user_id
    lost, _ = lua.run_together([
        lua.Call("claim",
                 [keys.hold_key(showtime_id, hold.hold_id), keys.user_hold_key(showtime_id, user_id),
                  keys.unpaid_key(showtime_id), *(keys.lock_key(showtime_id, i) for i in hold.seat_ids)],
                 [hold.hold_id, minimum_seconds * 1000, keys.unpaid_entry(hold.hold_id), user_id]),
        # A claim that failed is released, which takes this back.
        claimed_checkout_call(user_id, showtime_id, hold.hold_id, minimum_seconds),
    ])
    prefix = keys.lock_prefix(showtime_id)
    return sorted(int(key[len(prefix):]) for key in lost)


def release_locks(showtime_id: int, hold_id: str, user_id: int, seat_ids: list[int]) -> None:
    """End a hold that sold nothing: its locks go now, the seat map is refreshed, it no longer
    counts against its customer's limits."""
    lua.run_together([
        lua.Call("release",
                 [keys.hold_key(showtime_id, hold_id), keys.user_hold_key(showtime_id, user_id),
                  keys.seat_map_key(showtime_id), keys.seat_map_generation_key(showtime_id),
                  keys.unpaid_key(showtime_id), *(keys.lock_key(showtime_id, i) for i in seat_ids)],
                 [hold_id, keys.unpaid_entry(hold_id)]),
        released_checkout_call(user_id, showtime_id, hold_id),
    ])


def drop_showtime_holds(showtime_id: int) -> None:
    """Forget every hold of a showtime (it was cancelled): locks, records, pointers, sold mirror,
    and the holds' places among their customers' open checkouts."""
    ended = []
    for pointer in redis_client.client.scan_iter(match=f"{keys.hold_prefix(showtime_id)}user:*", count=500):
        user_id = pointer.rsplit(":", 1)[1]
        hold_id = redis_client.client.get(pointer) if user_id.isdigit() else None  # not a deadline
        if hold_id:
            ended.append(released_checkout_call(int(user_id), showtime_id, hold_id))
    if ended:
        lua.run_together(ended)
    invalidate_pattern(f"{keys.lock_prefix(showtime_id)}*")
    invalidate_pattern(f"{keys.hold_prefix(showtime_id)}*")
    forget_sold_mirror(showtime_id)
    invalidate_seat_map(showtime_id)
