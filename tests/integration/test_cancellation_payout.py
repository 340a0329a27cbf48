"""What the cancellation docs promise: the money goes back by itself, with a credit note, and
there is nothing left to ask for afterwards (DELETE /api/bookings/{id}, then the refund)."""

from __future__ import annotations

from app.extensions import db
from app.models import Booking, Invoice, Payment
from tests.payments_support import paid_booking, pending_booking


def test_a_cancelled_paid_booking_is_paid_back_and_a_later_refund_request_finds_nothing(client, factory):
    customer = factory.user()
    booking, payment = paid_booking(client, factory, customer, seats=2)

    cancelled = client.delete(f"/api/bookings/{booking.id}", headers=factory.headers(customer))

    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["status"] == "cancelled" and cancelled.json["refund_due_minor"] == 2000
    db.session.expire_all()
    assert db.session.get(Payment, payment.id).status == "refunded"
    assert db.session.get(Booking, booking.id).refunded_minor == 2000
    assert db.session.scalar(db.select(Invoice.total_minor).where(
        Invoice.payment_id == payment.id, Invoice.kind == "credit_note")) == -2000
    later = client.post("/api/payments/refund", headers=factory.headers(customer),
                        json={"booking_id": booking.id})
    assert later.status_code == 409 and later.json["reason"] == "nothing_to_refund"


def test_an_unpaid_booking_is_cancelled_with_nothing_due(client, factory):
    customer = factory.user()
    booking = pending_booking(factory, customer)

    cancelled = client.delete(f"/api/bookings/{booking.id}", headers=factory.headers(customer))

    assert cancelled.status_code == 200 and cancelled.json["refund_due_minor"] == 0
