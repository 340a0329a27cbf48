"""POST /api/payments/webhook: signatures, exactly-once application, order, late successes."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from app.common import clock
from app.extensions import db
from app.models import Booking, Payment, PaymentEvent, Refund
from tests.payments_support import intent_object, paid_booking, pay, pending_booking, signed_event

URL = "/api/payments/webhook"


@pytest.fixture
def mails(monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr("app.payments.notifications.deliver_email",
                        lambda to, subject, body: sent.append(subject))
    return sent


def _awaiting_action(client, factory, customer=None, **kwargs) -> tuple[Booking, Payment]:
    customer = customer or factory.user()
    booking = pending_booking(factory, customer, **kwargs)
    response = pay(client, factory, booking, customer, card="pm_card_authenticationRequired")
    assert response.json["status"] == "requires_action"
    return booking, db.session.get(Payment, response.json["id"])


def _reload(*objects):
    db.session.expire_all()
    return [db.session.get(type(o), o.id) for o in objects]


def test_a_wrong_or_missing_signature_is_400_and_changes_nothing(client, factory):
    booking, payment = _awaiting_action(client, factory)
    payload, headers = signed_event("payment_intent.succeeded", intent_object(payment),
                                    secret="whsec_someone_else")
    forged = client.post(URL, data=payload, headers=headers)
    assert forged.status_code == 400 and forged.json["reason"] == "invalid_signature"
    assert client.post(URL, data=payload, headers={"Content-Type": "application/json"}
                       ).status_code == 400
    good_payload, good_headers = signed_event("payment_intent.succeeded", intent_object(payment))
    tampered = good_payload.replace(b'"succeeded"', b'"failed"', 1)
    assert client.post(URL, data=tampered, headers=good_headers).status_code == 400
    booking, payment = _reload(booking, payment)
    assert payment.status == "requires_action" and booking.status == "pending_payment"
    assert db.session.scalar(db.select(db.func.count()).select_from(PaymentEvent)) == 0


def test_the_same_event_three_times_changes_state_once(client, factory, mails):
    booking, payment = _awaiting_action(client, factory)
    payload, headers = signed_event("payment_intent.succeeded", intent_object(payment),
                                    event_id="evt_once")

    outcomes = [client.post(URL, data=payload, headers=headers).json["outcome"] for _ in range(3)]

    assert outcomes == ["applied", "duplicate", "duplicate"]
    booking, payment = _reload(booking, payment)
    assert payment.status == "succeeded" and booking.status == "confirmed"
    assert mails == [f"Booking {booking.reference} confirmed"]
    assert db.session.scalar(db.select(db.func.count()).select_from(PaymentEvent)) == 1


def test_concurrent_deliveries_of_one_event_apply_it_once(app, client, factory, mails):
    booking, payment = _awaiting_action(client, factory)
    payload, headers = signed_event("payment_intent.succeeded", intent_object(payment))
    start = threading.Barrier(3)
    outcomes = []

    def deliver() -> None:
        start.wait()
        outcomes.append(app.test_client().post(URL, data=payload, headers=headers).json["outcome"])

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["applied", "duplicate", "duplicate"]
    assert len(mails) == 1


def test_a_late_failure_event_never_undoes_a_success(client, factory):
    booking, payment = _awaiting_action(client, factory)
    failed = intent_object(payment, "requires_payment_method",
                           last_payment_error={"code": "card_declined", "message": "declined"})
    for event_type, obj in (("payment_intent.succeeded", intent_object(payment)),
                            ("payment_intent.payment_failed", failed)):
        payload, headers = signed_event(event_type, obj)
        assert client.post(URL, data=payload, headers=headers).status_code == 200
    booking, payment = _reload(booking, payment)
    assert payment.status == "succeeded" and booking.status == "confirmed"


def test_a_failure_event_fails_an_open_payment_and_the_booking_stays_payable(client, factory):
    booking, payment = _awaiting_action(client, factory)
    failed = intent_object(payment, "requires_payment_method",
                           last_payment_error={"code": "card_declined",
                                               "decline_code": "authentication_failed",
                                               "message": "Authentication failed."})
    payload, headers = signed_event("payment_intent.payment_failed", failed)
    assert client.post(URL, data=payload, headers=headers).json["outcome"] == "applied"
    booking, payment = _reload(booking, payment)
    assert payment.status == "failed" and payment.failure_code == "authentication_failed"
    assert booking.status == "pending_payment"


def test_a_success_after_the_booking_expired_is_refunded_automatically(client, factory, mails):
    booking, payment = _awaiting_action(client, factory, expires_in=timedelta(minutes=5))
    clock.advance(timedelta(minutes=10))
    payload, headers = signed_event("payment_intent.succeeded", intent_object(payment))

    assert client.post(URL, data=payload, headers=headers).json["outcome"] == "applied"

    booking, payment = _reload(booking, payment)
    assert booking.status == "pending_payment"  # the expiry sweep, not payments, expires it
    assert payment.status == "refunded" and payment.refunded_minor == payment.amount_minor
    refund = db.session.scalar(db.select(Refund).where(Refund.payment_id == payment.id))
    assert refund.status == "succeeded" and refund.reason == "booking_expired"
    assert refund.amount_minor == payment.amount_minor and refund.provider_refund_id
    assert mails == [f"Refund for booking {booking.reference}"]


def test_a_second_payment_of_a_paid_booking_is_refunded(client, factory):
    customer = factory.user()
    booking, first = _awaiting_action(client, factory, customer)
    # The customer gave up on 3-D Secure and paid with another card...
    second = pay(client, factory, booking, customer, card="pm_card_visa")
    assert second.json["booking_status"] == "confirmed"
    # ...then the first authentication completed after all.
    payload, headers = signed_event("payment_intent.succeeded", intent_object(first))
    client.post(URL, data=payload, headers=headers)
    first, = _reload(first)
    assert first.status == "refunded"
    refund = db.session.scalar(db.select(Refund).where(Refund.payment_id == first.id))
    assert refund.reason == "duplicate"


def test_refund_events_settle_refunds_and_a_failed_one_is_taken_back(client, factory):
    customer = factory.user()
    booking, payment = paid_booking(client, factory, customer)
    staff = factory.user("manager", cinemas=[booking.showtime.cinema_id])
    refund = client.post("/api/payments/refund", headers=factory.headers(staff),
                         json={"booking_id": booking.id, "amount_minor": 500, "reason": "goodwill"})
    assert refund.status_code == 201
    # Force the refund back to pending, as if the gateway had answered "pending".
    db.session.execute(db.update(Refund).values(status="pending"))
    db.session.commit()
    failed = {"id": refund.json["provider_refund_id"], "object": "refund", "status": "failed",
              "failure_reason": "expired_or_canceled_card", "amount": 500,
              "metadata": {"refund_id": str(refund.json["id"])}}
    payload, headers = signed_event("refund.updated", failed)
    assert client.post(URL, data=payload, headers=headers).json["outcome"] == "applied"
    booking, payment = _reload(booking, payment)
    assert payment.refunded_minor == 0 and payment.status == "succeeded"
    assert booking.refunded_minor == 0 and all(s.refunded_minor == 0 for s in booking.seats)
    assert db.session.get(Refund, refund.json["id"]).status == "failed"


def test_unknown_event_types_are_acknowledged_and_recorded(client, factory):
    payload, headers = signed_event("customer.created", {"id": "cus_1", "object": "customer"})
    response = client.post(URL, data=payload, headers=headers)
    assert response.status_code == 200 and response.json == {"received": True, "outcome": "ignored"}
