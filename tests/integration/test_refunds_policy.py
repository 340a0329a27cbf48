"""POST /api/payments/refund, the cancellation policy, and refunds of a cancelled showtime."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from app.bookings.keys import seat_map_key
from app.common import clock
from app.common.clock import now
from app.extensions import db, redis_client
from app.models import Booking, BookingSeat, Invoice, Payment, Refund
from app.payments import tasks
from app.payments.refunds import record_refund_due, refund_booking
from tests.payments_support import paid_booking, pending_booking

URL = "/api/payments/refund"


def _reload(*objects):
    db.session.expire_all()
    return [db.session.get(type(o), o.id) for o in objects]


def test_a_customer_cancelling_in_time_gets_everything_back_and_the_seats_are_freed(client, factory):
    customer = factory.user()
    booking, payment = paid_booking(client, factory, customer, seats=2)
    redis_client.client.set(seat_map_key(booking.showtime_id), "{}")

    response = client.post(URL, headers=factory.headers(customer), json={"booking_id": booking.id})

    assert response.status_code == 201, response.json
    assert response.json["amount_minor"] == 2000 and response.json["status"] == "succeeded"
    assert response.json["booking_status"] == "cancelled"
    booking, payment = _reload(booking, payment)
    assert payment.status == "refunded" and booking.refunded_minor == 2000
    assert booking.refund_due_minor == 2000 and booking.cancel_reason == "requested_by_customer"
    assert not any(seat.active for seat in booking.seats)
    assert redis_client.client.get(seat_map_key(booking.showtime_id)) is None
    # The seats can be sold again.
    again = pending_booking(factory, factory.user(), seats=2, showtime=booking.showtime)
    assert {s.seat_id for s in again.seats} == {s.seat_id for s in booking.seats}


def test_after_the_cutoff_the_policy_denies_the_refund(client, factory):
    customer = factory.user()
    cinema = factory.cinema(refund_cutoff_hours=24)
    booking, payment = paid_booking(client, factory, customer, cinema=cinema,
                                    starts_at=(now() + timedelta(hours=30)).replace(microsecond=0))
    clock.advance(timedelta(hours=7))

    response = client.post(URL, headers=factory.headers(customer), json={"booking_id": booking.id})

    assert response.status_code == 409
    assert response.json["reason"] == "refund_not_allowed"
    assert response.json["errors"]["refund_cutoff_hours"] == 24
    booking, payment = _reload(booking, payment)
    assert booking.status == "confirmed" and payment.refunded_minor == 0
    assert all(seat.active for seat in booking.seats)


def test_staff_refund_a_single_seat(client, factory):
    customer = factory.user()
    booking, payment = paid_booking(client, factory, customer, seats=3)
    manager = factory.user("manager", cinemas=[booking.showtime.cinema_id])
    seat = booking.seats[1]

    response = client.post(URL, headers=factory.headers(manager),
                           json={"booking_id": booking.id, "booking_seat_ids": [seat.id]})

    assert response.status_code == 201, response.json
    assert response.json["amount_minor"] == seat.price_minor
    assert response.json["booking_seat_ids"] == [seat.id]
    assert response.json["booking_status"] == "confirmed"
    booking, payment = _reload(booking, payment)
    assert payment.status == "partially_refunded" and payment.refunded_minor == seat.price_minor
    seats = {s.id: s for s in booking.seats}
    assert not seats[seat.id].active and seats[seat.id].refunded_minor == seat.price_minor
    assert sum(s.active for s in booking.seats) == 2
    # The remaining seats can still be refunded, but never beyond what is left.
    rest = [s.id for s in booking.seats if s.active]
    too_much = client.post(URL, headers=factory.headers(manager),
                           json={"booking_id": booking.id, "booking_seat_ids": rest,
                                 "amount_minor": 2001})
    assert too_much.status_code == 422 and too_much.json["errors"]["refundable_minor"] == 2000
    twice = client.post(URL, headers=factory.headers(manager),
                        json={"booking_id": booking.id, "booking_seat_ids": [seat.id]})
    assert twice.status_code == 409 and twice.json["reason"] == "nothing_to_refund"


def test_a_refund_above_what_was_paid_is_422(client, factory):
    customer = factory.user()
    booking, payment = paid_booking(client, factory, customer, seats=1)
    admin = factory.user("admin")
    response = client.post(URL, headers=factory.headers(admin),
                           json={"booking_id": booking.id, "amount_minor": payment.amount_minor + 1})
    assert response.status_code == 422 and response.json["reason"] == "refund_exceeds_payment"
    partial = client.post(URL, headers=factory.headers(admin),
                          json={"booking_id": booking.id, "amount_minor": 400, "reason": "goodwill"})
    assert partial.status_code == 201 and partial.json["booking_status"] == "confirmed"
    rest = client.post(URL, headers=factory.headers(admin),
                       json={"booking_id": booking.id, "amount_minor": payment.amount_minor - 399})
    assert rest.status_code == 422 and rest.json["errors"]["refundable_minor"] == 600


def test_who_may_refund(client, factory):
    customer, stranger = factory.user(), factory.user()
    booking, _ = paid_booking(client, factory, customer)
    other_staff = factory.user("staff", cinemas=[factory.cinema()])
    body = {"booking_id": booking.id}
    assert client.post(URL, json=body).status_code == 401
    assert client.post(URL, headers=factory.headers(stranger), json=body).status_code == 404
    assert client.post(URL, headers=factory.headers(other_staff), json=body).status_code == 403
    partial = client.post(URL, headers=factory.headers(customer),
                          json={**body, "booking_seat_ids": [booking.seats[0].id]})
    assert partial.status_code == 403 and partial.json["reason"] == "partial_refund_staff_only"
    unknown = client.post(URL, headers=factory.headers(factory.user("admin")),
                          json={**body, "booking_seat_ids": [999999]})
    assert unknown.status_code == 422
    assert client.post(URL, headers=factory.headers(customer), json={"booking_id": 999999}
                       ).status_code == 404


def test_nothing_paid_nothing_refunded(client, factory):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    response = client.post(URL, headers=factory.headers(customer), json={"booking_id": booking.id})
    assert response.status_code == 409 and response.json["reason"] == "nothing_to_refund"


def test_the_bookings_cancel_seam_pays_out_what_the_policy_made_due(client, factory):
    """What ``cancel_booking`` does: record what is due in its transaction, then refund."""
    customer = factory.user()
    booking, payment = paid_booking(client, factory, customer, seats=2)
    manager = factory.user("manager", cinemas=[booking.showtime.cinema_id])
    client.post(URL, headers=factory.headers(manager),
                json={"booking_id": booking.id, "amount_minor": 300, "reason": "goodwill"})

    booking, = _reload(booking)
    assert record_refund_due(booking, now()) == 1700
    booking.status, booking.cancelled_at = "cancelled", now()
    for seat in booking.seats:
        seat.active = False
    db.session.commit()
    refund = tasks.refund_cancelled_booking(booking.id)

    booking, payment = _reload(booking, payment)
    assert db.session.get(Refund, refund).amount_minor == 1700
    assert payment.status == "refunded" and booking.refunded_minor == booking.refund_due_minor == 2000
    # A second run finds nothing due: the job is idempotent.
    response = client.post(URL, headers=factory.headers(customer), json={"booking_id": booking.id})
    assert response.status_code == 409 and response.json["reason"] == "nothing_to_refund"


def test_cancelling_a_showtime_refunds_all_its_bookings_through_a_job(client, factory):
    buyers = [factory.user() for _ in range(3)]
    first, _ = paid_booking(client, factory, buyers[0], seats=2)
    showtime = first.showtime
    second, _ = paid_booking(client, factory, buyers[1], seats=1, showtime=showtime)
    unpaid = pending_booking(factory, buyers[2], seats=1, showtime=showtime)
    # Even after the cut-off: the cinema cancelled, so everything goes back.
    clock.advance(showtime.starts_at - now() - timedelta(minutes=30))
    showtime.status, showtime.cancelled_at = "cancelled", now()
    db.session.commit()

    refunded = tasks.refund_showtime_bookings(showtime.id)

    assert len(refunded) == 2
    assert tasks.refund_showtime_bookings(showtime.id) == []
    db.session.expire_all()
    for booking, paid in ((first, 2000), (second, 1000)):
        booking = db.session.get(Booking, booking.id)
        assert booking.status == "cancelled" and booking.refunded_minor == paid
    assert db.session.get(Booking, unpaid.id).status == "pending_payment"
    assert db.session.scalar(db.select(db.func.count(BookingSeat.id)).where(
        BookingSeat.showtime_id == showtime.id, BookingSeat.active)) == 1


def test_a_refund_issues_a_credit_note(client, factory):
    customer = factory.user()
    booking, payment = paid_booking(client, factory, customer, seats=2)
    admin = factory.user("admin")
    refund = refund_booking(booking.id, actor=None, reason="showtime_cancelled")
    note = db.session.scalar(db.select(Invoice).where(Invoice.refund_id == refund.id))
    assert note.kind == "credit_note" and note.total_minor == -2000
    assert [line["amount_minor"] for line in note.lines] == [-1000, -1000]
    invoice = client.get(f"/api/payments/{payment.id}/invoice", headers={
        **factory.headers(admin), "Accept": "application/json"}).json
    assert invoice["credit_notes"][0]["number"] == note.number
    assert db.session.get(Payment, payment.id).status == "refunded"


def test_a_credit_note_after_a_tax_rate_change_uses_the_invoices_rate(client, factory):
    cinema = factory.cinema(tax_rate=Decimal("0.2"))
    booking, payment = paid_booking(client, factory, factory.user(), seats=2, cinema=cinema)
    invoice = db.session.scalar(db.select(Invoice).where(Invoice.payment_id == payment.id))
    assert invoice.tax_minor == 333  # 2000 with 20 % inside it
    cinema.tax_rate = Decimal("0.05")
    db.session.commit()
    refund = refund_booking(booking.id, actor=None, reason="showtime_cancelled")
    note = db.session.scalar(db.select(Invoice).where(Invoice.refund_id == refund.id))
    assert note.tax_minor == -333 and note.seller["tax_rate"] == invoice.seller["tax_rate"] == "0.2000"
