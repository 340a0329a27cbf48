"""Row access shared by the payment workflows.

Lock order is always booking, then payment, then refund: every workflow that changes money
takes the booking row first, so two of them on one booking queue up instead of deadlocking.
"""

from __future__ import annotations

from sqlalchemy import select

from app.common.lookups import get_or_404
from app.extensions import db
from app.models import Booking, Cinema, Payment, Refund, Seat

CAPTURED = ("succeeded", "partially_refunded", "refunded")


def lock_booking(booking_id: int) -> Booking | None:
    return db.session.execute(
        select(Booking).where(Booking.id == booking_id).with_for_update(of=Booking)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def lock_payment(payment_id: int) -> Payment:
    return db.session.execute(
        select(Payment).where(Payment.id == payment_id).with_for_update(of=Payment)
        .execution_options(populate_existing=True)
    ).scalar_one()


def lock_refund(refund_id: int) -> Refund:
    return db.session.execute(
        select(Refund).where(Refund.id == refund_id).with_for_update(of=Refund)
        .execution_options(populate_existing=True)
    ).scalar_one()


def get_payment(payment_id: int) -> Payment:
    return get_or_404(Payment, payment_id, "Payment")


def find_payment(provider_payment_id: str | None, metadata_payment_id: int | None) -> Payment | None:
    """The payment a gateway object refers to: by its id, or by the id we put in its metadata."""
    if provider_payment_id:
        payment = db.session.scalar(
            select(Payment).where(Payment.provider_payment_id == provider_payment_id))
        if payment is not None:
            return payment
    if metadata_payment_id is not None:
        return db.session.get(Payment, metadata_payment_id)
    return None


def captured_payments(booking_id: int) -> list[Payment]:
    """Payments of a booking that took money, oldest first, locked for a refund."""
    return list(db.session.scalars(
        select(Payment).where(Payment.booking_id == booking_id, Payment.status.in_(CAPTURED))
        .order_by(Payment.id).with_for_update(of=Payment)
        .execution_options(populate_existing=True)
    ))


def cinema_of(booking: Booking) -> Cinema:
    return db.session.get(Cinema, booking.showtime.cinema_id)


def seat_labels(booking: Booking) -> dict[int, str]:
    """Row-and-number labels ("C7") of a booking's seats, by booking-seat id."""
    seat_ids = {line.seat_id: line.id for line in booking.seats}
    rows = db.session.execute(
        select(Seat.id, Seat.row_label, Seat.number).where(Seat.id.in_(seat_ids))
    )
    return {seat_ids[row.id]: f"{row.row_label}{row.number}" for row in rows}
