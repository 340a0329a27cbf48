"""Which database constraint refused a write, on PostgreSQL and on the embedded SQLite."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

# SQLite names the columns, not the constraint; these map its messages to our names.
_SQLITE_HINTS = {
    "booking_seats.showtime_id": "uq_booking_seats_active",
    "bookings.reference": "uq_bookings_reference",
    "bookings.hold_id": "uq_bookings_hold_id",
}


def violated_constraint(exc: IntegrityError) -> str | None:
    diag = getattr(exc.orig, "diag", None)
    if diag is not None and diag.constraint_name:
        return diag.constraint_name
    message = str(exc.orig)
    return next((name for hint, name in _SQLITE_HINTS.items() if hint in message), None)
