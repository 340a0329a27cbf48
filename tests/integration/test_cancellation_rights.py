"""One 'who may cancel' rule on both paths that cancel a booking: DELETE /api/bookings/{id} and a
whole-booking POST /api/payments/refund (which used to let staff cancel a show in progress)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.common import clock
from app.common.clock import now
from app.extensions import db
from app.models import Booking, Payment
from tests.payments_support import paid_booking


def _cancel_by_delete(client, factory, booking, staff):
    return client.delete(f"/api/bookings/{booking.id}", headers=factory.headers(staff))


def _cancel_by_refund(client, factory, booking, staff):
    return client.post("/api/payments/refund", headers=factory.headers(staff),
                       json={"booking_id": booking.id})


@pytest.mark.parametrize("cancel", [_cancel_by_delete, _cancel_by_refund])
def test_staff_cannot_cancel_a_booking_once_its_show_has_started(client, factory, cancel):
    booking, payment = paid_booking(client, factory, factory.user(), seats=2)
    manager = factory.user("manager", cinemas=[booking.showtime.cinema_id])
    clock.advance(booking.showtime.starts_at - now() + timedelta(minutes=5))

    answer = cancel(client, factory, booking, manager)

    assert answer.status_code == 409 and answer.json["reason"] == "showtime_started"
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "confirmed"
    assert db.session.get(Payment, payment.id).refunded_minor == 0


@pytest.mark.parametrize(("cancel", "status"), [(_cancel_by_delete, 200), (_cancel_by_refund, 201)])
def test_staff_can_cancel_after_the_customer_cut_off_with_everything_back(client, factory, cancel, status):
    booking, payment = paid_booking(client, factory, factory.user(), seats=2)
    manager = factory.user("manager", cinemas=[booking.showtime.cinema_id])
    clock.advance(booking.showtime.starts_at - now() - timedelta(minutes=30))

    answer = cancel(client, factory, booking, manager)

    assert answer.status_code == status, answer.json
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "cancelled"
    assert db.session.get(Payment, payment.id).refunded_minor == 2000
