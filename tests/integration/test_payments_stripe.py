"""The Stripe gateway through the real ``stripe`` SDK, against a local Stripe double on 127.0.0.1."""

from __future__ import annotations

import threading

import pytest

from app.extensions import db
from app.models import Booking, Payment, Refund
from tests.payments_support import intent_object, pay, pending_booking, signed_event
from tests.stripe_stub import StripeStub

SECRET = "whsec_test_cinemaos"


@pytest.fixture
def stripe_api(app, monkeypatch):
    stub = StripeStub()
    base = stub.start()
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_cinemaos")
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", SECRET)
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", base)
    yield stub
    stub.stop()


def test_a_payment_sends_amount_currency_metadata_and_idempotency_key(client, factory, stripe_api):
    customer = factory.user()
    booking = pending_booking(factory, customer, seats=2)

    response = pay(client, factory, booking, customer, key="try-1")

    assert response.status_code == 200, response.json
    assert response.json["provider"] == "stripe" and response.json["booking_status"] == "confirmed"
    (call,) = stripe_api.calls("/v1/payment_intents")
    assert call.headers["authorization"] == "Bearer sk_test_cinemaos"
    assert call.headers["idempotency-key"] == f"cinemaos-payment-{customer.id}-try-1"
    form = call.form
    assert form["amount"] == "2000" and form["currency"] == "gbp"
    assert form["payment_method"] == "pm_card_visa" and form["confirm"] == "true"
    assert form["metadata[booking_id]"] == str(booking.id)
    assert form["metadata[booking_reference]"] == booking.reference
    assert form["metadata[payment_id]"] == str(response.json["id"])
    assert response.json["provider_payment_id"].startswith("pi_stub_")


def test_a_stripe_decline_is_402_and_keeps_the_intent_id(client, factory, stripe_api):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    response = pay(client, factory, booking, customer, card="pm_card_chargeDeclined")
    assert response.status_code == 402
    assert response.json["reason"] == "generic_decline"
    assert response.json["message"] == "Your card was declined."
    payment = db.session.get(Payment, response.json["errors"]["payment_id"])
    assert payment.status == "failed" and payment.provider_payment_id.startswith("pi_stub_")
    assert pay(client, factory, booking, customer).status_code == 200


def test_concurrent_retries_reach_stripe_once(app, factory, stripe_api):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    headers = {**factory.headers(customer), "Idempotency-Key": "same"}
    body = {"booking_id": booking.id, "payment_method": "pm_card_visa"}
    start = threading.Barrier(6)
    answers = []

    def retry() -> None:
        start.wait()
        answers.append(app.test_client().post("/api/payments/process", headers=headers, json=body))

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {a.status_code for a in answers} == {200}
    assert len({a.json["provider_payment_id"] for a in answers}) == 1
    assert len(stripe_api.calls("/v1/payment_intents")) == 1


def test_refunds_go_to_stripe_with_their_own_idempotency_key(client, factory, stripe_api):
    customer = factory.user()
    booking = pending_booking(factory, customer, seats=2)
    intent_id = pay(client, factory, booking, customer).json["provider_payment_id"]
    manager = factory.user("manager", cinemas=[booking.showtime.cinema_id])

    response = client.post("/api/payments/refund", headers=factory.headers(manager), json={
        "booking_id": booking.id, "booking_seat_ids": [booking.seats[0].id]})

    assert response.status_code == 201, response.json
    (call,) = stripe_api.calls("/v1/refunds")
    assert call.form["payment_intent"] == intent_id and call.form["amount"] == "1000"
    assert call.form["reason"] == "requested_by_customer"
    assert call.form["metadata[refund_id]"] == str(response.json["id"])
    assert call.headers["idempotency-key"] == f"cinemaos-refund-{response.json['id']}"
    refund = db.session.get(Refund, response.json["id"])
    assert refund.status == "succeeded" and refund.provider_refund_id.startswith("re_stub_")


def test_stripe_webhooks_are_verified_with_the_configured_secret(client, factory, stripe_api):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    response = pay(client, factory, booking, customer, card="pm_card_authenticationRequired")
    assert response.json["status"] == "requires_action"
    payment = db.session.get(Payment, response.json["id"])

    forged = signed_event("payment_intent.succeeded", intent_object(payment), secret="whsec_x")
    assert client.post("/api/payments/webhook", data=forged[0], headers=forged[1]).status_code == 400
    payload, headers = signed_event("payment_intent.succeeded", intent_object(payment), secret=SECRET)
    assert client.post("/api/payments/webhook", data=payload, headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "confirmed"


def test_an_unreachable_stripe_is_502_and_the_same_key_retries_safely(
        app, client, factory, stripe_api, monkeypatch):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    reachable = app.config["STRIPE_API_BASE"]
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "http://127.0.0.1:9")  # discard port

    down = pay(client, factory, booking, customer, key="flaky")
    assert down.status_code == 502 and down.json["reason"] == "gateway_unavailable"
    assert db.session.scalar(db.select(Payment.failure_code)) == "gateway_unreachable"

    monkeypatch.setitem(app.config, "STRIPE_API_BASE", reachable)
    retried = pay(client, factory, booking, customer, key="flaky")
    assert retried.status_code == 200 and retried.json["booking_status"] == "confirmed"
    assert db.session.scalar(db.select(db.func.count(Payment.id))) == 1
    (call,) = stripe_api.calls("/v1/payment_intents")
    assert call.headers["idempotency-key"] == f"cinemaos-payment-{customer.id}-flaky"


def test_the_checkout_is_told_the_gateway_and_the_publishable_key(app, client, monkeypatch):
    sandbox = client.get("/api/payments/checkout-settings")
    assert sandbox.status_code == 200
    assert sandbox.json == {"gateway": "sandbox", "publishable_key": None}
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_cinemaos")
    monkeypatch.setitem(app.config, "STRIPE_PUBLISHABLE_KEY", "pk_test_cinemaos")
    stripe = client.get("/api/payments/checkout-settings")
    assert stripe.json == {"gateway": "stripe", "publishable_key": "pk_test_cinemaos"}
