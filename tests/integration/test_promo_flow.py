"""A promo code from hold to refund: quoted at hold, redeemed at payment, given back on refund."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.bookings import keys
from app.common.clock import now
from app.extensions import db, redis_client
from app.models import Booking, Payment, PromoCode


def _showtime(factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=2, seats_per_row=8)
    showtime = factory.showtime(screen, factory.movie(),
                                starts_at=(now() + timedelta(days=3)).replace(second=0, microsecond=0))
    return showtime, factory.seats(screen)


def _promo(**fields) -> PromoCode:
    promo = PromoCode(**({"code": "HALFOFF", "kind": "percent", "value": 50, "scope": "basket"} | fields))
    db.session.add(promo)
    db.session.commit()
    return promo


def _hold_and_book(client, factory, customer, showtime, seat_ids, promo_code=None):
    hold = client.post("/api/bookings/hold", headers=factory.headers(customer), json={
        "showtime_id": showtime.id, "seat_ids": seat_ids, "promo_code": promo_code})
    assert hold.status_code == 201, hold.json
    booking = client.post("/api/bookings", headers=factory.headers(customer),
                          json={"hold_id": hold.json["hold_id"]})
    assert booking.status_code == 201, booking.json
    return hold.json, booking.json


def _pay(client, factory, customer, booking_id):
    return client.post("/api/payments/process", headers=factory.headers(customer),
                       json={"booking_id": booking_id, "payment_method": "pm_card_visa"})


def test_promo_is_quoted_at_hold_redeemed_at_payment_and_given_back_on_refund(client, factory):
    showtime, seats = _showtime(factory)
    promo = _promo()
    customer = factory.user()

    hold, booking = _hold_and_book(client, factory, customer, showtime, [seats[0].id, seats[1].id], "halfoff")
    assert hold["discount_minor"] == 1000 and hold["total_minor"] == 1000
    assert booking["subtotal_minor"] == 2000 and booking["discount_minor"] == 1000
    assert booking["total_minor"] == 1000
    assert db.session.get(PromoCode, promo.id).uses_count == 0  # a hold or booking is not a use

    paid = _pay(client, factory, customer, booking["id"])
    assert paid.status_code == 200, paid.json
    assert paid.json["amount_minor"] == 1000
    db.session.expire_all()
    assert db.session.get(PromoCode, promo.id).uses_count == 1

    assert client.delete(f"/api/bookings/{booking['id']}",
                         headers=factory.headers(customer)).status_code == 200
    db.session.expire_all()
    assert db.session.get(Payment, paid.json["id"]).status == "refunded"
    assert db.session.get(PromoCode, promo.id).uses_count == 0


def test_the_last_use_goes_to_the_first_payer_and_the_other_is_refunded(client, factory):
    showtime, seats = _showtime(factory)
    promo = _promo(code="LASTONE", max_uses=1)
    first, second = factory.user(), factory.user()
    _, first_booking = _hold_and_book(client, factory, first, showtime, [seats[0].id], "LASTONE")
    _, second_booking = _hold_and_book(client, factory, second, showtime, [seats[5].id], "LASTONE")

    assert _pay(client, factory, first, first_booking["id"]).status_code == 200
    lost = _pay(client, factory, second, second_booking["id"])
    assert lost.status_code == 409 and lost.json["reason"] == "promo_used_up"
    db.session.expire_all()
    assert db.session.get(PromoCode, promo.id).uses_count == 1
    assert db.session.get(Payment, lost.json["errors"]["payment_id"]).status == "refunded"
    assert db.session.get(Booking, second_booking["id"]).status == "pending_payment"


def test_a_promo_that_does_not_apply_is_refused_at_hold_with_its_reason(client, factory):
    showtime, seats = _showtime(factory)
    _promo(code="OLD", valid_until=datetime(2020, 1, 1, tzinfo=UTC))
    refused = client.post("/api/bookings/hold", headers=factory.headers(factory.user()), json={
        "showtime_id": showtime.id, "seat_ids": [seats[0].id], "promo_code": "OLD"})
    assert refused.status_code == 422 and refused.json["reason"] == "promo_expired"


def test_a_booking_a_promo_makes_free_is_confirmed_at_once(client, factory, monkeypatch):
    mails: list[tuple[str, str, str]] = []
    monkeypatch.setattr("app.payments.notifications.deliver_email",
                        lambda to, subject, body: mails.append((to, subject, body)))
    showtime, seats = _showtime(factory)
    promo = _promo(code="ONUS", value=100)
    customer = factory.user()

    hold, booking = _hold_and_book(client, factory, customer, showtime, [seats[0].id, seats[1].id], "onus")
    assert hold["total_minor"] == 0 and hold["discount_minor"] == 2000
    assert booking["status"] == "confirmed" and booking["total_minor"] == 0
    assert booking["expires_at"] is None and booking["confirmed_at"] is not None
    db.session.expire_all()
    assert db.session.get(PromoCode, promo.id).uses_count == 1  # used now: there is no payment
    assert [subject for _, subject, _ in mails] == [f"Booking {booking['reference']} confirmed"]
    assert "Invoice" not in mails[0][2]

    again = client.post("/api/bookings", headers=factory.headers(customer), json={"hold_id": hold["hold_id"]})
    assert again.status_code == 201 and again.json["id"] == booking["id"] and len(mails) == 1
    paid = _pay(client, factory, customer, booking["id"])
    assert paid.status_code == 409 and paid.json["reason"] == "booking_already_paid"
    seat_map = client.get(f"/api/showtimes/{showtime.id}/seats").json
    assert {s["id"]: s["status"] for s in seat_map["seats"]}[seats[0].id] == "sold"

    cancelled = client.delete(f"/api/bookings/{booking['id']}", headers=factory.headers(customer))
    assert cancelled.status_code == 200 and cancelled.json["refund_due_minor"] == 0
    db.session.expire_all()
    assert db.session.get(PromoCode, promo.id).uses_count == 0  # given back, as a refund would
    assert db.session.get(Booking, booking["id"]).status == "cancelled"


def test_a_free_booking_whose_promo_was_used_up_meanwhile_is_refused(client, factory):
    showtime, seats = _showtime(factory)
    _promo(code="ONLYONE", value=100, max_uses=1)
    first, second = factory.user(), factory.user()
    headers = factory.headers(second)
    late_hold = client.post("/api/bookings/hold", headers=headers, json={
        "showtime_id": showtime.id, "seat_ids": [seats[5].id], "promo_code": "ONLYONE"})
    assert late_hold.status_code == 201 and late_hold.json["total_minor"] == 0
    _hold_and_book(client, factory, first, showtime, [seats[0].id], "ONLYONE")

    refused = client.post("/api/bookings", headers=headers, json={"hold_id": late_hold.json["hold_id"]})
    assert refused.status_code == 409 and refused.json["reason"] == "promo_used_up"
    # Booking failed, so the customer's countdown runs on (only a booking ends it).
    assert redis_client.client.exists(keys.user_deadline_key(showtime.id, second.id)) == 1
    assert db.session.query(Booking).filter_by(user_id=second.id).count() == 0
    seat_map = client.get(f"/api/showtimes/{showtime.id}/seats").json
    assert {s["id"]: s["status"] for s in seat_map["seats"]}[seats[5].id] == "available"


def test_cancelling_the_showtime_of_a_free_booking_gives_its_promo_use_back(client, factory):
    showtime, seats = _showtime(factory)
    promo = _promo(code="FREEBIE", value=100)
    customer = factory.user()
    manager = factory.user("manager", cinemas=[showtime.cinema_id])
    showtime_id = showtime.id
    _, booking = _hold_and_book(client, factory, customer, showtime, [seats[2].id], "FREEBIE")
    assert booking["status"] == "confirmed"

    cancelled = client.delete(f"/api/schedule/showtime/{showtime_id}", headers=factory.headers(manager))
    assert cancelled.status_code == 200, cancelled.json
    db.session.expire_all()
    assert db.session.get(Booking, booking["id"]).status == "cancelled"
    assert db.session.get(PromoCode, promo.id).uses_count == 0
