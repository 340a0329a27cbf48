"""Idempotency-Key on POST /api/payments/refund, and the purge of old idempotency records."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from app.common import clock
from app.extensions import db
from app.models import IdempotencyRecord, Payment, Refund
from config import Config
from tests.payments_support import paid_booking, pay, pending_booking
from workers import jobs

URL = "/api/payments/refund"


@pytest.fixture
def paid(client, factory):
    """A booking of two standard seats (2000 paid) and a manager of its cinema."""
    booking, payment = paid_booking(client, factory, factory.user(), seats=2)
    manager = factory.user("manager", cinemas=[booking.showtime.cinema_id])
    return booking, payment, manager


def _refund(client, factory, user, body: dict, key: str | None = None):
    headers = factory.headers(user)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(URL, headers=headers, json=body)


def _refunds_of(payment: Payment) -> tuple[int, int]:
    """(refund rows, amount refunded) of a payment, as the database has them now."""
    db.session.expire_all()
    rows = db.session.scalar(db.select(db.func.count(Refund.id)).where(Refund.payment_id == payment.id))
    return rows, db.session.get(Payment, payment.id).refunded_minor


def test_a_retried_partial_refund_replays_the_first_answer_and_refunds_once(client, factory, paid):
    booking, payment, manager = paid
    body = {"booking_id": booking.id, "amount_minor": 500, "reason": "goodwill"}

    first = _refund(client, factory, manager, body, key="refund-click")
    second = _refund(client, factory, manager, body, key="refund-click")

    assert first.status_code == 201, first.json
    assert second.status_code == 201 and second.json == first.json
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert first.json["amount_minor"] == 500 and first.json["status"] == "succeeded"
    assert _refunds_of(payment) == (1, 500)


def test_a_retry_after_the_first_request_died_finds_its_refund(client, factory, paid, monkeypatch):
    from app.payments import refunds

    booking, payment, manager = paid
    body = {"booking_id": booking.id, "amount_minor": 500, "reason": "goodwill"}
    send_to_gateway = refunds.execute_refund

    def crash_once(refund_id):
        monkeypatch.setattr(refunds, "execute_refund", send_to_gateway)
        raise RuntimeError("worker lost Redis after the refund was saved")

    monkeypatch.setattr(refunds, "execute_refund", crash_once)
    died = _refund(client, factory, manager, body, key="refund-crash")
    assert died.status_code == 500  # saved, but no answer stored: the key was given back
    retried = _refund(client, factory, manager, body, key="refund-crash")
    assert retried.status_code == 201, retried.json
    assert retried.json["amount_minor"] == 500 and retried.json["status"] == "succeeded"
    assert _refunds_of(payment) == (1, 500)


def test_a_key_that_refunded_one_booking_cannot_refund_another(client, factory, paid):
    booking, _payment, manager = paid
    other, _ = paid_booking(client, factory, factory.user(), showtime=booking.showtime)
    first = _refund(client, factory, manager, {"booking_id": booking.id, "amount_minor": 500}, key="k-1")
    assert first.status_code == 201
    db.session.execute(db.delete(IdempotencyRecord))  # as after the daily purge
    db.session.commit()
    reused = _refund(client, factory, manager, {"booking_id": other.id, "amount_minor": 500}, key="k-1")
    assert reused.status_code == 422 and reused.json["reason"] == "idempotency_key_reused"


def test_without_a_key_every_request_is_a_new_refund(client, factory, paid):
    booking, payment, manager = paid
    body = {"booking_id": booking.id, "amount_minor": 500}

    responses = [_refund(client, factory, manager, body) for _ in range(2)]

    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json["id"] != responses[1].json["id"]
    assert _refunds_of(payment) == (2, 1000)


def test_the_same_key_for_a_different_refund_is_refused(client, factory, paid):
    booking, payment, manager = paid
    assert _refund(client, factory, manager, {"booking_id": booking.id, "amount_minor": 500},
                   key="k-1").status_code == 201

    reused = _refund(client, factory, manager, {"booking_id": booking.id, "amount_minor": 700},
                     key="k-1")

    assert reused.status_code == 422 and reused.json["reason"] == "idempotency_key_reused"
    assert _refunds_of(payment) == (1, 500)


def test_a_payment_key_cannot_be_reused_for_a_refund(client, factory):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    assert pay(client, factory, booking, customer, key="k-1").status_code == 200

    reused = _refund(client, factory, customer, {"booking_id": booking.id}, key="k-1")

    assert reused.status_code == 422 and reused.json["reason"] == "idempotency_key_reused"
    assert _refunds_of(db.session.scalar(db.select(Payment))) == (0, 0)


def test_concurrent_retries_with_one_key_refund_once(app, factory, paid):
    booking, payment, manager = paid
    headers = {**factory.headers(manager), "Idempotency-Key": "double-click"}
    body = {"booking_id": booking.id, "amount_minor": 500}
    start = threading.Barrier(8)
    responses = []

    def retry() -> None:
        start.wait()
        responses.append(app.test_client().post(URL, headers=headers, json=body))

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.status_code for r in responses] == [201] * 8
    assert len({r.get_data() for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
    assert _refunds_of(payment) == (1, 500)


def test_the_refund_operation_documents_the_optional_header(client):
    operation = client.get("/api/openapi.json").json["paths"]["/api/payments/refund"]["post"]
    header, = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key" and not header.get("required", False)


def _processing(user_id: int, key: str) -> None:
    """A record whose request has not answered (yet, or ever: its process died)."""
    db.session.add(IdempotencyRecord(user_id=user_id, key=key, request_hash="0" * 64))
    db.session.commit()


def test_the_purge_removes_records_past_the_retention_and_keeps_the_rest(
        app, client, factory, paid, monkeypatch):
    booking, payment, manager = paid
    monkeypatch.setitem(app.config, "IDEMPOTENCY_RETENTION_HOURS", 24)
    amount = {"booking_id": booking.id, "amount_minor": 100}
    assert _refund(client, factory, manager, amount, key="old").status_code == 201
    _processing(manager.id, "abandoned")
    clock.advance(timedelta(hours=2))
    _processing(manager.id, "in-flight")
    clock.advance(timedelta(hours=23))
    assert _refund(client, factory, manager, amount, key="recent").status_code == 201

    assert jobs.purge_idempotency_records() == 2
    assert jobs.purge_idempotency_records() == 0

    kept = db.session.execute(db.select(IdempotencyRecord.key, IdempotencyRecord.status_code)).all()
    assert sorted(kept) == [("in-flight", None), ("recent", 201)]
    # A purged key is forgotten: reusing it for another request is a new refund, not a 422.
    fresh = _refund(client, factory, manager, {**amount, "amount_minor": 200}, key="old")
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    assert _refunds_of(payment) == (3, 400)


def test_the_purge_follows_the_configured_retention(app, factory, monkeypatch):
    user = factory.user()
    _processing(user.id, "a-day-old")
    clock.advance(timedelta(hours=25))
    monkeypatch.setitem(app.config, "IDEMPOTENCY_RETENTION_HOURS", 48)
    assert jobs.purge_idempotency_records() == 0
    monkeypatch.setitem(app.config, "IDEMPOTENCY_RETENTION_HOURS", 24)
    assert jobs.purge_idempotency_records() == 1


def test_the_retention_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("IDEMPOTENCY_RETENTION_HOURS", raising=False)
    assert Config.from_env()["IDEMPOTENCY_RETENTION_HOURS"] == 24
    monkeypatch.setenv("IDEMPOTENCY_RETENTION_HOURS", "72")
    assert Config.from_env()["IDEMPOTENCY_RETENTION_HOURS"] == 72


def test_the_purge_is_registered_as_a_daily_default_job(app):
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=app.extensions["rq_connection"])
    scheduler.load_config_from_file("workers/periodic.py")
    purge, = [job for job in scheduler.get_jobs() if job.func is jobs.purge_idempotency_records]
    minute, hour, *every = purge.cron.split()
    assert purge.queue_name == "default"
    assert minute.isdigit() and hour.isdigit() and every == ["*", "*", "*"]
