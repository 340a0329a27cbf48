"""Whether a ticket may go in through the door of a showtime at a given instant: the one rule,
for a live scan, an offline scan uploaded later and the state shown beside each ticket."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.models import Booking, BookingSeat, Showtime


@dataclass(frozen=True)
class Refusal:
    reason: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)


def ticket_state(booking: Booking, line: BookingSeat) -> Refusal | None:
    """Why this ticket admits nobody whatever the time or door, or None while it is good."""
    cancelled = booking.status in ("cancelled", "expired") or booking.showtime.status == "cancelled"
    if cancelled or not line.active:
        return Refusal("ticket_cancelled", "This ticket was cancelled (booking, seat or show)",
                       {"booking_status": booking.status})
    if booking.status != "confirmed":
        return Refusal("booking_not_paid", "This booking is not paid yet",
                       {"booking_status": booking.status})
    return None


def refusal(line: BookingSeat, door: Showtime, at: datetime, doors_open: timedelta,
            *, early_allowed: bool = False) -> Refusal | None:
    """Why ``line`` may not go in at ``door``'s showtime at ``at``, or None to admit it.

    ``early_allowed`` is staff overriding ``too_early`` (doors opened early), recorded in the
    audit trail by the caller.
    """
    own = line.booking.showtime
    if own.id != door.id:
        details = {"ticket_showtime_id": own.id, "ticket_screen_id": own.screen_id,
                   "ticket_starts_at": own.starts_at.isoformat()}
        if own.screen_id != door.screen_id:
            return Refusal("wrong_screen", "This ticket is for a show on another screen", details)
        return Refusal("wrong_showtime", "This ticket is for another show on this screen", details)
    state = ticket_state(line.booking, line)
    if state is not None:
        return state
    opens_at = door.starts_at - doors_open
    if at < opens_at and not early_allowed:
        return Refusal("too_early", "The doors for this show are not open yet",
                       {"doors_open_at": opens_at.isoformat()})
    if at >= door.ends_at:
        return Refusal("ticket_expired", "This show is over", {"ended_at": door.ends_at.isoformat()})
    return None
