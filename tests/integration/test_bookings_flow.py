"""Bookings from holds: confirmation, payment window, cancellation, access, on real PostgreSQL and Redis."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.bookings import keys, service
from app.bookings.hold_record import HeldSeat, Hold
from app.bookings.service import expire_unpaid_bookings
from app.common import clock
from app.extensions import db, redis_client
from app.models import Booking, BookingSeat, Payment, Refund, SeatCategoryPrice
from tests.conftest import settings_for_tests
from tests.payments_support import intent_object, signed_event
from workers import jobs


@pytest.fixture
def venue(factory):
    cinema = factory.cinema(refund_cutoff_hours=2)
    screen = factory.screen(cinema, rows=2, seats_per_row=5)
    showtime = factory.showtime(screen, factory.movie())
    return {"cinema": cinema, "screen": screen, "showtime": showtime, "seats": factory.seats(screen),
            "customer": factory.user("customer")}


def hold(client, factory, user, showtime_id, seat_ids):
    response = client.post("/api/bookings/hold", json={"showtime_id": showtime_id, "seat_ids": seat_ids},
                           headers=factory.headers(user))
    assert response.status_code == 201, response.json
    return response.json


def book(client, factory, user, hold_id):
    return client.post("/api/bookings", json={"hold_id": hold_id}, headers=factory.headers(user))


def hold_and_book(client, factory, user, showtime_id, seat_ids):
    return book(client, factory, user, hold(client, factory, user, showtime_id, seat_ids)["hold_id"])


def statuses(client, showtime_id) -> dict[int, str]:
    return {s["id"]: s["status"] for s in client.get(f"/api/showtimes/{showtime_id}/seats").json["seats"]}


def test_confirming_a_hold_writes_the_booking_and_its_seats_and_sells_them(client, factory, venue):
    seat_ids = [venue["seats"][0].id, venue["seats"][1].id]
    held = hold(client, factory, venue["customer"], venue["showtime"].id, seat_ids)
    statuses(client, venue["showtime"].id)
    response = book(client, factory, venue["customer"], held["hold_id"])
    assert response.status_code == 201, response.json
    booking = response.json
    assert booking["status"] == "pending_payment"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{3}-[A-HJ-NP-Z2-9]{3}", booking["reference"])
    assert booking["total_minor"] == booking["subtotal_minor"] == 2000
    assert [s["label"] for s in booking["seats"]] == ["A1", "A2"]
    assert booking["expires_at"] and booking["showtime"]["id"] == venue["showtime"].id
    rows = db.session.scalars(select(BookingSeat).where(BookingSeat.booking_id == booking["id"])).all()
    assert sorted(r.seat_id for r in rows) == seat_ids and all(r.active for r in rows)
    assert {statuses(client, venue["showtime"].id)[i] for i in seat_ids} == {"sold"}
    # the hold is spent: its record is gone and the same confirmation returns the same booking
    assert redis_client.client.exists(keys.hold_key(venue["showtime"].id, held["hold_id"])) == 0
    again = book(client, factory, venue["customer"], held["hold_id"])
    assert again.status_code == 201 and again.json["id"] == booking["id"]
    assert db.session.query(Booking).count() == 1


def test_two_confirmations_of_one_hold_at_once_get_the_same_booking(app, client, factory, venue,
                                                                    monkeypatch):
    """Both read the live hold; one sells it before the other claims it: the late one gets the
    booking its twin wrote, not ``hold_expired`` (the interleaving is forced, not hoped for)."""
    held = hold(client, factory, venue["customer"], venue["showtime"].id, [venue["seats"][0].id])
    headers = factory.headers(venue["customer"])
    both_read, first, sold = threading.Barrier(2, timeout=10), threading.Lock(), threading.Event()
    real_claim, real_sell = service.claim_hold, service.sell

    def claim_second_after_the_sale(hold_, seconds):
        both_read.wait()
        if not first.acquire(blocking=False):
            sold.wait(10)
        return real_claim(hold_, seconds)

    def sell_and_say_so(*args):
        real_sell(*args)
        sold.set()

    monkeypatch.setattr(service, "claim_hold", claim_second_after_the_sale)
    monkeypatch.setattr(service, "sell", sell_and_say_so)

    def confirm(_):
        with app.app_context(), app.test_client() as c:
            response = c.post("/api/bookings", json={"hold_id": held["hold_id"]}, headers=headers)
            return response.status_code, response.json

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(confirm, range(2)))
    assert [code for code, _ in answers] == [201, 201], answers
    assert answers[0][1]["id"] == answers[1][1]["id"]
    assert db.session.query(Booking).count() == 1
    assert statuses(client, venue["showtime"].id)[venue["seats"][0].id] == "sold"


def test_the_quoted_price_is_honoured_when_prices_change(client, factory, venue):
    held = hold(client, factory, venue["customer"], venue["showtime"].id, [venue["seats"][0].id])
    price = db.session.scalar(select(SeatCategoryPrice).where(SeatCategoryPrice.category == "standard"))
    price.amount_minor = 5000
    db.session.commit()
    booking = book(client, factory, venue["customer"], held["hold_id"]).json
    assert booking["total_minor"] == 1000 and booking["seats"][0]["price_minor"] == 1000


def test_confirming_after_the_hold_expired_is_409(factory, venue):
    short = create_app(settings_for_tests(HOLD_TTL_SECONDS=1))
    with short.app_context():
        client = short.test_client()
        held = hold(client, factory, venue["customer"], venue["showtime"].id, [venue["seats"][0].id])
        time.sleep(1.2)
        response = book(client, factory, venue["customer"], held["hold_id"])
        assert response.status_code == 409 and response.json["reason"] == "hold_expired"
        assert db.session.query(Booking).count() == 0


def test_a_hold_whose_seat_lock_was_lost_is_not_booked(client, factory, venue):
    a, b = venue["seats"][0].id, venue["seats"][1].id
    held = hold(client, factory, venue["customer"], venue["showtime"].id, [a, b])
    # the lock of seat b lapsed and someone else took it
    redis_client.client.set(keys.lock_key(venue["showtime"].id, b), "someone-else")
    response = book(client, factory, venue["customer"], held["hold_id"])
    assert response.status_code == 409 and response.json["errors"]["seat_ids"] == [b]
    assert db.session.query(Booking).count() == 0
    assert redis_client.client.get(keys.lock_key(venue["showtime"].id, a)) is None  # not half-kept


def test_the_unique_index_is_the_last_guard(client, factory, venue):
    """Even if Redis were wrong, PostgreSQL refuses a second active booking of a seat."""
    seat = venue["seats"][0].id
    first = hold(client, factory, venue["customer"], venue["showtime"].id, [seat])
    assert book(client, factory, venue["customer"], first["hold_id"]).status_code == 201
    redis_client.client.flushdb()  # Redis lost every lock
    rival = factory.user()
    hold_id = keys.new_hold_id(venue["showtime"].id)
    # forge a hold in Redis, as a broken cache could
    forged = Hold(hold_id=hold_id, showtime_id=venue["showtime"].id, user_id=rival.id, currency="GBP",
                  expires_at=clock.now() + timedelta(minutes=5),
                  seats=[HeldSeat(seat_id=seat, label="A1", category="standard", price_minor=1000)])
    redis_client.client.hset(keys.hold_key(venue["showtime"].id, hold_id), mapping={
        "data": forged.to_json(), "seat_ids": str(seat), "user_id": rival.id})
    redis_client.client.set(keys.lock_key(venue["showtime"].id, seat), hold_id)
    response = book(client, factory, rival, hold_id)
    assert response.status_code == 409 and response.json["reason"] == "seats_taken"
    assert db.session.query(BookingSeat).filter(BookingSeat.active).count() == 1


def test_another_customers_hold_cannot_be_booked(client, factory, venue):
    held = hold(client, factory, venue["customer"], venue["showtime"].id, [venue["seats"][0].id])
    assert book(client, factory, factory.user(), held["hold_id"]).status_code == 404
    assert book(client, factory, venue["customer"], "not-a-hold").status_code == 409


def pay(client, factory, user, booking_id, card="pm_card_visa"):
    """Pay through the payments API, as the customer does."""
    return client.post("/api/payments/process", headers=factory.headers(user),
                       json={"booking_id": booking_id, "payment_method": card})


def test_cancelled_booking_frees_its_seats_at_once(client, factory, venue):
    seat = venue["seats"][0].id
    held = hold(client, factory, venue["customer"], venue["showtime"].id, [seat])
    booking = book(client, factory, venue["customer"], held["hold_id"]).json
    assert statuses(client, venue["showtime"].id)[seat] == "sold"  # cached now
    cancelled = client.delete(f"/api/bookings/{booking['id']}", headers=factory.headers(venue["customer"]))
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled" and cancelled.json["cancel_reason"] == "customer"
    assert cancelled.json["refund_due_minor"] == 0  # nothing was paid yet
    assert cancelled.json["seats"][0]["active"] is False
    assert statuses(client, venue["showtime"].id)[seat] == "available"
    # at once: the confirmation's lingering lock is gone too, so anyone can hold it now
    assert hold(client, factory, factory.user(), venue["showtime"].id, [seat])
    again = client.delete(f"/api/bookings/{booking['id']}", headers=factory.headers(venue["customer"]))
    assert again.status_code == 409


def test_cancelling_a_paid_booking_records_the_refund_owed_until_the_cutoff(client, factory, venue):
    held = hold(client, factory, venue["customer"], venue["showtime"].id, [venue["seats"][0].id])
    booking_id = book(client, factory, venue["customer"], held["hold_id"]).json["id"]
    paid = pay(client, factory, venue["customer"], booking_id)
    assert paid.status_code == 200 and paid.json["booking_status"] == "confirmed"
    again = pay(client, factory, venue["customer"], booking_id)
    assert again.status_code == 409 and again.json["reason"] == "booking_already_paid"
    clock.advance(venue["showtime"].starts_at - clock.now() - timedelta(hours=1))  # inside the cutoff
    late = client.delete(f"/api/bookings/{booking_id}", headers=factory.headers(venue["customer"]))
    assert late.status_code == 409 and late.json["reason"] == "refund_cutoff_passed"
    staff = factory.user("staff", cinemas=[venue["cinema"]])
    by_staff = client.delete(f"/api/bookings/{booking_id}", headers=factory.headers(staff))
    assert by_staff.status_code == 200
    assert by_staff.json["refund_due_minor"] == 1000 and by_staff.json["cancel_reason"] == "staff"


def test_customers_cannot_read_or_cancel_each_others_bookings(client, factory, venue):
    held = hold(client, factory, venue["customer"], venue["showtime"].id, [venue["seats"][0].id])
    booking_id = book(client, factory, venue["customer"], held["hold_id"]).json["id"]
    intruder = factory.headers(factory.user())
    assert client.get(f"/api/bookings/{booking_id}", headers=intruder).status_code == 404
    assert client.delete(f"/api/bookings/{booking_id}", headers=intruder).status_code == 404
    assert client.get(f"/api/bookings/{booking_id}").status_code == 401
    other_staff = factory.headers(factory.user("staff", cinemas=[factory.cinema()]))
    assert client.get(f"/api/bookings/{booking_id}", headers=other_staff).status_code == 403
    assert client.delete(f"/api/bookings/{booking_id}", headers=other_staff).status_code == 403
    staff = factory.headers(factory.user("staff", cinemas=[venue["cinema"]]))
    assert client.get(f"/api/bookings/{booking_id}", headers=staff).status_code == 200
    owner = client.get(f"/api/bookings/{booking_id}", headers=factory.headers(venue["customer"]))
    assert owner.status_code == 200 and owner.json["id"] == booking_id
    assert db.session.get(Booking, booking_id).status == "pending_payment"


def test_listing_mine_and_staff_views_by_showtime_and_reference(client, factory, venue):
    rival, showtime_id = factory.user(), venue["showtime"].id
    mine = hold_and_book(client, factory, venue["customer"], showtime_id, [venue["seats"][0].id]).json
    theirs = hold_and_book(client, factory, rival, showtime_id, [venue["seats"][1].id]).json
    listed = client.get("/api/bookings", headers=factory.headers(venue["customer"]))
    assert listed.status_code == 200 and [b["id"] for b in listed.json] == [mine["id"]]
    # a customer filtering by showtime still sees only their own
    filtered = client.get(f"/api/bookings?showtime_id={venue['showtime'].id}",
                          headers=factory.headers(venue["customer"])).json
    assert [b["id"] for b in filtered] == [mine["id"]]
    staff = factory.headers(factory.user("staff", cinemas=[venue["cinema"]]))
    by_showtime = client.get(f"/api/bookings?showtime_id={venue['showtime'].id}", headers=staff).json
    assert {b["id"] for b in by_showtime} == {mine["id"], theirs["id"]}
    lookup = theirs["reference"].replace("-", "").lower()
    by_reference = client.get(f"/api/bookings?reference={lookup}", headers=staff).json
    assert [b["id"] for b in by_reference] == [theirs["id"]]
    other_staff = factory.headers(factory.user("staff", cinemas=[factory.cinema()]))
    assert client.get(f"/api/bookings?showtime_id={venue['showtime'].id}",
                      headers=other_staff).status_code == 403
    assert client.get(f"/api/bookings?reference={lookup}", headers=other_staff).json == []


def test_unpaid_bookings_expire_and_free_their_seats(client, factory, venue):
    seat = venue["seats"][0].id
    held = hold(client, factory, venue["customer"], venue["showtime"].id, [seat])
    booking_id = book(client, factory, venue["customer"], held["hold_id"]).json["id"]
    paid = hold_and_book(client, factory, venue["customer"], venue["showtime"].id, [venue["seats"][1].id])
    assert pay(client, factory, venue["customer"], paid.json["id"]).status_code == 200
    # The customer starts paying for the other one, and 3-D Secure keeps the money in flight.
    late = pay(client, factory, venue["customer"], booking_id, card="pm_card_authenticationRequired")
    assert late.status_code == 200 and late.json["status"] == "requires_action"
    assert expire_unpaid_bookings() == 0  # still inside the payment window
    clock.advance(timedelta(seconds=901))
    assert statuses(client, venue["showtime"].id)[seat] == "sold"
    assert jobs.expire_unpaid_bookings() == 1
    assert jobs.expire_unpaid_bookings() == 0  # idempotent
    db.session.expire_all()
    expired = db.session.get(Booking, booking_id)
    assert expired.status == "expired" and not expired.seats[0].active
    assert db.session.get(Booking, paid.json["id"]).status == "confirmed"
    assert statuses(client, venue["showtime"].id)[seat] == "available"
    # The authentication completes after the expiry: the money is refunded, never lost.
    payment = db.session.get(Payment, late.json["id"])
    payload, headers = signed_event("payment_intent.succeeded", intent_object(payment))
    assert client.post("/api/payments/webhook", data=payload, headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).status == "expired"
    refund = db.session.scalar(select(Refund).where(Refund.payment_id == payment.id))
    assert refund.status == "succeeded" and refund.amount_minor == payment.amount_minor
    assert db.session.get(Payment, payment.id).status == "refunded"


def test_the_expiry_sweep_is_registered_as_a_recurring_job(app):
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=app.extensions["rq_connection"])
    scheduler.load_config_from_file("workers/periodic.py")
    sweeps = [job for job in scheduler.get_jobs() if job.func is jobs.expire_unpaid_bookings]
    assert len(sweeps) == 1 and sweeps[0].cron == "* * * * *"
