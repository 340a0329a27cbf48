"""Cinemas: validation, roles (managers only at their own cinema), ETag / If-Match, archiving."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Booking, Cinema, Screen, Showtime

LONDON = {
    "name": "CinemaOS Soho", "address": "5 Dean Street", "city": "London", "postal_code": "W1D 3RQ",
    "country": "GB", "timezone": "Europe/London", "currency": "GBP", "tax_rate": "0.2",
    "cleaning_buffer_minutes": 25,
    "opening_hours": {"mon": {"open": "10:00", "close": "23:30"},
                      "sat": {"open": "09:30", "close": "01:00"}, "sun": None},
}


@pytest.fixture
def admin(factory):
    return factory.headers(factory.user("admin"))


def test_admin_opens_a_cinema_everyone_reads_it(client, factory, admin):
    created = client.post("/api/cinemas", json=LONDON, headers=admin)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["address"] == "5 Dean Street" and body["timezone"] == "Europe/London"
    assert body["tax_rate"] == "0.2" and body["currency"] == "GBP"
    assert body["opening_hours"] == {"mon": {"open": "10:00", "close": "23:30"},
                                     "sat": {"open": "09:30", "close": "01:00"}}
    assert body["cleaning_buffer_minutes"] == 25

    for headers in ({}, factory.headers(factory.user("customer"))):
        read = client.get(f"/api/cinemas/{body['id']}", headers=headers)
        assert read.status_code == 200 and read.json == body
        assert read.headers["ETag"]
    listed = client.get("/api/cinemas").json
    assert listed["total"] == 1 and listed["items"][0]["name"] == "CinemaOS Soho"
    assert client.post("/api/cinemas", json=LONDON, headers=admin).status_code == 409


@pytest.mark.parametrize("change, field", [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": "GMT+1"}, "timezone"),
    ({"currency": "pounds"}, "currency"),
    ({"tax_rate": "1.5"}, "tax_rate"),
    ({"tax_rate": "-0.1"}, "tax_rate"),
    ({"tax_rate": "0.123456"}, "tax_rate"),
    ({"cleaning_buffer_minutes": 500}, "cleaning_buffer_minutes"),
    ({"opening_hours": {"someday": {"open": "10:00", "close": "22:00"}}}, "opening_hours"),
    ({"opening_hours": {"mon": {"open": "25:00", "close": "22:00"}}}, "opening_hours"),
    ({"opening_hours": {"mon": {"open": "10:00"}}}, "opening_hours"),
    ({"price_multiplier_min": "1.5", "price_multiplier_max": "1.2"}, "price_multiplier_min"),
    ({"name": ""}, "name"),
])
def test_invalid_cinemas_are_422(client, admin, change, field):
    response = client.post("/api/cinemas", json={**LONDON, **change}, headers=admin)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_roles_for_cinemas(client, factory, admin):
    cinema = factory.cinema()
    other = factory.cinema()
    etag = client.get(f"/api/cinemas/{cinema.id}").headers["ETag"]
    own_manager = factory.headers(factory.user("manager", cinemas=[cinema]))
    other_manager = factory.headers(factory.user("manager", cinemas=[other]))
    staff = factory.headers(factory.user("staff", cinemas=[cinema]))
    customer = factory.headers(factory.user("customer"))
    url = f"/api/cinemas/{cinema.id}"

    assert client.post("/api/cinemas", json=LONDON).status_code == 401
    for headers in (customer, staff, own_manager):
        assert client.post("/api/cinemas", json=LONDON, headers=headers).status_code == 403
    for headers, status in ((customer, 403), (staff, 403), (other_manager, 403), ({}, 401)):
        response = client.put(url, json={"city": "Leeds"}, headers={**headers, "If-Match": etag})
        assert response.status_code == status
    assert client.delete(url, headers={**own_manager, "If-Match": etag}).status_code == 403

    changed = client.put(url, json={"city": "Leeds", "tax_rate": 0.05},
                         headers={**own_manager, "If-Match": etag})
    assert changed.status_code == 200, changed.json
    assert changed.json["city"] == "Leeds" and changed.json["tax_rate"] == "0.05"
    assert changed.json["timezone"] == "Europe/London"  # left out, kept


def test_stale_if_match_is_412_and_missing_is_428(client, factory, admin):
    cinema = factory.cinema()
    url = f"/api/cinemas/{cinema.id}"
    etag = client.get(url).headers["ETag"]
    assert client.put(url, json={"city": "York"}, headers=admin).status_code == 428
    first = client.put(url, json={"city": "York"}, headers={**admin, "If-Match": etag})
    assert first.status_code == 200
    stale = client.put(url, json={"city": "Hull"}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(url).json["city"] == "York"
    assert client.delete(url, headers={**admin, "If-Match": etag}).status_code == 412


def test_closing_a_cinema_with_booked_shows_is_409_else_archived(client, factory, admin):
    cinema = factory.cinema()
    screen = factory.screen(cinema)
    showtime = factory.showtime(screen, factory.movie())
    booking = Booking(reference="ABC-123", user_id=factory.user().id, showtime_id=showtime.id,
                      status="pending_payment", currency="GBP")
    db.session.add(booking)
    db.session.commit()
    url = f"/api/cinemas/{cinema.id}"

    refused = client.delete(url, headers={**admin, "If-Match": client.get(url).headers["ETag"]})
    assert refused.status_code == 409 and refused.json["errors"]["showtime_ids"] == [showtime.id]

    booking.status = "expired"
    db.session.commit()
    closed = client.delete(url, headers={**admin, "If-Match": client.get(url).headers["ETag"]})
    assert closed.status_code == 204
    db.session.expire_all()
    assert db.session.get(Cinema, cinema.id).archived_at is not None
    assert db.session.get(Screen, screen.id).archived_at is not None
    assert db.session.get(Showtime, showtime.id).status == "cancelled"
    assert client.get("/api/cinemas").json["total"] == 0
    assert client.get("/api/cinemas?include_archived=true").json["total"] == 1


def test_cinema_list_is_paginated_and_filtered(client, factory):
    for i in range(7):
        factory.cinema(name=f"Cinema {i:02d}", city="Leeds" if i % 2 else "York")
    page = client.get("/api/cinemas?page=2&page_size=3").json
    assert [c["name"] for c in page["items"]] == ["Cinema 03", "Cinema 04", "Cinema 05"]
    assert (page["total"], page["pages"], page["page"]) == (7, 3, 2)
    assert client.get("/api/cinemas?city=leeds").json["total"] == 3
