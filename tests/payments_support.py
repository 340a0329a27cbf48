"""Builders for the payments tests: bookings awaiting payment, paid bookings, signed events.

Bookings are written straight to the database (the hold/book endpoints are tested in the
bookings suite), so these tests depend only on the payments service.
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import timedelta

import stripe

from app.common.clock import now
from app.extensions import db
from app.models import Booking, BookingSeat, Payment, Showtime, User
from app.payments.gateways import get_gateway

PRICES = {"standard": 1000, "premium": 1400}


def pending_booking(factory, user: User, *, seats: int = 2, showtime: Showtime | None = None,
                    expires_in: timedelta = timedelta(minutes=15), cinema=None,
                    starts_at=None) -> Booking:
    """A booking of ``seats`` seats awaiting payment (1000 per standard seat, 1400 premium)."""
    if showtime is None:
        cinema = cinema or factory.cinema()
        screen = factory.screen(cinema)
        showtime = factory.showtime(screen, factory.movie(), starts_at=starts_at)
    taken = set(db.session.scalars(
        db.select(BookingSeat.seat_id).where(BookingSeat.showtime_id == showtime.id,
                                             BookingSeat.active)))
    free = [s for s in factory.seats(showtime.screen) if s.id not in taken][:seats]
    lines = [BookingSeat(showtime_id=showtime.id, seat_id=seat.id, category=seat.category,
                         price_minor=PRICES.get(seat.category, 1000)) for seat in free]
    total = sum(line.price_minor for line in lines)
    booking = Booking(
        reference=secrets.token_hex(4).upper(), user_id=user.id, showtime_id=showtime.id,
        status="pending_payment", currency=showtime.screen.cinema.currency,
        subtotal_minor=total, total_minor=total, expires_at=now() + expires_in, seats=lines,
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def pay(client, factory, booking: Booking, user: User, *, card: str = "pm_card_visa",
        key: str | None = None):
    headers = factory.headers(user)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/payments/process", headers=headers,
                       json={"booking_id": booking.id, "payment_method": card})


def paid_booking(client, factory, user: User, **kwargs) -> tuple[Booking, Payment]:
    booking = pending_booking(factory, user, **kwargs)
    response = pay(client, factory, booking, user)
    assert response.status_code == 200, response.json
    db.session.expire_all()
    return db.session.get(Booking, booking.id), db.session.get(Payment, response.json["id"])


def signed_event(event_type: str, obj: dict, *, event_id: str | None = None,
                 secret: str | None = None) -> tuple[bytes, dict[str, str]]:
    """A Stripe-shaped event and its ``Stripe-Signature`` header, as Stripe would send them."""
    secret = secret or get_gateway().webhook_secret
    payload = json.dumps({
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}", "object": "event", "type": event_type,
        "api_version": "2026-10-28", "created": int(now().timestamp()),
        "data": {"object": obj},
    })
    header = stripe.WebhookSignature.generate_signature_header(payload, secret)
    return payload.encode(), {"Stripe-Signature": header, "Content-Type": "application/json"}


def intent_object(payment: Payment, status: str = "succeeded", **fields) -> dict:
    return {"id": payment.provider_payment_id, "object": "payment_intent", "status": status,
            "amount": payment.amount_minor, "currency": payment.currency.lower(),
            "metadata": {"payment_id": str(payment.id), "booking_id": str(payment.booking_id)},
            **fields}
