"""GET /api/payments/{id}/invoice: PDF and JSON, stored once, gapless numbers under load."""

from __future__ import annotations

import io
import threading
from decimal import Decimal

from pypdf import PdfReader

from app.extensions import db
from app.models import Invoice, Payment
from app.payments.invoices import issue_invoice
from pricing_engine.rounding import tax_included
from tests.payments_support import paid_booking, pending_booking


def _url(payment) -> str:
    return f"/api/payments/{payment.id}/invoice"


def test_the_pdf_opens_and_shows_number_seats_and_total(client, factory):
    customer = factory.user()
    cinema = factory.cinema("Rex Cinema", address_line="1 High Street", city="London",
                            postal_code="N1 9GU", vat_number="GB123456789")
    booking, payment = paid_booking(client, factory, customer, seats=2, cinema=cinema)

    response = client.get(_url(payment), headers=factory.headers(customer))

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    invoice = db.session.scalar(db.select(Invoice).where(Invoice.payment_id == payment.id))
    assert invoice.number in text
    for label in ("A1", "A2"):
        assert label in text
    assert "20.00 GBP" in text and "3.33 GBP" in text  # total and the tax inside it
    assert "Rex Cinema" in text and "GB123456789" in text and booking.reference in text


def test_json_has_seller_one_line_per_seat_and_tax_from_the_cinema_rate(client, factory):
    customer = factory.user()
    cinema = factory.cinema(tax_rate=Decimal("0.2"), vat_number="GB999")
    booking, payment = paid_booking(client, factory, customer, seats=3, cinema=cinema)

    body = client.get(_url(payment), headers={**factory.headers(customer),
                                              "Accept": "application/json"}).json

    assert body["number"] == f"INV-{body['year']}-{cinema.id:03d}-000001"
    assert body["kind"] == "invoice" and body["sequence"] == 1
    assert body["seller"]["name"] == cinema.name and body["seller"]["vat_number"] == "GB999"
    assert [(line["seat"], line["category"], line["amount_minor"]) for line in body["lines"]] == [
        ("A1", "standard", 1000), ("A2", "standard", 1000), ("A3", "standard", 1000)]
    assert body["total_minor"] == 3000 and body["tax_minor"] == 500 and body["net_minor"] == 2500
    assert body["booking_reference"] == booking.reference and body["credit_notes"] == []


def test_tax_is_taken_out_of_tax_inclusive_prices():
    assert tax_included(1200, Decimal("0.2")) == 200
    assert tax_included(1000, Decimal("0.2")) == 167  # 1000 / 1.2 = 833.33 -> net 833
    assert tax_included(1000, Decimal("0")) == 0
    assert tax_included(1099, Decimal("0.07")) == 72


def test_generated_once_and_served_as_stored(client, factory, monkeypatch):
    customer = factory.user()
    _, payment = paid_booking(client, factory, customer)
    first = client.get(_url(payment), headers=factory.headers(customer)).data

    def must_not_render(*args):
        raise AssertionError("rendered twice")

    monkeypatch.setattr("app.payments.invoices.render_invoice_pdf", must_not_render)
    assert client.get(_url(payment), headers=factory.headers(customer)).data == first
    assert db.session.scalar(db.select(db.func.count(Invoice.id))) == 1


def test_invoice_numbers_stay_gapless_when_many_payments_complete_at_once(app, client, factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=4, seats_per_row=10)
    showtime = factory.showtime(screen, factory.movie())
    buyers = [factory.user() for _ in range(12)]
    bookings = [pending_booking(factory, buyer, seats=1, showtime=showtime) for buyer in buyers]
    # Plain values only: the threads have no access to this thread's session.
    attempts = [(booking.id, factory.headers(buyer)) for booking, buyer in zip(bookings, buyers,
                                                                               strict=True)]
    start = threading.Barrier(len(attempts))
    statuses = []

    def pay(booking_id: int, headers: dict) -> None:
        start.wait()
        statuses.append(app.test_client().post("/api/payments/process", headers=headers, json={
            "booking_id": booking_id, "payment_method": "pm_card_visa"}).status_code)

    threads = [threading.Thread(target=pay, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 12
    db.session.expire_all()
    sequences = db.session.scalars(
        db.select(Invoice.sequence).where(Invoice.cinema_id == cinema.id).order_by(Invoice.sequence)
    ).all()
    assert sequences == list(range(1, 13))


def test_racing_issuers_give_each_payment_one_invoice_and_the_series_no_gaps(app, factory):
    cinema = factory.cinema()
    customer = factory.user()
    payments = []
    for _ in range(6):
        booking = pending_booking(factory, customer, seats=1, cinema=cinema)
        booking.status = "confirmed"
        payment = Payment(booking_id=booking.id, user_id=customer.id, amount_minor=1000,
                          currency="GBP", provider="sandbox", status="succeeded")
        db.session.add(payment)
        db.session.commit()
        payments.append(payment.id)
    start = threading.Barrier(len(payments) * 2)

    def issue(payment_id: int) -> None:
        with app.app_context():
            start.wait()
            issue_invoice(payment_id)

    threads = [threading.Thread(target=issue, args=(pid,)) for pid in payments * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    db.session.expire_all()
    rows = db.session.execute(db.select(Invoice.payment_id, Invoice.sequence)
                              .where(Invoice.cinema_id == cinema.id)).all()
    assert sorted(pid for pid, _ in rows) == sorted(payments)
    assert sorted(seq for _, seq in rows) == list(range(1, 7))


def test_no_invoice_for_an_unpaid_payment_and_others_cannot_read_it(client, factory):
    customer, stranger = factory.user(), factory.user()
    booking = pending_booking(factory, customer)
    declined = client.post("/api/payments/process", headers=factory.headers(customer), json={
        "booking_id": booking.id, "payment_method": "pm_card_chargeDeclined"}).json
    payment_id = declined["errors"]["payment_id"]
    assert client.get(f"/api/payments/{payment_id}/invoice",
                      headers=factory.headers(customer)).status_code == 409
    _, paid = paid_booking(client, factory, customer)
    assert client.get(_url(paid), headers=factory.headers(stranger)).status_code == 404
    assert client.get(_url(paid) + "?number=CN-nope", headers=factory.headers(customer)
                      ).status_code == 404
    assert db.session.get(Payment, payment_id).status == "failed"
