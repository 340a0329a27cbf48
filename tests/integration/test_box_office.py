"""A box-office shift on PostgreSQL: float, walk-in sales (cash with change, terminal), counter
refund and void, cash-up with a difference, the shift report, and who may do what."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import AgeRating, Booking, Payment


@pytest.fixture
def till(factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=1, seats_per_row=6)
    showtime = factory.showtime(screen, factory.movie())
    return {"cinema": cinema, "showtime": showtime, "seats": [s.id for s in factory.seats(screen)],
            "staff": factory.user("staff", cinemas=[cinema.id]),
            "manager": factory.user("manager", cinemas=[cinema.id])}


def open_shift(client, factory, user, cinema_id, float_minor=10000):
    return client.post("/api/box-office/shifts", headers=factory.headers(user),
                       json={"cinema_id": cinema_id, "opening_float_minor": float_minor})


def sell(client, factory, user, shift_id, showtime_id, seat_ids, tender, **extra):
    return client.post(f"/api/box-office/shifts/{shift_id}/sales", headers=factory.headers(user), json={
        "showtime_id": showtime_id, "seat_ids": seat_ids, "tender": tender, **extra})


def test_a_shift_sells_to_walk_ins_cashes_up_with_a_difference_and_reports_it(client, factory, till):
    staff = till["staff"]
    opened = open_shift(client, factory, staff, till["cinema"].id)
    assert opened.status_code == 201, opened.json
    shift_id = opened.json["id"]
    assert opened.json["status"] == "open" and opened.json["opening_float_minor"] == 10000

    cash = sell(client, factory, staff, shift_id, till["showtime"].id, till["seats"][:2],
                {"method": "cash", "tendered_minor": 5000})
    assert cash.status_code == 201, cash.json
    booking = cash.json["booking"]
    assert booking["status"] == "confirmed" and booking["user_id"] is None
    assert booking["sales_channel"] == "box_office" and booking["sold_by_id"] == staff.id
    assert cash.json["entry"]["amount_minor"] == 2000 and cash.json["entry"]["change_minor"] == 3000
    assert db.session.get(Payment, cash.json["entry"]["payment_id"]).provider == "cash"

    card = sell(client, factory, staff, shift_id, till["showtime"].id, [till["seats"][2]],
                {"method": "terminal", "terminal_reference": "T1-000482"}, customer_email="Guest@Example.com")
    assert card.status_code == 201, card.json
    assert card.json["booking"]["customer_email"] == "guest@example.com"
    assert card.json["entry"]["terminal_reference"] == "T1-000482"
    payment = db.session.get(Payment, card.json["entry"]["payment_id"])
    assert payment.provider == "terminal" and payment.status == "succeeded"

    # the tickets' invoice prints as a PDF for staff of the cinema
    pdf = client.get(f"/api/payments/{payment.id}/invoice", headers=factory.headers(staff))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert card.json["booking"]["reference"] in text and "guest@example.com" in text

    # one seat of the cash sale is refunded in cash; the terminal sale is voided on the terminal
    seat = cash.json["booking"]["seats"][0]
    booking_seat_id = db.session.get(Booking, booking["id"]).seats[0].id
    refund = client.post(f"/api/box-office/shifts/{shift_id}/refunds", headers=factory.headers(staff),
                         json={"booking_id": booking["id"], "booking_seat_ids": [booking_seat_id]})
    assert refund.status_code == 201, refund.json
    assert refund.json["tender"] == "cash" and refund.json["amount_minor"] == seat["price_minor"] == 1000
    void = client.post(f"/api/box-office/shifts/{shift_id}/voids", headers=factory.headers(staff),
                       json={"booking_id": card.json["booking"]["id"]})
    assert void.status_code == 201, void.json
    assert void.json["tender"] == "terminal"
    assert db.session.get(Booking, card.json["booking"]["id"]).status == "cancelled"

    closed = client.post(f"/api/box-office/shifts/{shift_id}/close", json={"counted_cash_minor": 10950},
                         headers=factory.headers(staff))
    assert closed.status_code == 200, closed.json
    assert closed.json["expected_cash_minor"] == 11000  # 10000 float + 2000 cash sale - 1000 cash refund
    assert closed.json["difference_minor"] == -50 and closed.json["status"] == "closed"

    report = client.get(f"/api/box-office/shifts/{shift_id}/report", headers=factory.headers(till["manager"]))
    assert report.status_code == 200, report.json
    body = report.json
    assert body["sales"] == {"cash": {"count": 1, "amount_minor": 2000},
                             "terminal": {"count": 1, "amount_minor": 1000}}
    assert body["refunds"] == {"cash": {"count": 1, "amount_minor": 1000}}
    assert body["voids"] == {"terminal": {"count": 1, "amount_minor": 1000}}
    assert body["change_given_minor"] == 3000
    cash_up = (body["expected_cash_minor"], body["counted_cash_minor"], body["difference_minor"])
    assert cash_up == (11000, 10950, -50)
    assert [e["kind"] for e in body["entries"]] == ["sale", "sale", "refund", "void"]

    # a closed shift takes no more sales
    late = sell(client, factory, staff, shift_id, till["showtime"].id, [till["seats"][3]],
                {"method": "cash", "tendered_minor": 1000})
    assert late.status_code == 409 and late.json["reason"] == "shift_closed"


def test_cash_short_of_the_price_is_refused_and_the_seats_stay_free(client, factory, till):
    shift_id = open_shift(client, factory, till["staff"], till["cinema"].id).json["id"]
    short = sell(client, factory, till["staff"], shift_id, till["showtime"].id, till["seats"][:2],
                 {"method": "cash", "tendered_minor": 1500})
    assert short.status_code == 422 and short.json["reason"] == "tender_too_small"
    incomplete = sell(client, factory, till["staff"], shift_id, till["showtime"].id, till["seats"][:2],
                      {"method": "terminal"})
    assert incomplete.status_code == 422 and incomplete.json["reason"] == "tender_incomplete"
    seats = client.get(f"/api/showtimes/{till['showtime'].id}/seats").json["seats"]
    assert {s["status"] for s in seats} == {"available"}
    again = sell(client, factory, till["staff"], shift_id, till["showtime"].id, till["seats"][:2],
                 {"method": "gateway", "payment_method": "pm_card_visa"})
    assert again.status_code == 201, again.json
    assert db.session.get(Payment, again.json["entry"]["payment_id"]).provider == "sandbox"


def test_a_declined_gateway_card_cancels_the_walk_in_booking(client, factory, till):
    shift_id = open_shift(client, factory, till["staff"], till["cinema"].id).json["id"]
    declined = sell(client, factory, till["staff"], shift_id, till["showtime"].id, [till["seats"][0]],
                    {"method": "gateway", "payment_method": "pm_card_chargeDeclined"})
    assert declined.status_code == 402, declined.json
    assert db.session.query(Booking).one().status == "cancelled"
    assert client.get(f"/api/showtimes/{till['showtime'].id}/seats").json["counts"]["available"] == 6


def test_a_child_ticket_for_an_18_film_needs_an_id_check_at_the_counter(client, factory, till):
    db.session.add(AgeRating(code="18", name="18", min_age=18))
    till["cinema"].id_check_allowed = True
    db.session.commit()
    screen = factory.screen(till["cinema"], rows=1, seats_per_row=2)
    adult_film = factory.showtime(screen, factory.movie(rating="18"))
    shift_id = open_shift(client, factory, till["staff"], till["cinema"].id).json["id"]
    seat = factory.seats(screen)[0].id
    refused = sell(client, factory, till["staff"], shift_id, adult_film.id, [seat],
                   {"method": "cash", "tendered_minor": 1000}, ticket_types={str(seat): "child"})
    assert refused.status_code == 422 and refused.json["reason"] == "child_ticket_age_rating"
    checked = sell(client, factory, till["staff"], shift_id, adult_film.id, [seat],
                   {"method": "cash", "tendered_minor": 1000}, ticket_types={str(seat): "child"},
                   id_checked=True)
    assert checked.status_code == 201, checked.json
    assert checked.json["booking"]["id_checked_by_id"] == till["staff"].id


def test_tills_belong_to_their_staff_and_cinema(client, factory, till):
    other = factory.user("staff", cinemas=[till["cinema"].id])
    stranger = factory.user("staff", cinemas=[factory.cinema().id])
    shift_id = open_shift(client, factory, till["staff"], till["cinema"].id).json["id"]
    again = open_shift(client, factory, till["staff"], till["cinema"].id)
    assert again.status_code == 409 and again.json["reason"] == "shift_already_open"
    assert open_shift(client, factory, stranger, till["cinema"].id).json["reason"] == "cinema_not_assigned"
    tender = {"method": "cash", "tendered_minor": 1000}
    not_theirs = sell(client, factory, other, shift_id, till["showtime"].id, [till["seats"][0]], tender)
    assert not_theirs.status_code == 403 and not_theirs.json["reason"] == "shift_not_yours"
    assert sell(client, factory, stranger, shift_id, till["showtime"].id, [till["seats"][0]],
                tender).json["reason"] == "cinema_not_assigned"
    by_manager = sell(client, factory, till["manager"], shift_id, till["showtime"].id, [till["seats"][0]],
                      tender)
    assert by_manager.status_code == 201, by_manager.json
    listed = client.get(f"/api/box-office/shifts?cinema_id={till['cinema'].id}",
                        headers=factory.headers(other))
    assert [s["id"] for s in listed.json] == [shift_id]
    assert client.get("/api/box-office/shifts", headers=factory.headers(stranger)).json == []


def test_cash_goes_back_only_from_a_till_so_every_drawer_balances(client, factory, till):
    staff = till["staff"]
    shift_id = open_shift(client, factory, staff, till["cinema"].id).json["id"]
    sale = sell(client, factory, staff, shift_id, till["showtime"].id, till["seats"][:2],
                {"method": "cash", "tendered_minor": 2000}).json
    booking_id = sale["booking"]["id"]
    elsewhere = client.post("/api/payments/refund", json={"booking_id": booking_id},
                            headers=factory.headers(staff))
    assert elsewhere.status_code == 409 and elsewhere.json["reason"] == "refund_at_counter"
    # cancelled by staff: the seats are free and the cash stays due until a till gives it back
    cancelled = client.delete(f"/api/bookings/{booking_id}", headers=factory.headers(staff))
    assert cancelled.status_code == 200, cancelled.json
    booking = db.session.get(Booking, booking_id)
    assert (booking.status, booking.refund_due_minor, booking.refunded_minor) == ("cancelled", 2000, 0)
    refund = client.post(f"/api/box-office/shifts/{shift_id}/refunds", json={"booking_id": booking_id},
                         headers=factory.headers(staff))
    assert refund.status_code == 201, refund.json
    assert (refund.json["tender"], refund.json["amount_minor"]) == ("cash", 2000)
    report = client.get(f"/api/box-office/shifts/{shift_id}/report", headers=factory.headers(staff)).json
    assert report["expected_cash_minor"] == 10000


def test_a_sale_retried_with_its_idempotency_key_sells_once(client, factory, till):
    staff = till["staff"]
    shift_id = open_shift(client, factory, staff, till["cinema"].id).json["id"]
    request = {"showtime_id": till["showtime"].id, "seat_ids": till["seats"][:1],
               "tender": {"method": "terminal", "terminal_reference": "T1-7"}}
    headers = {**factory.headers(staff), "Idempotency-Key": "sale-1"}
    first = client.post(f"/api/box-office/shifts/{shift_id}/sales", json=request, headers=headers)
    again = client.post(f"/api/box-office/shifts/{shift_id}/sales", json=request, headers=headers)
    assert first.status_code == again.status_code == 201, (first.json, again.json)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["booking"]["id"] == first.json["booking"]["id"]
    assert db.session.query(Booking).count() == 1


def test_a_cash_up_waits_for_a_sale_in_progress_so_its_cash_is_counted(app, client, factory, till,
                                                                      monkeypatch):
    """The sale's payment is slow (a terminal, a gateway): a cash-up asked for meanwhile waits
    for it and counts its cash, instead of closing the drawer with the sale outside it."""
    import threading

    from app.boxoffice import sales

    staff = till["staff"]
    shift_id = open_shift(client, factory, staff, till["cinema"].id).json["id"]
    paying, go_on = threading.Event(), threading.Event()
    take_payment = sales._take_payment

    def slow_payment(*args, **kwargs):
        paying.set()
        assert go_on.wait(10)
        return take_payment(*args, **kwargs)

    monkeypatch.setattr(sales, "_take_payment", slow_payment)
    answers, headers = {}, factory.headers(staff)
    showtime_id, seat_ids = till["showtime"].id, till["seats"][:1]

    def sale():
        answers["sale"] = app.test_client().post(
            f"/api/box-office/shifts/{shift_id}/sales", headers=headers,
            json={"showtime_id": showtime_id, "seat_ids": seat_ids,
                  "tender": {"method": "cash", "tendered_minor": 1000}})

    def cash_up():
        answers["cash_up"] = app.test_client().post(f"/api/box-office/shifts/{shift_id}/close",
                                                    headers=headers, json={"counted_cash_minor": 11000})

    seller = threading.Thread(target=sale)
    seller.start()
    assert paying.wait(10), answers
    counter = threading.Thread(target=cash_up)
    counter.start()
    counter.join(0.5)
    assert counter.is_alive(), "the cash-up closed the drawer while a sale was being paid"
    go_on.set()
    seller.join(10)
    counter.join(10)
    assert answers["sale"].status_code == 201, answers["sale"].json
    assert answers["cash_up"].status_code == 200, answers["cash_up"].json
    assert answers["cash_up"].json["expected_cash_minor"] == 11000
    assert answers["cash_up"].json["difference_minor"] == 0


def test_a_sale_after_the_cash_up_is_refused_before_any_money_is_taken(client, factory, till):
    staff = till["staff"]
    shift_id = open_shift(client, factory, staff, till["cinema"].id).json["id"]
    closed = client.post(f"/api/box-office/shifts/{shift_id}/close", headers=factory.headers(staff),
                         json={"counted_cash_minor": 10000})
    assert closed.status_code == 200, closed.json
    late = sell(client, factory, staff, shift_id, till["showtime"].id, till["seats"][:1],
                {"method": "cash", "tendered_minor": 1000})
    assert late.status_code == 409 and late.json["reason"] == "shift_closed"
    assert db.session.scalar(db.select(db.func.count(Payment.id))) == 0
