"""Screens and seat layouts: CRUD, roles, layouts that round-trip, sold seats that stay."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Booking, BookingSeat, Screen, Seat, Showtime

LAYOUT = {"rows": [
    {"label": "A", "seats": 8, "aisles_after": [2, 6], "wheelchair": [1, 8], "companion": [2, 7]},
    {"label": "B", "seats": 10, "aisles_after": [2, 8], "blocked": [5]},
    {"label": "C", "seats": 10, "aisles_after": [2, 8], "category": "premium",
     "categories": {"5": "vip", "6": "vip"}},
    {"label": "D", "seats": 6, "offset": 2, "category": "love_seat"},
]}


@pytest.fixture
def setup(factory):
    cinema = factory.cinema()
    manager = factory.user("manager", cinemas=[cinema])
    return {"cinema": cinema, "manager": factory.headers(manager),
            "admin": factory.headers(factory.user("admin"))}


def _new_screen(client, setup, **body):
    response = client.post(f"/api/cinemas/{setup['cinema'].id}/screens",
                           json={"name": "Screen 1", "formats": ["2D", "IMAX"], **body},
                           headers=setup["manager"])
    assert response.status_code == 201, response.json
    return response.json


def test_manager_adds_and_changes_screens_of_their_cinema(client, factory, setup):
    screen = _new_screen(client, setup, hearing_loop=True)
    assert screen["capacity"] == 0 and screen["formats"] == ["2D", "IMAX"]
    assert screen["wheelchair_accessible"] is True and screen["hearing_loop"] is True
    url = f"/api/screens/{screen['id']}"
    etag = client.get(url).headers["ETag"]

    changed = client.put(url, json={"formats": ["2D", "3D", "4DX"]},
                         headers={**setup["manager"], "If-Match": etag})
    assert changed.status_code == 200 and changed.json["name"] == "Screen 1"
    stale = client.put(url, json={"name": "X"}, headers={**setup["manager"], "If-Match": etag})
    assert stale.status_code == 412
    listed = client.get(f"/api/cinemas/{setup['cinema'].id}/screens").json
    assert listed["total"] == 1 and listed["items"][0]["formats"] == ["2D", "3D", "4DX"]

    assert client.post(f"/api/cinemas/{setup['cinema'].id}/screens", json={"name": "Screen 1"},
                       headers=setup["manager"]).status_code == 409
    assert client.post(f"/api/cinemas/{setup['cinema'].id}/screens",
                       json={"name": "S", "formats": ["8K"]}, headers=setup["manager"]).status_code == 422
    assert client.get("/api/cinemas/999/screens").status_code == 404


def test_only_managers_of_the_cinema_and_admins_manage_screens(client, factory, setup):
    screen = _new_screen(client, setup)
    other_manager = factory.headers(factory.user("manager", cinemas=[factory.cinema()]))
    staff = factory.headers(factory.user("staff", cinemas=[setup["cinema"]]))
    customer = factory.headers(factory.user("customer"))
    etag = client.get(f"/api/screens/{screen['id']}").headers["ETag"]
    for headers, status in ((other_manager, 403), (staff, 403), (customer, 403), ({}, 401)):
        assert client.post(f"/api/cinemas/{setup['cinema'].id}/screens", json={"name": "S2"},
                           headers=headers).status_code == status
        assert client.put(f"/api/screens/{screen['id']}", json={"name": "S3"},
                          headers={**headers, "If-Match": etag}).status_code == status
        assert client.put(f"/api/screens/{screen['id']}/seats", json=LAYOUT,
                          headers=headers).status_code == status
        assert client.delete(f"/api/screens/{screen['id']}",
                             headers={**headers, "If-Match": etag}).status_code == status
    for headers in ({}, customer):
        assert client.get(f"/api/screens/{screen['id']}/seats", headers=headers).status_code == 200
    assert client.put(f"/api/screens/{screen['id']}/seats", json=LAYOUT,
                      headers=setup["admin"]).status_code == 200


def test_layout_round_trips_with_coordinates(client, setup):
    screen = _new_screen(client, setup)
    url = f"/api/screens/{screen['id']}/seats"
    put = client.put(url, json=LAYOUT, headers=setup["manager"])
    assert put.status_code == 200, put.json
    got = client.get(url)
    assert got.json == put.json
    seat_map = got.json
    assert seat_map["layout"] == LAYOUT
    assert seat_map["capacity"] == 8 + 9 + 10 + 6
    assert seat_map["grid"] == {"rows": 4, "columns": 12}
    seats = {s["label"]: s for s in seat_map["seats"]}
    assert len(seats) == 34
    assert (seats["A1"]["grid_row"], seats["A1"]["grid_col"]) == (0, 0)
    assert seats["A3"]["grid_col"] == 3  # an aisle after A2
    assert seats["A8"]["grid_col"] == 9  # two aisles
    assert seats["A1"]["category"] == "wheelchair" and seats["A1"]["is_wheelchair"]
    assert seats["A2"]["category"] == "companion" and seats["A2"]["is_companion"]
    assert seats["B5"]["is_blocked"] and not seats["B4"]["is_blocked"]
    assert seats["C5"]["category"] == "vip" and seats["C4"]["category"] == "premium"
    assert seats["D1"]["grid_col"] == 2 and seats["D1"]["category"] == "love_seat"
    assert client.get(f"/api/screens/{screen['id']}").json["capacity"] == 33


@pytest.mark.parametrize("layout", [
    {"rows": []},
    {},
    {"rows": [{"label": "A", "seats": 0}]},
    {"rows": [{"label": "A", "seats": 500}]},
    {"rows": [{"label": "A", "seats": "ten"}]},
    {"rows": [{"label": "A", "seats": 10}, {"label": "a", "seats": 10}]},
    {"rows": [{"label": "A B", "seats": 10}]},
    {"rows": [{"label": "A", "seats": 10, "wheelchair": [11]}]},
    {"rows": [{"label": "A", "seats": 10, "aisles_after": ["x"]}]},
    {"rows": [{"label": "A", "seats": 10, "wheelchair": [3], "companion": [3]}]},
    {"rows": [{"label": "A", "seats": 10, "category": "sofa"}]},
    {"rows": [{"label": "A", "seats": 10, "categories": {"2": "throne"}}]},
    {"rows": [{"label": "A", "seats": 10, "categories": {"12": "vip"}}]},
    {"rows": [{"label": "A", "seats": 10, "colour": "red"}]},
])
def test_bad_layouts_are_422(client, setup, layout):
    screen = _new_screen(client, setup)
    response = client.put(f"/api/screens/{screen['id']}/seats", json=layout, headers=setup["manager"])
    assert response.status_code == 422, response.json
    assert response.json["reason"] == "invalid"


def _sell(factory, screen_id: int, seat_labels: list[str]) -> Showtime:
    screen = db.session.get(Screen, screen_id)
    showtime = factory.showtime(screen, factory.movie())
    booking = Booking(reference=f"S{showtime.id}", user_id=factory.user().id,
                      showtime_id=showtime.id, status="confirmed", currency="GBP")
    db.session.add(booking)
    db.session.flush()
    for seat in db.session.scalars(db.select(Seat).where(Seat.screen_id == screen_id, Seat.active)):
        if seat.label in seat_labels:
            db.session.add(BookingSeat(booking_id=booking.id, showtime_id=showtime.id, seat_id=seat.id,
                                       category=seat.category, price_minor=1000))
    db.session.commit()
    return showtime


def test_a_layout_change_never_loses_sold_seats(client, factory, setup):
    screen = _new_screen(client, setup)
    url = f"/api/screens/{screen['id']}/seats"
    built = client.put(url, json=LAYOUT, headers=setup["manager"]).json
    ids_before = {s["label"]: s["id"] for s in built["seats"]}
    _sell(factory, screen["id"], ["D6", "C3"])

    shorter = {"rows": [*LAYOUT["rows"][:3], {"label": "D", "seats": 4}]}
    refused = client.put(url, json=shorter, headers=setup["manager"])
    assert refused.status_code == 409
    assert refused.json["errors"]["seats"] == ["D6"]
    blocking = {"rows": [*LAYOUT["rows"][:2], {**LAYOUT["rows"][2], "blocked": [3]}, LAYOUT["rows"][3]]}
    assert client.put(url, json=blocking, headers=setup["manager"]).status_code == 409
    assert client.get(url).json["layout"] == LAYOUT  # nothing changed

    # Recategorising sold seats and dropping unsold ones is fine; kept seats keep their ids.
    regrouped = {"rows": [
        {"label": "A", "seats": 8, "aisles_after": [2, 6], "wheelchair": [1, 8], "companion": [2, 7]},
        {"label": "C", "seats": 10, "aisles_after": [2, 8], "category": "vip"},
        {"label": "D", "seats": 6, "offset": 2, "category": "love_seat"},
    ]}
    changed = client.put(url, json=regrouped, headers=setup["manager"])
    assert changed.status_code == 200, changed.json
    after = {s["label"]: s for s in changed.json["seats"]}
    assert after["C3"]["id"] == ids_before["C3"] and after["C3"]["category"] == "vip"
    assert after["C3"]["grid_row"] == 1
    assert "B1" not in after and changed.json["capacity"] == 24
    assert db.session.scalar(db.select(db.func.count()).select_from(Seat).where(
        Seat.screen_id == screen["id"], Seat.active.is_(False))) == 0  # unsold B seats deleted


def test_seats_of_past_bookings_are_retired_not_deleted(client, factory, setup):
    screen = _new_screen(client, setup)
    url = f"/api/screens/{screen['id']}/seats"
    client.put(url, json={"rows": [{"label": "A", "seats": 4}]}, headers=setup["manager"])
    showtime = _sell(factory, screen["id"], ["A4"])
    showtime.status = "cancelled"
    db.session.commit()
    changed = client.put(url, json={"rows": [{"label": "A", "seats": 3}]}, headers=setup["manager"])
    assert changed.status_code == 200
    retired = db.session.scalars(db.select(Seat).where(Seat.screen_id == screen["id"],
                                                       Seat.active.is_(False))).all()
    assert [s.label for s in retired] == ["A4"]


def test_layout_if_match_is_optional_but_checked(client, setup):
    screen = _new_screen(client, setup)
    url = f"/api/screens/{screen['id']}/seats"
    etag = client.get(url).headers["ETag"]
    first = client.put(url, json={"rows": [{"label": "A", "seats": 4}]},
                       headers={**setup["manager"], "If-Match": etag})
    assert first.status_code == 200
    stale = client.put(url, json={"rows": [{"label": "A", "seats": 5}]},
                       headers={**setup["manager"], "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(url).headers["ETag"] != etag


def test_retiring_a_screen(client, factory, setup):
    screen = _new_screen(client, setup)
    url = f"/api/screens/{screen['id']}"
    client.put(f"{url}/seats", json=LAYOUT, headers=setup["manager"])
    sold = _sell(factory, screen["id"], ["A3"])
    assert client.delete(url, headers=setup["manager"]).status_code == 428
    refused = client.delete(url, headers={**setup["manager"], "If-Match": client.get(url).headers["ETag"]})
    assert refused.status_code == 409 and refused.json["errors"]["showtime_ids"] == [sold.id]

    db.session.execute(db.update(Booking).values(status="cancelled"))
    db.session.commit()
    deleted = client.delete(url, headers={**setup["manager"], "If-Match": client.get(url).headers["ETag"]})
    assert deleted.status_code == 204
    assert client.get(url).json["archived_at"] is not None
    assert len(client.get(f"{url}/seats").json["seats"]) == 34  # kept for past bookings
    assert client.get(f"/api/cinemas/{setup['cinema'].id}/screens").json["total"] == 0
    assert client.put(f"{url}/seats", json=LAYOUT, headers=setup["manager"]).status_code == 409


def test_a_layout_change_shows_on_the_seat_maps_of_upcoming_showtimes(client, factory, setup):
    screen = _new_screen(client, setup)
    url = f"/api/screens/{screen['id']}/seats"
    client.put(url, json={"rows": [{"label": "A", "seats": 4}]}, headers=setup["manager"])
    showtime = factory.showtime(db.session.get(Screen, screen["id"]), factory.movie())
    seat_map = f"/api/showtimes/{showtime.id}/seats"
    assert len(client.get(seat_map).json["seats"]) == 4  # now cached

    client.put(url, json={"rows": [{"label": "A", "seats": 6}]}, headers=setup["manager"])
    assert len(client.get(seat_map).json["seats"]) == 6
