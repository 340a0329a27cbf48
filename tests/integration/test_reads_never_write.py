"""A GET never writes: every GET operation of the OpenAPI document, called on a database with
one of everything, sends no INSERT, UPDATE or DELETE and commits nothing.

The test walks ``/api/openapi.json`` as it is when the suite runs, so a GET added later is
covered without anyone remembering to. Path parameters are the ids of the rows made below.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import BookingFee, BoxOfficeShift, Invoice, Payment, TaxClass
from app.payments.refunds import refund_booking
from tests.payments_support import paid_booking, pending_booking

WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE")


@contextmanager
def writes():
    """The writing statements and commits the app sends while the block runs."""
    seen: list[str] = []

    def statement(conn, cursor, sql, params, context, executemany):
        if sql.lstrip().split(None, 1)[0].upper() in WRITES:
            seen.append(sql.split("\n", 1)[0][:80])

    def commit(conn):
        seen.append("COMMIT")

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "commit", commit)


@pytest.fixture
def world(client, factory):
    """One of everything a GET can name, as plain values."""
    admin, customer = factory.user("admin"), factory.user()
    cinema = factory.cinema()
    screen = factory.screen(cinema)
    rating, genre = factory.rating("R18"), factory.genre("Noir")
    movie = factory.movie()
    showtime = factory.showtime(screen, movie)
    booking, payment = paid_booking(client, factory, customer, showtime=showtime)
    booking_seat_id = booking.seats[0].id
    refund_booking(booking.id, actor=None, reason="goodwill", booking_seat_ids=[booking_seat_id])
    credit_note = db.session.scalar(select(Invoice.number).where(
        Invoice.payment_id == payment.id, Invoice.kind == "credit_note"))
    unissued = pending_booking(factory, customer, showtime=showtime, seats=1)
    unissued_payment = Payment(booking_id=unissued.id, user_id=customer.id, amount_minor=1000,
                               currency="GBP", provider="sandbox", status="succeeded")
    db.session.add(unissued_payment)
    shift = BoxOfficeShift(cinema_id=cinema.id, opened_by_id=admin.id, currency="GBP", opening_float_minor=0)
    tax_class = TaxClass(cinema_id=cinema.id, code="reduced", name="Reduced", rate=Decimal("0.05"))
    fee = BookingFee(cinema_id=cinema.id, name="Online booking fee", amount_minor=75)
    ticket_type_id = cinema.ticket_types[0].id
    db.session.add_all([shift, tax_class, fee])
    db.session.commit()
    headers = {"admin": factory.headers(admin), "customer": factory.headers(customer)}
    rule = client.post("/api/pricing/rules", headers=headers["admin"], json={
        "cinema_id": None, "name": "Cheap", "kind": "weekday", "multiplier": "0.8",
        "conditions": {"weekdays": [1]}})
    assert rule.status_code == 201, rule.json
    promo = client.post("/api/pricing/promocodes", headers=headers["admin"], json={
        "code": "SPRING10", "kind": "percent", "value": 10})
    assert promo.status_code == 201, promo.json
    ids = {"user_id": customer.id, "movie_id": movie.id, "genre_id": genre.id,
           "code": rating.code, "cinema_id": cinema.id, "screen_id": screen.id,
           "showtime_id": showtime.id, "booking_id": booking.id, "payment_id": payment.id,
           "rule_id": rule.json["id"], "promo_id": promo.json["id"], "job_id": "0" * 32,
           "shift_id": shift.id, "ticket_type_id": ticket_type_id, "fee_id": fee.id,
           "tax_class_id": tax_class.id, "category_code": "standard"}
    return ids, headers, credit_note, unissued_payment.id, showtime.starts_at.date().isoformat()


def _urls(client, ids, credit_note, unissued_payment_id, day):
    spec = client.get("/api/openapi.json").json
    for path, item in spec["paths"].items():
        if "get" not in item:
            continue
        url = re.sub(r"\{([^}]+)\}", lambda m: str(ids[m.group(1)]), path)
        if path == "/api/schedule/cinema/{cinema_id}":
            url += f"?date={day}"
        yield url
        if path.startswith("/api/payments/{payment_id}/invoice"):
            yield f"{url}?number={credit_note}"
            yield url.replace(f"/{ids['payment_id']}/", f"/{unissued_payment_id}/")


def test_no_get_operation_writes_or_commits(client, world):
    ids, headers, credit_note, unissued_payment_id, day = world
    wrote = {}
    answered = []
    for url in _urls(client, ids, credit_note, unissued_payment_id, day):
        for who, accept in (("admin", "application/json"), ("customer", "application/json"),
                            ("customer", "application/pdf")):
            with writes() as seen:
                response = client.get(url, headers={**headers[who], "Accept": accept})
            answered.append(response.status_code)
            assert response.status_code < 500, (url, who, response.data[:200])
            if seen:
                wrote[f"GET {url} as {who}"] = seen
    assert not wrote, f"reads that wrote: {wrote}"
    assert answered.count(200) > 30  # the walk reached real rows, not only 404s


def test_an_invoice_not_yet_issued_is_pending_not_issued_by_the_read(client, world):
    ids, headers, _, unissued_payment_id, _ = world
    for suffix in ("", "/link"):
        response = client.get(f"/api/payments/{unissued_payment_id}/invoice{suffix}",
                              headers=headers["customer"])
        assert response.status_code == 409 and response.json["reason"] == "invoice_pending"
        assert response.headers["Retry-After"] == "2"
    assert db.session.scalar(select(Invoice).where(Invoice.payment_id == unissued_payment_id)) is None
