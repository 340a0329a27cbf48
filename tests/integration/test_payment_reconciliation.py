"""Payments that always settle and never charge twice, when the database dies between the
gateway's charge and our write (the request's answer is then lost too)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.common import clock
from app.extensions import db
from app.models import Booking, Payment, SandboxCharge
from app.payments import service
from app.payments.idempotency import ABANDONED_AFTER
from tests.payments_support import pay, pending_booking


@pytest.fixture
def database_dies_after_the_charge(monkeypatch):
    """The next payment's write (and the clean-up of its Idempotency-Key) fails as with
    PostgreSQL gone; the gateway has charged by then."""
    def lost(*_args, **_kwargs):
        raise OperationalError("UPDATE payments ...", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(service, "record_charge_result", lost)
    monkeypatch.setattr("app.payments.idempotency.release_key", lost)
    return monkeypatch


@pytest.fixture
def short_wait(app):
    before = app.config["IDEMPOTENCY_WAIT_SECONDS"]
    app.config["IDEMPOTENCY_WAIT_SECONDS"] = 0.2
    yield
    app.config["IDEMPOTENCY_WAIT_SECONDS"] = before


def _charges() -> int:
    return db.session.scalar(select(func.count()).select_from(SandboxCharge))


def _crashed_payment(client, factory, dies):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    crashed = pay(client, factory, booking, customer, key="first")
    assert crashed.status_code == 503 and crashed.json["reason"] == "database_unavailable"
    dies.undo()  # the database is back
    db.session.expire_all()
    assert db.session.scalar(select(Payment.status)) == "pending" and _charges() == 1
    return customer, booking


def test_a_retry_with_the_same_key_settles_the_charge_once(client, factory, database_dies_after_the_charge,
                                                           short_wait):
    customer, booking = _crashed_payment(client, factory, database_dies_after_the_charge)
    waiting = pay(client, factory, booking, customer, key="first")
    assert waiting.status_code == 409 and waiting.json["reason"] == "idempotency_key_in_progress"

    clock.advance(ABANDONED_AFTER + timedelta(seconds=1))
    resumed = pay(client, factory, booking, customer, key="first")
    assert resumed.status_code == 200, resumed.json
    assert resumed.json["booking_status"] == "confirmed"
    assert _charges() == 1
    replay = pay(client, factory, booking, customer, key="first")
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"


def test_a_new_key_never_charges_again(client, factory, database_dies_after_the_charge):
    customer, booking = _crashed_payment(client, factory, database_dies_after_the_charge)
    too_soon = pay(client, factory, booking, customer, key="second")
    assert too_soon.status_code == 409 and too_soon.json["reason"] == "payment_in_progress"

    clock.advance(service.IN_FLIGHT + timedelta(seconds=1))
    again = pay(client, factory, booking, customer, key="third")
    assert again.status_code == 409 and again.json["reason"] == "booking_already_paid"
    assert _charges() == 1
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "confirmed"
    assert db.session.scalars(select(Payment.status)).all() == ["succeeded"]


def test_the_reconciliation_job_settles_a_payment_left_pending(client, factory,
                                                               database_dies_after_the_charge):
    _customer, booking = _crashed_payment(client, factory, database_dies_after_the_charge)
    assert service.reconcile_pending_payments() == []  # it may still be talking to the gateway
    clock.advance(service.IN_FLIGHT + timedelta(seconds=1))
    (settled,) = service.reconcile_pending_payments()
    db.session.expire_all()
    assert db.session.get(Payment, settled).status == "succeeded"
    assert db.session.get(Booking, booking.id).status == "confirmed"
    assert _charges() == 1


def test_an_attempt_that_died_before_charging_fails_and_the_booking_stays_payable(client, factory):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    db.session.add(Payment(booking_id=booking.id, user_id=customer.id, amount_minor=booking.total_minor,
                           currency=booking.currency, provider="sandbox", status="pending",
                           idempotency_key="cinemaos-payment-never-sent"))
    db.session.commit()
    clock.advance(service.IN_FLIGHT + timedelta(seconds=1))
    assert service.reconcile_pending_payments() != []
    db.session.expire_all()
    assert db.session.scalar(select(Payment.failure_code)) == "abandoned"
    paid = pay(client, factory, booking, customer, key="fresh")
    assert paid.status_code == 200 and paid.json["booking_status"] == "confirmed"
