"""Redis keys of seat holds and seat maps, and the shape of hold ids.

Every key of one showtime carries the showtime id in literal braces (``lock:showtime:{42}:seat:17``):
braces are Redis Cluster's hash tag, so all keys of a showtime live on one node and the
multi-key Lua scripts keep working when one Redis is no longer enough.
"""

from __future__ import annotations

import re
import secrets

# "<showtime id>-<24 hex>": the showtime is readable from the id (the keys need it) and the
# random part (96 bits) makes hold ids unguessable; fits Booking.hold_id (36 characters).
_HOLD_ID = re.compile(r"^(\d{1,11})-[0-9a-f]{24}$")


def new_hold_id(showtime_id: int) -> str:
    return f"{showtime_id}-{secrets.token_hex(12)}"


def showtime_of_hold(hold_id: str) -> int | None:
    """The showtime a hold id belongs to, or None when the id is malformed."""
    match = _HOLD_ID.match(hold_id)
    return int(match.group(1)) if match else None


def lock_prefix(showtime_id: int) -> str:
    return f"lock:showtime:{{{showtime_id}}}:seat:"


def lock_key(showtime_id: int, seat_id: int) -> str:
    return f"{lock_prefix(showtime_id)}{seat_id}"


def hold_prefix(showtime_id: int) -> str:
    return f"hold:{{{showtime_id}}}:"


def hold_key(showtime_id: int, hold_id: str) -> str:
    return f"{hold_prefix(showtime_id)}{hold_id}"


def user_hold_key(showtime_id: int, user_id: int) -> str:
    """Points at the user's one live hold for the showtime (a new hold replaces it)."""
    return f"{hold_prefix(showtime_id)}user:{user_id}"


def unpaid_entry(hold_id: str | None, booking_id: int | None = None) -> str:
    """Names one unpaid booking (or a hold being confirmed into one) in the unpaid counts:
    by its hold id, which the booking keeps, or by the booking id when it came from no hold."""
    return f"b:{hold_id}" if hold_id else f"b:#{booking_id}"


def user_deadline_key(showtime_id: int, user_id: int) -> str:
    """When the user's holds for the showtime must end: set by their first hold, kept by the
    holds that replace it and by a release, dropped once they book."""
    return f"{user_hold_key(showtime_id, user_id)}:deadline"


def seat_map_key(showtime_id: int) -> str:
    return f"showtime:{{{showtime_id}}}:seats"


def seat_map_generation_key(showtime_id: int) -> str:
    """Bumped on every change, so a seat map built before the change is never cached after it."""
    return f"showtime:{{{showtime_id}}}:seats:gen"


def sold_key(showtime_id: int) -> str:
    """The seats sold for the showtime, mirrored from PostgreSQL (``app.bookings.inventory``)."""
    return f"showtime:{{{showtime_id}}}:sold"


def sold_generation_key(showtime_id: int) -> str:
    """Bumped on every sale and give-back, so a mirror read before one is never stored after it."""
    return f"showtime:{{{showtime_id}}}:sold:gen"


def unpaid_key(showtime_id: int) -> str:
    """The showtime's seats awaiting payment, per customer (``app.bookings.unpaid``); loaded
    from PostgreSQL beside the sold seats, under their generation."""
    return f"showtime:{{{showtime_id}}}:unpaid"


def checkouts_key(user_id: int) -> str:
    """A customer's open checkouts over every showtime: live holds and unpaid bookings.

    Tagged with the customer, not a showtime: it spans showtimes, so it lives in its own hash
    slot and is changed by its own scripts, never inside a showtime's script.
    """
    return f"checkouts:{{user:{user_id}}}"


def latest_holds_key(user_id: int) -> str:
    """Per showtime, the latest of the customer's holds counted in their open checkouts."""
    return f"{checkouts_key(user_id)}:holds"


def checkouts_generation_key(user_id: int) -> str:
    """Bumped by every change of the customer's unpaid bookings, so a load read before one is
    never stored after it."""
    return f"{checkouts_key(user_id)}:gen"
