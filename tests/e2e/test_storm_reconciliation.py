"""A storm of customers through a real Gunicorn, Redis restarted empty in the middle, then the
books are counted: every booking, payment, refund, invoice, credit note and e-mail in
PostgreSQL (and the SMTP server) against what the clients were told. Nothing lost, nothing
doubled.

Clients behave as real ones should: they retry a 503 (Redis unavailable) with the same hold,
the same Idempotency-Key, the same cancellation, and accept a definitive answer (201, 200, or
a 409 such as ``hold_expired`` after Redis lost the holds). Follow-ups whose hand-over failed
while Redis was down are left to the recurring sweeps, run at the end as the scheduler would.
The figures are printed (``pytest -s``).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from app.common import clock
from app.extensions import db
from app.models import Booking, Invoice, Payment, Refund, SandboxCharge
from app.models.outbox import OutboxMessage
from tests.e2e.conftest import free_port, gunicorn_server, own_redis, server_env
from workers import jobs

pytestmark = pytest.mark.slow

CLIENTS = 36
THREADS = 12
STORM_SECONDS = 60
# A client gives up retrying after this; the storm as a whole must end well within STORM_SECONDS.
PATIENCE_SECONDS = 30


class Client:
    """One customer: hold, confirm, pay, maybe cancel; remembers what the API told it."""

    def __init__(self, base: str, token: str, seats: list[int], showtime_id: int, cancels: bool) -> None:
        self.http = httpx.Client(base_url=base, timeout=20,
                                 headers={"Authorization": f"Bearer {token}"})
        self.seats, self.showtime_id, self.cancels = seats, showtime_id, cancels
        self.told: dict = {}
        self.unavailable = 0

    def _until_definitive(self, method: str, url: str, **kwargs) -> httpx.Response:
        """Retry what Redis's absence refused (503) or the network dropped, as a client should."""
        deadline = time.monotonic() + PATIENCE_SECONDS
        while True:
            try:
                answer = self.http.request(method, url, **kwargs)
                if answer.status_code != 503:
                    assert answer.status_code < 500, (url, answer.status_code, answer.text)
                    return answer
                self.unavailable += 1
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"{method} {url} still unavailable"
            time.sleep(0.2)

    def run(self) -> None:
        try:
            held = self._until_definitive("POST", "/api/bookings/hold",
                                          json={"showtime_id": self.showtime_id, "seat_ids": self.seats})
            if held.status_code != 201:
                self.told["hold"] = held.json()["reason"]
                return
            confirmed = self._until_definitive("POST", "/api/bookings",
                                               json={"hold_id": held.json()["hold_id"]})
            if confirmed.status_code != 201:
                self.told["booking"] = confirmed.json()["reason"]  # hold_expired: Redis forgot it
                return
            booking = confirmed.json()
            self.told["booking"] = booking["id"]
            self.told["reference"] = booking["reference"]
            paid = self._until_definitive(
                "POST", "/api/payments/process", headers={"Idempotency-Key": f"storm-{booking['id']}"},
                json={"booking_id": booking["id"], "payment_method": "pm_card_visa"})
            assert paid.status_code == 200, paid.text
            self.told["payment"] = paid.json()["id"]
            self.told["paid_minor"] = paid.json()["amount_minor"]
            if self.cancels:
                cancelled = self._until_definitive("DELETE", f"/api/bookings/{booking['id']}")
                assert cancelled.status_code in (200, 204), cancelled.text
                self.told["cancelled"] = True
        finally:
            self.http.close()


def test_storm_with_a_redis_restart_loses_and_doubles_nothing(app, factory, mailbox, tmp_path, monkeypatch):
    box, smtp_port = mailbox
    redis_port = free_port()
    cinema = factory.cinema("Storm Cinema", refund_cutoff_hours=2)
    screen = factory.screen(cinema, rows=6, seats_per_row=10)
    showtime_id = factory.showtime(screen, factory.movie("Storm")).id
    rows = [[s.id for s in factory.seats(screen) if s.grid_row == row] for row in range(6)]
    rng = random.Random(16)
    clients_plan = []
    for i in range(CLIENTS):
        row = rng.choice(rows)
        size = rng.randint(1, 3)
        start = rng.randint(0, len(row) - size)
        clients_plan.append((factory.token(factory.user()), row[start:start + size], i % 3 == 0))
    media = tmp_path / "media"
    env = server_env(WEB_CONCURRENCY="2", SECRET_KEY=app.config["SECRET_KEY"],
                     JWT_SECRET_KEY=app.config["JWT_SECRET_KEY"], REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
                     RQ_ASYNC="false", RATELIMIT_ENABLED="false", SMTP_HOST="127.0.0.1",
                     SMTP_PORT=str(smtp_port), MEDIA_DIR=str(media), INSTANCE_DIR=str(tmp_path))
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "S3_BUCKET"):
        env.pop(name, None)

    with own_redis(redis_port) as first_redis, gunicorn_server(env) as base:
        clients = [Client(base, token, seats, showtime_id, cancels) for token, seats, cancels in clients_plan]
        started = time.monotonic()
        done = threading.Semaphore(0)

        def run(client: Client) -> None:
            try:
                client.run()
            finally:
                done.release()

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            futures = [pool.submit(run, client) for client in clients]
            for _ in range(CLIENTS // 3):  # a third of the customers are through: Redis dies
                assert done.acquire(timeout=STORM_SECONDS)
            first_redis.kill()
            first_redis.wait(timeout=10)
            time.sleep(1)
            with own_redis(redis_port):  # back, empty
                for future in futures:
                    future.result(timeout=STORM_SECONDS)
                storm_seconds = time.monotonic() - started

    # The recurring sweeps, as the scheduler runs them once their grace periods are over.
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", smtp_port)
    monkeypatch.setitem(app.config, "MEDIA_DIR", str(media))
    clock.advance(timedelta(minutes=5))
    swept = {"payments": jobs.reconcile_pending_payments(), "refunds": jobs.retry_pending_refunds(),
             "outbox": jobs.redeliver_outbox()}

    told = [client.told for client in clients]
    booked = {t["booking"] for t in told if isinstance(t.get("booking"), int)}
    paid = {t["booking"]: t for t in told if "payment" in t}
    refunded = {b for b, t in paid.items() if t.get("cancelled")}
    db.session.expire_all()
    bookings = set(db.session.scalars(select(Booking.id).where(Booking.showtime_id == showtime_id)))
    payments = db.session.execute(select(Payment.booking_id, Payment.id, Payment.status, Payment.amount_minor)
                                  .join(Booking).where(Booking.showtime_id == showtime_id)).all()
    refunds = db.session.execute(select(Payment.booking_id, Refund.amount_minor, Refund.status)
                                 .join(Payment).join(Booking).where(Booking.showtime_id == showtime_id)).all()
    invoices = db.session.execute(select(Invoice.kind, Invoice.payment_id, Invoice.refund_id)).all()
    charges = db.session.scalar(select(func.count()).select_from(SandboxCharge))
    outbox_left = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.done_at.is_(None)))
    subjects = Counter(message["Subject"] for message in box.messages)
    references = {b: t["reference"] for b, t in paid.items()}
    confirmations = sum(n for s, n in subjects.items() if "confirmed" in s)
    notices = sum(n for s, n in subjects.items() if s.startswith("Refund for booking"))

    print(f"\nstorm: {CLIENTS} clients in {storm_seconds:.1f} s, Redis restarted empty mid-storm; "
          f"503 answers retried: {sum(c.unavailable for c in clients)}; swept afterwards: "
          f"{ {name: len(ids) for name, ids in swept.items()} }")
    print(f"told:  bookings {len(booked)}, payments {len(paid)}, refunds due {len(refunded)}, "
          f"holds refused {sum('hold' in t for t in told)}, confirmations refused "
          f"{sum(isinstance(t.get('booking'), str) for t in told)}")
    print(f"found: bookings {len(bookings)}, payments {len(payments)} "
          f"({Counter(p.status for p in payments)}), gateway charges {charges}, refunds {len(refunds)}, "
          f"invoices {sum(i.kind == 'invoice' for i in invoices)}, credit notes "
          f"{sum(i.kind == 'credit_note' for i in invoices)}, confirmation e-mails {confirmations}, "
          f"refund e-mails {notices}, outbox rows not done {outbox_left}")

    assert storm_seconds < STORM_SECONDS
    assert bookings == booked, "a booking the clients were not told about, or one they were told and lost"
    # One payment per paid booking, charged once, for what the client was told.
    assert sorted(p.booking_id for p in payments) == sorted(paid)
    assert charges == len(paid)
    for payment in payments:
        expected = "refunded" if payment.booking_id in refunded else "succeeded"
        assert (payment.status, payment.amount_minor) == (expected, paid[payment.booking_id]["paid_minor"])
    assert sorted(r.booking_id for r in refunds) == sorted(refunded)
    assert all((r.status, r.amount_minor) == ("succeeded", paid[r.booking_id]["paid_minor"]) for r in refunds)
    payment_ids = {p.id for p in payments}
    assert sorted(i.payment_id for i in invoices if i.kind == "invoice") == sorted(payment_ids)
    assert len([i for i in invoices if i.kind == "credit_note"]) == len(refunded)
    # One confirmation per paid booking and one refund notice per refund, by reference.
    for booking_id, reference in references.items():
        assert sum(n for s, n in subjects.items() if reference in s and "confirmed" in s) == 1, reference
        assert sum(n for s, n in subjects.items() if s == f"Refund for booking {reference}") == (
            1 if booking_id in refunded else 0), reference
    assert confirmations == len(paid) and notices == len(refunded)
    assert outbox_left == 0
