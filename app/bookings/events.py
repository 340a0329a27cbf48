"""What happens to bookings, as recorded by the bookings service (see ``app.common.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from app.common.events import Event


@dataclass(frozen=True)
class BookingCancelled(Event):
    """A booking was cancelled by its customer or by staff; what was paid may be due back."""

    booking_id: int


@dataclass(frozen=True)
class BookingConfirmedFree(Event):
    """A booking with nothing to pay (a promo code took the whole price) was confirmed."""

    booking_id: int
