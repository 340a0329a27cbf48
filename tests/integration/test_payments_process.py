"""POST /api/payments/process on the sandbox gateway: confirmation, declines, idempotency."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from app.common import clock
from app.extensions import db
from app.models import Booking, IdempotencyRecord, Invoice, Payment
from app.payments.gateways.sandbox import SandboxGateway
from tests.payments_support import pay, pending_booking


@pytest.fixture
def mails(monkeypatch):
    sent: list[tuple[str, str, str]] = []
    monkeypatch.setattr("app.payments.notifications.deliver_email",
                        lambda to, subject, body: sent.append((to, subject, body)))
    return sent


@pytest.fixture
def charges(monkeypatch):
    """Every call that reaches the gateway's charge()."""
    seen = []
    original = SandboxGateway.charge

    def counting(self, request):
        seen.append(request)
        return original(self, request)

    monkeypatch.setattr(SandboxGateway, "charge", counting)
    return seen


def test_success_confirms_the_booking_sends_mail_and_issues_the_invoice(client, factory, mails):
    customer = factory.user()
    booking = pending_booking(factory, customer, seats=2)

    response = pay(client, factory, booking, customer)

    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "succeeded" and body["booking_status"] == "confirmed"
    assert body["amount_minor"] == 2000 and body["currency"] == "GBP"
    assert body["provider"] == "sandbox" and body["provider_payment_id"].startswith("pi_sandbox_")
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    assert booking.status == "confirmed" and booking.confirmed_at and booking.expires_at is None
    (to, subject, text), = mails
    assert to == customer.email and booking.reference in subject and booking.reference in text
    invoice = db.session.scalar(db.select(Invoice).where(Invoice.payment_id == body["id"]))
    assert invoice.kind == "invoice" and invoice.storage_key


def test_decline_is_402_and_another_card_with_a_new_key_then_works(client, factory, charges):
    customer = factory.user()
    booking = pending_booking(factory, customer)

    declined = pay(client, factory, booking, customer, card="pm_card_chargeDeclinedInsufficientFunds",
                   key="attempt-1")
    assert declined.status_code == 402
    assert declined.json["reason"] == "insufficient_funds"
    assert "insufficient funds" in declined.json["message"]
    assert declined.json["errors"]["retryable"] is False
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "pending_payment"

    # The key belongs to the declined attempt: retrying it replays the decline, charges nothing.
    replay = pay(client, factory, booking, customer, card="pm_card_chargeDeclinedInsufficientFunds",
                 key="attempt-1")
    assert replay.status_code == 402 and replay.headers["Idempotent-Replayed"] == "true"
    assert len(charges) == 1

    second = pay(client, factory, booking, customer, card="pm_card_visa", key="attempt-2")
    assert second.status_code == 200, second.json
    assert second.json["booking_status"] == "confirmed"
    assert len(charges) == 2
    assert charges[0].idempotency_key != charges[1].idempotency_key


def test_processing_error_asks_for_a_retry(client, factory):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    response = pay(client, factory, booking, customer, card="pm_card_chargeDeclinedProcessingError")
    assert response.status_code == 402
    assert response.json["reason"] == "processing_error"
    assert response.json["errors"]["retryable"] is True
    assert pay(client, factory, booking, customer).status_code == 200


def test_authentication_required_leaves_the_booking_waiting_for_the_webhook(client, factory):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    response = pay(client, factory, booking, customer, card="pm_card_authenticationRequired")
    assert response.status_code == 200
    assert response.json["status"] == "requires_action"
    assert response.json["client_secret"].startswith(response.json["provider_payment_id"])
    assert response.json["booking_status"] == "pending_payment"


def test_only_the_owner_pays_and_only_while_payable(client, factory):
    owner, stranger = factory.user(), factory.user()
    booking = pending_booking(factory, owner)

    assert client.post("/api/payments/process",
                       json={"booking_id": booking.id, "payment_method": "pm_card_visa"}
                       ).status_code == 401
    assert pay(client, factory, booking, stranger).status_code == 404
    assert pay(client, factory, booking, owner).status_code == 200
    again = pay(client, factory, booking, owner)
    assert again.status_code == 409 and again.json["reason"] == "booking_already_paid"

    late = pending_booking(factory, owner, expires_in=timedelta(minutes=5))
    clock.advance(timedelta(minutes=6))
    expired = pay(client, factory, late, owner)
    assert expired.status_code == 409 and expired.json["reason"] == "booking_expired"


def test_invalid_bodies_are_422(client, factory):
    customer = factory.user()
    headers = factory.headers(customer)
    assert client.post("/api/payments/process", headers=headers, json={}).status_code == 422
    bad = client.post("/api/payments/process", headers=headers,
                      json={"booking_id": "x", "payment_method": ""})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"booking_id", "payment_method"}


def test_same_key_replays_the_first_answer_and_refuses_another_request(client, factory, charges):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    first = pay(client, factory, booking, customer, key="k-1")
    second = pay(client, factory, booking, customer, key="k-1")
    assert first.status_code == second.status_code == 200
    assert first.json == second.json and second.headers["Idempotent-Replayed"] == "true"
    assert len(charges) == 1

    other = pending_booking(factory, customer)
    reused = pay(client, factory, other, customer, key="k-1")
    assert reused.status_code == 422 and reused.json["reason"] == "idempotency_key_reused"
    # Keys are per customer: another customer's "k-1" is a different key.
    stranger = factory.user()
    theirs = pending_booking(factory, stranger)
    assert pay(client, factory, theirs, stranger, key="k-1").status_code == 200


def test_concurrent_retries_with_one_key_charge_once(app, factory, charges):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    headers = {**factory.headers(customer), "Idempotency-Key": "double-click"}
    body = {"booking_id": booking.id, "payment_method": "pm_card_visa"}
    start = threading.Barrier(8)
    responses = []

    def retry() -> None:
        start.wait()
        responses.append(app.test_client().post("/api/payments/process", headers=headers, json=body))

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.status_code for r in responses] == [200] * 8
    assert len({r.get_data() for r in responses}) == 1
    assert len(charges) == 1
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Payment.id))) == 1
    record = db.session.scalar(db.select(IdempotencyRecord))
    assert record.key == "double-click" and record.status_code == 200


def test_gateway_key_carries_the_client_key_namespaced_per_customer(client, factory, charges):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    pay(client, factory, booking, customer, key="abc")
    assert charges[0].idempotency_key == f"cinemaos-payment-{customer.id}-abc"
    assert charges[0].metadata["booking_id"] == str(booking.id)
    assert charges[0].amount_minor == booking.total_minor


def test_reading_a_payment(client, factory):
    customer, stranger = factory.user(), factory.user()
    booking = pending_booking(factory, customer)
    payment_id = pay(client, factory, booking, customer).json["id"]
    cinema_id = booking.showtime.cinema_id
    elsewhere = factory.user("staff", cinemas=[factory.cinema()])
    staff = factory.user("staff", cinemas=[cinema_id])

    url = f"/api/payments/{payment_id}"
    assert client.get(url, headers=factory.headers(customer)).json["booking_status"] == "confirmed"
    assert client.get(url, headers=factory.headers(stranger)).status_code == 404
    assert client.get(url, headers=factory.headers(elsewhere)).status_code == 403
    assert client.get(url, headers=factory.headers(staff)).status_code == 200
    assert client.get(url).status_code == 401
