"""Ticket types, booking fees and tax classes as a cinema's data, priced alike to the minor unit
in a quote, a hold, a booking, its payment and its invoice; a credit note keeps the invoice's rates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.extensions import db
from app.models import AuditEntry, Invoice, TicketType


@pytest.fixture
def venue(factory):
    cinema = factory.cinema(tax_rate=Decimal("0.2"))
    screen = factory.screen(cinema, rows=2, seats_per_row=4)
    showtime = factory.showtime(screen, factory.movie())
    manager = factory.user("manager", cinemas=[cinema])
    return {"cinema": cinema, "showtime": showtime, "seats": [s.id for s in factory.seats(screen)],
            "manager": manager}


def _create(client, factory, venue, path: str, body: dict) -> dict:
    response = client.post(f"/api/cinemas/{venue['cinema'].id}/{path}", json=body,
                           headers=factory.headers(venue["manager"]))
    assert response.status_code == 201, response.json
    return response.json


def _member_and_fees(client, factory, venue) -> dict:
    """A reduced tax class, a "member" ticket type taxed at it, an online fee per order and a
    box-office fee per ticket (which an online sale does not pay), all through the API."""
    reduced = _create(client, factory, venue, "tax-classes",
                      {"code": "reduced", "name": "Reduced rate", "rate": "0.0500"})
    member = _create(client, factory, venue, "ticket-types", {
        "code": "member", "name": "Member", "multiplier": "0.8", "proof_required": "Membership card",
        "channels": ["online"], "tax_class_id": reduced["id"], "sort_order": 10})
    online_fee = _create(client, factory, venue, "fees", {
        "name": "Online booking fee", "amount_minor": 75, "per": "order", "channel": "online"})
    _create(client, factory, venue, "fees",
            {"name": "Counter fee", "amount_minor": 50, "per": "ticket", "channel": "box_office"})
    return {"reduced": reduced, "member": member, "online_fee": online_fee}


def test_a_new_ticket_type_and_fee_price_alike_to_the_minor_unit_and_a_credit_note_keeps_the_rates(
        client, factory, venue):
    made = _member_and_fees(client, factory, venue)
    assert made["member"]["multiplier"] == "0.8000"
    assert made["member"]["tax_class_id"] == made["reduced"]["id"]
    listed = client.get(f"/api/cinemas/{venue['cinema'].id}/ticket-types").json  # public
    assert [t["code"] for t in listed] == ["adult", "child", "senior", "student", "member"]
    customer = factory.user()
    headers = factory.headers(customer)
    member_seat, adult_seat = venue["seats"][:2]
    # 1000 x 0.8 = 800 (taxed at 5 %), 1000 adult and the 75 fee (taxed at the standard 20 %)
    expected_taxes = [{"rate": "0.0500", "gross_minor": 800, "tax_minor": 38},
                      {"rate": "0.2000", "gross_minor": 1075, "tax_minor": 179}]

    quote = client.post("/api/pricing/calculate", json={
        "showtime_id": venue["showtime"].id,
        "seats": [{"seat_id": member_seat, "ticket_type": "member"}, {"seat_id": adult_seat}]}).json
    assert [line["final_minor"] for line in quote["lines"]] == [800, 1000]
    assert [(fee["name"], fee["amount_minor"]) for fee in quote["fees"]] == [("Online booking fee", 75)]
    assert (quote["subtotal_minor"], quote["fees_minor"], quote["total_minor"]) == (1875, 75, 1875)
    assert quote["taxes"] == expected_taxes and quote["tax_minor"] == 217

    hold = client.post("/api/bookings/hold", headers=headers, json={
        "showtime_id": venue["showtime"].id, "seat_ids": [member_seat, adult_seat],
        "ticket_types": {str(member_seat): "member"}})
    assert hold.status_code == 201, hold.json
    assert [(s["ticket_type"], s["price_minor"]) for s in hold.json["seats"]] == [
        ("member", 800), ("adult", 1000)]
    assert hold.json["fees"] == [{"fee_id": made["online_fee"]["id"], "name": "Online booking fee",
                                  "quantity": 1, "amount_minor": 75, "tax_class_id": None}]
    assert (hold.json["total_minor"], hold.json["sales_channel"]) == (1875, "online")

    booking = client.post("/api/bookings", headers=headers, json={"hold_id": hold.json["hold_id"]})
    assert booking.status_code == 201, booking.json
    assert (booking.json["subtotal_minor"], booking.json["total_minor"]) == (1875, 1875)
    assert [fee["amount_minor"] for fee in booking.json["fees"]] == [75]

    paid = client.post("/api/payments/process", headers=headers,
                       json={"booking_id": booking.json["id"], "payment_method": "pm_card_visa"})
    assert paid.status_code == 200, paid.json
    assert paid.json["amount_minor"] == 1875
    payment_id = paid.json["id"]
    invoice = client.get(f"/api/payments/{payment_id}/invoice",
                         headers={**headers, "Accept": "application/json"}).json
    assert [(line.get("ticket_type"), line["amount_minor"], line["tax_rate"])
            for line in invoice["lines"]] == [
        ("member", 800, "0.0500"), ("adult", 1000, "0.2000"), (None, 75, "0.2000")]
    assert invoice["lines"][2]["description"] == "Online booking fee"
    assert invoice["taxes"] == expected_taxes
    assert (invoice["total_minor"], invoice["tax_minor"], invoice["net_minor"]) == (1875, 217, 1658)

    # The rates change: the reduced class through the API, the standard rate of the cinema too.
    changed = client.patch(f"/api/cinemas/{venue['cinema'].id}/tax-classes/{made['reduced']['id']}",
                           json={"rate": "0.1000"}, headers=factory.headers(venue["manager"]))
    assert changed.status_code == 200 and changed.json["rate"] == "0.1000"
    venue["cinema"].tax_rate = Decimal("0.25")
    db.session.commit()

    refund = client.post("/api/payments/refund", headers=headers, json={"booking_id": booking.json["id"]})
    assert refund.status_code == 201, refund.json
    assert refund.json["amount_minor"] == 1875  # the fee goes back with the whole booking
    note = db.session.scalar(db.select(Invoice).where(Invoice.kind == "credit_note"))
    assert [(line.get("ticket_type"), line["amount_minor"], line["tax_rate"]) for line in note.lines] == [
        ("member", -800, "0.0500"), ("adult", -1000, "0.2000"), (None, -75, "0.2000")]
    assert note.taxes == [{"rate": "0.0500", "gross_minor": -800, "tax_minor": -38},
                          {"rate": "0.2000", "gross_minor": -1075, "tax_minor": -179}]
    assert (note.total_minor, note.tax_minor) == (-1875, -217)
    # What a new sale would pay now, at the new rates.
    requote = client.post("/api/pricing/calculate", json={
        "showtime_id": venue["showtime"].id,
        "seats": [{"seat_id": member_seat, "ticket_type": "member"}]}).json
    assert requote["taxes"] == [{"rate": "0.1000", "gross_minor": 800, "tax_minor": 73},
                                {"rate": "0.2500", "gross_minor": 75, "tax_minor": 15}]


def test_the_box_office_pays_its_own_fees_and_sells_only_its_ticket_types(client, factory, venue):
    _member_and_fees(client, factory, venue)
    quote = client.post("/api/pricing/calculate", json={
        "showtime_id": venue["showtime"].id, "sales_channel": "box_office",
        "seats": [{"seat_id": venue["seats"][0]},
                  {"seat_id": venue["seats"][1], "ticket_type": "child"}]}).json
    assert [(fee["name"], fee["quantity"], fee["amount_minor"]) for fee in quote["fees"]] == [
        ("Counter fee", 2, 100)]
    assert quote["total_minor"] == 1000 + 750 + 100
    refused = client.post("/api/pricing/calculate", json={
        "showtime_id": venue["showtime"].id, "sales_channel": "box_office",
        "seats": [{"seat_id": venue["seats"][0], "ticket_type": "member"}]})
    assert refused.status_code == 422 and refused.json["reason"] == "ticket_type_not_on_channel"
    unknown = client.post("/api/bookings/hold", headers=factory.headers(factory.user()), json={
        "showtime_id": venue["showtime"].id, "seat_ids": [venue["seats"][0]],
        "ticket_types": {str(venue["seats"][0]): "pensioner"}})
    assert unknown.status_code == 422 and unknown.json["reason"] == "unknown_ticket_type"


def test_managers_manage_their_cinemas_ticket_types_with_an_audit_trail(client, factory, venue):
    cinema_id = venue["cinema"].id
    other_manager = factory.user("manager", cinemas=[factory.cinema()])
    body = {"code": "member", "name": "Member", "multiplier": "0.8"}
    assert client.post(f"/api/cinemas/{cinema_id}/ticket-types", json=body,
                       headers=factory.headers(other_manager)).status_code == 403
    assert client.post(f"/api/cinemas/{cinema_id}/ticket-types", json=body,
                       headers=factory.headers(factory.user())).status_code == 403
    created = _create(client, factory, venue, "ticket-types", body)
    taken = client.post(f"/api/cinemas/{cinema_id}/ticket-types", json=body,
                        headers=factory.headers(venue["manager"]))
    assert taken.status_code == 409 and taken.json["reason"] == "code_taken"
    bad = client.post(f"/api/cinemas/{cinema_id}/ticket-types", headers=factory.headers(venue["manager"]),
                      json={"code": "Not A Code", "name": "x", "multiplier": "11"})
    assert bad.status_code == 422 and {"code", "multiplier"} <= set(bad.json["errors"])
    unknown_class = client.post(f"/api/cinemas/{cinema_id}/fees", headers=factory.headers(venue["manager"]),
                                json={"name": "Fee", "amount_minor": 10, "tax_class_id": 999})
    assert unknown_class.status_code == 422 and "tax_class_id" in unknown_class.json["errors"]
    url = f"/api/cinemas/{cinema_id}/ticket-types/{created['id']}"
    renamed_onto_adult = client.patch(url, json={"code": "adult"}, headers=factory.headers(venue["manager"]))
    assert renamed_onto_adult.status_code == 409 and renamed_onto_adult.json["reason"] == "code_taken"
    foreign_class = client.patch(url, json={"tax_class_id": 2147483646},
                                 headers=factory.headers(venue["manager"]))
    assert foreign_class.status_code == 422 and "tax_class_id" in foreign_class.json["errors"]
    patched = client.patch(url, json={"active": False}, headers=factory.headers(venue["manager"]))
    assert patched.status_code == 200 and patched.json["active"] is False
    assert client.delete(url, headers=factory.headers(venue["manager"])).status_code == 204
    assert client.get(url).status_code == 404
    actions = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.subject_type == "ticket_type")
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["ticket_type.created", "ticket_type.updated", "ticket_type.deleted"]
    assert client.get(f"/api/cinemas/{cinema_id}/tax-classes").status_code == 401


def test_the_child_ticket_keeps_the_cinemas_age_limit_as_its_own(client, factory, venue):
    child = db.session.scalar(db.select(TicketType).where(TicketType.cinema_id == venue["cinema"].id,
                                                          TicketType.code == "child"))
    assert child.max_age == 14 and venue["cinema"].child_ticket_max_age == 14
    venue["cinema"].child_ticket_max_age = 11
    db.session.commit()
    assert db.session.get(TicketType, child.id).max_age == 11


def test_the_migration_turns_each_cinemas_ticket_type_rules_and_child_age_into_ticket_types(app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    db.session.remove()
    downgrade(revision="0007_box_office")
    try:
        with db.engine.begin() as conn:
            for name, child_age in (("Old Rex", 12), ("Old Plaza", 14)):
                conn.execute(text(
                    "INSERT INTO cinemas (name, address_line, city, postal_code, country, timezone, currency,"
                    " tax_rate, cleaning_buffer_minutes, opening_hours, prevent_single_seat_gaps,"
                    " refund_cutoff_hours, child_ticket_max_age, id_check_allowed, price_multiplier_min,"
                    " price_multiplier_max) VALUES (:name, '', '', '', 'GB', 'Europe/London', 'GBP', 0.2, 20,"
                    " '{}', false, 2, :age, false, 0.8, 1.3)"), {"name": name, "age": child_age})
            conn.execute(text(
                "INSERT INTO pricing_rules (cinema_id, name, kind, multiplier, conditions, priority, active)"
                " VALUES (NULL, 'Seniors', 'ticket_type', 0.7, '{\"ticket_type\": \"senior\"}', 0, true),"
                " ((SELECT id FROM cinemas WHERE name = 'Old Rex'), 'Kids', 'ticket_type', 0.5,"
                "  '{\"ticket_type\": \"child\"}', 0, true)"))
    finally:
        upgrade()  # the later tests need the schema whatever happened here

    rows = db.session.execute(text(
        "SELECT c.name, t.code, t.multiplier, t.max_age FROM ticket_types t"
        " JOIN cinemas c ON c.id = t.cinema_id ORDER BY c.name, t.sort_order")).all()
    assert [(name, code, str(multiplier), max_age) for name, code, multiplier, max_age in rows] == [
        ("Old Plaza", "adult", "1.0000", None), ("Old Plaza", "child", "0.7500", 14),
        ("Old Plaza", "senior", "0.7000", None), ("Old Plaza", "student", "0.9000", None),
        ("Old Rex", "adult", "1.0000", None), ("Old Rex", "child", "0.5000", 12),
        ("Old Rex", "senior", "0.7000", None), ("Old Rex", "student", "0.9000", None)]
    assert db.session.execute(text("SELECT count(*) FROM pricing_rules")).scalar() == 0
