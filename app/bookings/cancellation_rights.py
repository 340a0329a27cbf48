"""Who may cancel a booking, and until when: one rule for every path that cancels one
(``DELETE /api/bookings/{id}``, a whole-booking ``POST /api/payments/refund``).

Pure: the callers load the booking and say how the caller relates to it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from app.bookings.refund_policy import within_refund_cutoff

ACTIVE_STATUSES = ("pending_payment", "confirmed")

Relation = Literal["owner", "staff"]


def cancellation_refusal(*, acting_as: Relation, status: str, starts_at: datetime, cutoff_hours: int,
                         at: datetime) -> str | None:
    """Why the caller may not cancel the booking at ``at`` (a 409 reason), or None if they may.

    Nobody cancels a booking that is no longer active or whose show has started, staff
    included (the seats were there to be used); a customer cancels a paid booking only up to
    the cinema's refund cut-off (after it, the box office decides). An unpaid booking its
    customer may drop until the show starts: nothing is owed either way.
    """
    if status not in ACTIVE_STATUSES:
        return "booking_not_active"
    if starts_at <= at:
        return "showtime_started"
    paid_for = status == "confirmed"
    if acting_as == "owner" and paid_for and not within_refund_cutoff(starts_at, cutoff_hours, at):
        return "refund_cutoff_passed"
    return None
