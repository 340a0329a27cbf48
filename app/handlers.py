"""Who answers which event: the one place to read what a committed change sets in motion.

Each event (``app.<service>.events``) maps to the tasks that must run after its commit,
named by dotted path; each pair becomes an outbox row in the event's own transaction and is
delivered by a worker (``app.common.outbox``), so none is lost with Redis or a worker.

Work that heals by itself if lost (a cache dropped) is answered in the process instead, once
the commit succeeded (``AFTER_COMMIT_HANDLERS``): a function given the event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.bookings.events import BookingCancelled, BookingConfirmedFree
from app.bookings.seatmap import forget_screen_seat_maps, rewarm_changed_prices
from app.cinemas.events import ScreenSeatingChanged
from app.common.events import Event
from app.payments.events import PaymentCaptured, RefundSucceeded
from app.pricing.events import ShowtimePricesChanged
from app.scheduling.events import ShowtimeCancelled

DURABLE_HANDLERS: dict[type[Event], tuple[str, ...]] = {
    BookingCancelled: ("app.payments.tasks.refund_cancelled_booking",),
    BookingConfirmedFree: ("app.payments.tasks.send_free_booking_confirmation",),
    ShowtimeCancelled: ("app.payments.tasks.refund_showtime_bookings",),
    PaymentCaptured: (
        "app.payments.tasks.issue_invoice_document",
        "app.payments.tasks.send_booking_confirmation",
    ),
    RefundSucceeded: (
        "app.payments.tasks.issue_credit_note_document",
        "app.payments.tasks.send_refund_notice",
    ),
}

AFTER_COMMIT_HANDLERS: dict[type[Event], tuple[Callable[[Any], None], ...]] = {
    # Open seat maps show the new prices or seats at once (the bookings service's cache).
    ShowtimePricesChanged: (rewarm_changed_prices,),
    ScreenSeatingChanged: (forget_screen_seat_maps,),
}
