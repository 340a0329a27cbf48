"""Redis failing right after a commit never turns the committed change into an error answer."""

from __future__ import annotations

import redis

from app.bookings import epoch, service, unpaid
from app.extensions import db
from app.models import Booking, Refund, Showtime
from tests.payments_support import paid_booking, pay, pending_booking


def _unreachable(*_args, **_kwargs):
    raise redis.ConnectionError("Error 111 connecting to Redis. Connection refused.")


def test_a_payment_whose_unpaid_count_update_fails_is_still_answered(client, factory, monkeypatch):
    """Seen in the storm: the booking's count left Redis's unpaid seats after the commit; Redis was
    restarting, the listener raised, and the paid customer got a 500 (and the key stayed claimed)."""
    customer = factory.user()
    booking = pending_booking(factory, customer)
    monkeypatch.setattr(unpaid.lua, "run_together", _unreachable)
    paid = pay(client, factory, booking, customer, key="after-commit-1")
    assert paid.status_code == 200, paid.json
    assert paid.json["booking_status"] == "confirmed"
    replayed = pay(client, factory, booking, customer, key="after-commit-1")
    assert replayed.status_code == 200 and replayed.headers["Idempotent-Replayed"] == "true"
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "confirmed"


def test_a_lost_epoch_bump_leaves_the_session_usable(factory, monkeypatch):
    showtime = factory.showtime(factory.screen(factory.cinema()), factory.movie())
    monkeypatch.setattr(epoch, "bump_epoch", _unreachable)
    showtime.price_frozen = not showtime.price_frozen
    db.session.commit()  # raised before, and left the session unable even to roll back
    db.session.rollback()
    assert db.session.get(Showtime, showtime.id) is not None


def test_a_cancellation_whose_seats_cannot_go_back_to_redis_is_answered_and_refunded(client, factory,
                                                                                      monkeypatch):
    """Seen in the storm: the cancellation committed, giving the seats back to Redis failed, the
    client got 503 (its retry: "already cancelled") and the refund waited for the sweep."""
    customer = factory.user()
    booking, payment = paid_booking(client, factory, customer)
    monkeypatch.setattr(service, "unsell", _unreachable)
    cancelled = client.delete(f"/api/bookings/{booking.id}", headers=factory.headers(customer))
    assert cancelled.status_code == 200, cancelled.json
    db.session.expire_all()
    refund = db.session.query(Refund).filter_by(payment_id=payment.id).one()
    assert (refund.status, refund.amount_minor) == ("succeeded", payment.amount_minor)
