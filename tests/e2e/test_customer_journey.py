"""The whole customer journey over HTTP against a real Gunicorn, with a real SMTP server:
register, log in, browse, hold, book, pay, receive the e-mail and the invoice, cancel, get the
money back, and see the seats for sale again.
"""

from __future__ import annotations

import io
import uuid

import httpx
import pytest
from pypdf import PdfReader

from tests.e2e.conftest import gunicorn_server, server_env

PASSWORD = "Journey-pass-2026"

pytestmark = pytest.mark.slow


@pytest.fixture
def server(app, mailbox, tmp_path):
    """Gunicorn on the test database and Redis, sending mail to the local SMTP server."""
    env = server_env(SECRET_KEY="journey-secret", JWT_SECRET_KEY="journey-jwt-secret-of-sufficient-length",
                     WEB_CONCURRENCY="2", RQ_ASYNC="false", RATELIMIT_ENABLED="false",
                     SMTP_HOST="127.0.0.1", SMTP_PORT=str(mailbox[1]),
                     MEDIA_DIR=str(tmp_path / "media"), INSTANCE_DIR=str(tmp_path))
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "S3_BUCKET"):
        env.pop(name, None)
    with gunicorn_server(env) as base:
        yield base


def test_register_to_refund_with_the_seats_free_again(server, mailbox, factory):
    box, _ = mailbox
    cinema = factory.cinema("Journey Picturehouse", vat_number="GB555", refund_cutoff_hours=2)
    screen = factory.screen(cinema, rows=3, seats_per_row=8)
    movie = factory.movie("The Long Way Home")
    showtime = factory.showtime(screen, movie)
    showtime_id, movie_id = showtime.id, movie.id
    address = f"journey-{uuid.uuid4().hex[:8]}@example.org"

    with httpx.Client(base_url=server, timeout=20) as http:
        # Register and log in.
        registered = http.post("/api/auth/register", json={
            "email": address, "password": PASSWORD, "full_name": "Ada Journey"})
        assert registered.status_code == 201, registered.text
        login = http.post("/api/auth/login", json={"email": address, "password": PASSWORD})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}

        # Browse: the film, its showtimes, the seat map.
        assert http.get(f"/api/movies/{movie_id}").json()["title"] == "The Long Way Home"
        listed = http.get("/api/showtimes", params={"movie_id": movie_id})
        assert listed.status_code == 200, listed.text
        seat_map = http.get(f"/api/showtimes/{showtime_id}/seats").json()
        wanted = [seat["id"] for seat in seat_map["seats"] if seat["status"] == "available"][:2]
        labels = {seat["label"] for seat in seat_map["seats"] if seat["id"] in wanted}

        # Hold, book, pay.
        hold = http.post("/api/bookings/hold", headers=auth,
                         json={"showtime_id": showtime_id, "seat_ids": wanted})
        assert hold.status_code == 201, hold.text
        booking = http.post("/api/bookings", headers=auth, json={"hold_id": hold.json()["hold_id"]})
        assert booking.status_code == 201, booking.text
        booking = booking.json()
        assert booking["status"] == "pending_payment"
        paid = http.post("/api/payments/process", headers={**auth, "Idempotency-Key": "journey-1"},
                         json={"booking_id": booking["id"], "payment_method": "pm_card_visa"})
        assert paid.status_code == 200, paid.text
        payment = paid.json()
        assert payment["booking_status"] == "confirmed"
        assert payment["amount_minor"] == hold.json()["total_minor"]
        assert http.get(f"/api/bookings/{booking['id']}", headers=auth).json()["status"] == "confirmed"

        # The confirmation e-mail, through SMTP, names the booking reference.
        confirmation = box.wait_for(f"Booking {booking['reference']} confirmed")
        assert confirmation["To"] == address
        assert booking["reference"] in confirmation.get_payload()

        # The invoice: a PDF with its number, the seats and the total.
        invoice = http.get(f"/api/payments/{payment['id']}/invoice", headers={
            **auth, "Accept": "application/json"}).json()
        pdf = http.get(f"/api/payments/{payment['id']}/invoice", headers=auth)
        assert pdf.headers["content-type"] == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert invoice["number"] in text and all(label in text for label in labels)
        assert f"{payment['amount_minor'] / 100:.2f} GBP" in text

        # Cancel, and the money comes back.
        cancelled = http.delete(f"/api/bookings/{booking['id']}", headers=auth)
        assert cancelled.status_code == 200, cancelled.text
        if http.get(f"/api/payments/{payment['id']}", headers=auth).json()["status"] != "refunded":
            refund = http.post("/api/payments/refund", headers=auth,
                               json={"booking_id": booking["id"]})
            assert refund.status_code == 201, refund.text
            assert refund.json()["amount_minor"] == payment["amount_minor"]
        after = http.get(f"/api/payments/{payment['id']}", headers=auth).json()
        assert after["status"] == "refunded" and after["refunded_minor"] == payment["amount_minor"]
        box.wait_for(f"Refund for booking {booking['reference']}")
        credit = http.get(f"/api/payments/{payment['id']}/invoice", headers={
            **auth, "Accept": "application/json"}).json()["credit_notes"]
        assert [note["total_minor"] for note in credit] == [-payment["amount_minor"]]

        # The seats are for sale again.
        seat_map = http.get(f"/api/showtimes/{showtime_id}/seats").json()
        seats = {seat["id"]: seat["status"] for seat in seat_map["seats"]}
        assert all(seats[seat_id] == "available" for seat_id in wanted)
        rehold = http.post("/api/bookings/hold", headers=auth,
                           json={"showtime_id": showtime_id, "seat_ids": wanted})
        assert rehold.status_code == 201, rehold.text
