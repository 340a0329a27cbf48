"""The refund policy: how much of what was paid goes back when a booking is cancelled.

One pure function for every path that cancels (a customer, staff, a cancelled showtime, a
refund request).

Booking fees are part of what was paid (``held_minor``): a whole booking's refund gives them
back with the seats, whenever the seats' price goes back (the customer cancelled within the
cut-off, or the cinema or its staff cancelled) - a cancelled sale owes nothing for having been
sold. A refund of some seats gives back those seats' prices only; the fees stay with the seats
still booked, until the rest is refunded (the credit note then credits them,
``app.payments.invoices``). It lives with bookings, the lowest service that cancels, so that scheduling
and payments above it read the same rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def refund_cutoff(starts_at: datetime, cutoff_hours: int) -> datetime:
    """The last moment a customer's own cancellation is refunded."""
    return starts_at - timedelta(hours=cutoff_hours)


def within_refund_cutoff(starts_at: datetime, cutoff_hours: int, at: datetime) -> bool:
    """Whether ``at`` is still up to the cinema's cut-off before the show (inclusive)."""
    return at <= refund_cutoff(starts_at, cutoff_hours)


def refund_owed(*, held_minor: int, show_cancelled: bool, by_staff: bool, starts_at: datetime,
                cutoff_hours: int, at: datetime) -> int:
    """What goes back of ``held_minor`` (paid and not yet refunded).

    Everything when the cinema cancelled the show or its staff cancel the booking; a customer
    gets everything up to the cut-off and nothing after it.
    """
    if show_cancelled or by_staff:
        return held_minor
    return held_minor if within_refund_cutoff(starts_at, cutoff_hours, at) else 0
