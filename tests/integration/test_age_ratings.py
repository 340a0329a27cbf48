"""Age ratings at the point of sale: a child ticket for a film rated above the child age."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import AgeRating, Booking


@pytest.fixture
def adult_film(factory):
    db.session.add(AgeRating(code="18", name="18", min_age=18))
    db.session.commit()
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=1, seats_per_row=4)
    showtime = factory.showtime(screen, factory.movie(rating="18"))
    return {"cinema": cinema, "showtime": showtime, "seats": [s.id for s in factory.seats(screen)],
            "staff": factory.user("staff", cinemas=[cinema.id]), "customer": factory.user("customer")}


def hold(client, factory, user, venue, seat, ticket_type="child", **extra):
    return client.post("/api/bookings/hold", headers=factory.headers(user), json={
        "showtime_id": venue["showtime"].id, "seat_ids": [seat], "ticket_types": {str(seat): ticket_type},
        **extra})


def test_a_child_ticket_for_an_18_film_is_refused_at_hold(client, factory, adult_film):
    refused = hold(client, factory, adult_film["customer"], adult_film, adult_film["seats"][0])
    assert refused.status_code == 422, refused.json
    assert refused.json["reason"] == "child_ticket_age_rating"
    assert refused.json["errors"]["film_min_age"] == 18
    # an adult ticket for the same film is sold
    assert hold(client, factory, adult_film["customer"], adult_film, adult_film["seats"][0],
                "adult").status_code == 201


def test_only_staff_confirm_an_id_check_and_only_where_the_cinema_allows_it(client, factory, adult_film):
    seat = adult_film["seats"][0]
    claimed = hold(client, factory, adult_film["customer"], adult_film, seat, id_checked=True)
    assert claimed.status_code == 403 and claimed.json["reason"] == "id_check_staff_only"
    not_allowed = hold(client, factory, adult_film["staff"], adult_film, seat, id_checked=True)
    assert not_allowed.status_code == 422 and not_allowed.json["reason"] == "id_check_not_allowed"

    adult_film["cinema"].id_check_allowed = True
    db.session.commit()
    unchecked = hold(client, factory, adult_film["staff"], adult_film, seat)
    assert unchecked.status_code == 422 and unchecked.json["reason"] == "child_ticket_age_rating"
    held = hold(client, factory, adult_film["staff"], adult_film, seat, id_checked=True)
    assert held.status_code == 201, held.json
    booked = client.post("/api/bookings", json={"hold_id": held.json["hold_id"]},
                         headers=factory.headers(adult_film["staff"]))
    assert booked.status_code == 201, booked.json
    assert booked.json["id_checked_by_id"] == adult_film["staff"].id and booked.json["id_checked_at"]
    assert booked.json["seats"][0]["ticket_type"] == "child"


def test_the_booking_checks_the_rating_again(client, factory, adult_film):
    seat = adult_film["seats"][0]
    factory.rating("PG-13")
    adult_film["showtime"].movie.age_rating = "PG-13"
    db.session.commit()
    held = hold(client, factory, adult_film["customer"], adult_film, seat)
    assert held.status_code == 201, held.json
    # the film is re-rated 18 between the hold and the booking
    adult_film["showtime"].movie.age_rating = "18"
    db.session.commit()
    refused = client.post("/api/bookings", json={"hold_id": held.json["hold_id"]},
                          headers=factory.headers(adult_film["customer"]))
    assert refused.status_code == 422 and refused.json["reason"] == "child_ticket_age_rating"
    assert db.session.query(Booking).count() == 0


def test_managers_set_the_child_age_and_id_checks_of_their_cinema(client, factory, adult_film):
    cinema = adult_film["cinema"]
    manager = factory.user("manager", cinemas=[cinema.id])
    etag = client.get(f"/api/cinemas/{cinema.id}", headers=factory.headers(manager)).headers["ETag"]
    changed = client.put(f"/api/cinemas/{cinema.id}",
                         json={"child_ticket_max_age": 11, "id_check_allowed": True},
                         headers={**factory.headers(manager), "If-Match": etag})
    assert changed.status_code == 200, changed.json
    assert (changed.json["child_ticket_max_age"], changed.json["id_check_allowed"]) == (11, True)
