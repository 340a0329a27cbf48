"""Cancelling pays the money back by itself: a customer's booking, or a whole showtime."""

from __future__ import annotations

from app.extensions import db
from app.models import BookingSeat, Payment
from tests.payments_support import paid_booking


def test_customer_cancellation_refunds_through_the_job_and_frees_the_seats(client, factory):
    customer = factory.user()
    booking, payment = paid_booking(client, factory, customer)

    cancelled = client.delete(f"/api/bookings/{booking.id}", headers=factory.headers(customer))
    assert cancelled.status_code == 200, cancelled.json

    db.session.expire_all()
    refunded = db.session.get(Payment, payment.id)
    assert refunded.status == "refunded" and refunded.refunded_minor == payment.amount_minor
    assert not db.session.scalar(db.select(BookingSeat.id).where(
        BookingSeat.booking_id == booking.id, BookingSeat.active))


def test_cancelling_a_showtime_refunds_every_paid_booking(client, factory):
    first_customer, second_customer = factory.user(), factory.user()
    first, first_payment = paid_booking(client, factory, first_customer)
    _second, second_payment = paid_booking(client, factory, second_customer, showtime=first.showtime)
    manager = factory.user("manager", cinemas=[first.showtime.cinema_id])

    response = client.delete(f"/api/schedule/showtime/{first.showtime_id}", headers=factory.headers(manager))
    assert response.status_code == 200, response.json

    db.session.expire_all()
    for payment in (first_payment, second_payment):
        assert db.session.get(Payment, payment.id).status == "refunded"
