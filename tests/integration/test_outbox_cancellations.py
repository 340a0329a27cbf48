"""Cancellations owe refunds through the outbox: when the hand-over to the queue fails after
the cancellation commits, nothing is paid yet and nothing is lost; the sweep pays it, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import func, select

from app.common import clock, outbox
from app.extensions import db
from app.models import Booking, OutboxMessage, Payment, Refund
from tests.payments_support import paid_booking, pending_booking


@pytest.fixture
def queue_down():
    """Call it to make launch_task fail as it does with Redis unreachable; undo() brings it back."""
    def refuse(*_args, **_kwargs):
        raise RedisConnectionError("Redis is down")

    patch = pytest.MonkeyPatch()
    yield lambda: patch.setattr(outbox, "launch_task", refuse) or patch
    patch.undo()


def _refunds_of(payment: Payment) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(r.amount_minor, r.status) for r in db.session.scalars(
        select(Refund).where(Refund.payment_id == payment.id))]


def _sweep_after_grace() -> list[int]:
    clock.advance(outbox.GRACE + timedelta(seconds=1))
    return outbox.redeliver_pending()


def test_a_cancelled_booking_is_refunded_by_the_sweep_when_its_hand_over_failed(client, factory, queue_down):
    customer = factory.user()
    booking, payment = paid_booking(client, factory, customer, seats=2)
    redis = queue_down()

    cancelled = client.delete(f"/api/bookings/{booking.id}", headers=factory.headers(customer))

    assert cancelled.status_code == 200 and cancelled.json["refund_due_minor"] == 2000
    assert _refunds_of(payment) == []  # due, not yet paid: the row waits in the outbox
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.handler == "app.payments.tasks.refund_cancelled_booking"))
    assert message.payload == {"booking_id": booking.id} and message.done_at is None
    redis.undo()  # Redis is back

    assert len(_sweep_after_grace()) == 1
    assert _refunds_of(payment) == [(2000, "succeeded")]
    assert _sweep_after_grace() == []  # done: the sweep leaves it alone
    assert outbox.deliver(message.id) is False
    assert _refunds_of(payment) == [(2000, "succeeded")]
    assert db.session.get(Booking, booking.id).refunded_minor == 2000


def test_a_cancelled_showtime_is_refunded_by_the_sweep_when_its_hand_over_failed(client, factory, queue_down):
    buyers = [factory.user() for _ in range(3)]
    first, first_payment = paid_booking(client, factory, buyers[0], seats=2)
    showtime = first.showtime
    second, second_payment = paid_booking(client, factory, buyers[1], seats=1, showtime=showtime)
    pending_booking(factory, buyers[2], seats=1, showtime=showtime)
    manager = factory.user("manager", cinemas=[showtime.cinema_id])
    redis = queue_down()

    cancelled = client.delete(f"/api/schedule/showtime/{showtime.id}", headers=factory.headers(manager))

    assert cancelled.status_code == 200, cancelled.json
    assert _refunds_of(first_payment) == _refunds_of(second_payment) == []
    redis.undo()

    assert len(_sweep_after_grace()) == 1
    assert _refunds_of(first_payment) == [(2000, "succeeded")]
    assert _refunds_of(second_payment) == [(1000, "succeeded")]
    assert _sweep_after_grace() == []
    assert db.session.scalar(select(func.count(Refund.id))) == 2


def test_a_refund_task_with_nothing_due_ends_quietly(client, factory):
    """An unpaid booking's cancellation records its event too; its refund task finds nothing."""
    from app.payments.tasks import refund_cancelled_booking, refund_showtime_bookings

    customer = factory.user()
    booking = pending_booking(factory, customer)
    assert client.delete(f"/api/bookings/{booking.id}", headers=factory.headers(customer)).status_code == 200

    assert refund_cancelled_booking(booking.id) is None
    assert refund_showtime_bookings(booking.showtime_id) == []
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.done_at.is_(None))) == 0
