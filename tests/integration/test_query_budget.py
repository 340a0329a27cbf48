"""The hot paths make a fixed, small number of SQL statements, whatever the number of seats."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.bookings.seatmap import invalidate_seat_map
from app.common.clock import now
from app.extensions import db


@contextmanager
def statements():
    """Collect the SQL statements the app sends while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, params, context, executemany):
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture(params=[False, True], ids=["single_seats_allowed", "single_seats_refused"])
def sale(factory, request):
    """A showtime's id, its seat ids and a customer's headers: plain values, so reading them
    later costs no query of the test's own (the app's commits expire the factory's objects).
    With and without the single-seat rule, which the hold script judges without a query too."""
    screen = factory.screen(factory.cinema(prevent_single_seat_gaps=request.param), rows=2, seats_per_row=8)
    showtime = factory.showtime(screen, factory.movie())
    return showtime.id, [seat.id for seat in factory.seats(screen)], factory.headers(factory.user())


def hold(client, headers, showtime_id, seat_ids):
    response = client.post("/api/bookings/hold", headers=headers,
                           json={"showtime_id": showtime_id, "seat_ids": seat_ids})
    assert response.status_code == 201, response.json
    return response.json


def test_a_hold_reads_no_table_once_the_showtime_is_known(client, sale):
    showtime_id, seat_ids, headers = sale
    hold(client, headers, showtime_id, seat_ids[:2])  # loads the sales context
    with statements() as seen:
        hold(client, headers, showtime_id, seat_ids[2:4])
        hold(client, headers, showtime_id, seat_ids[8:14])
    assert seen == []


def test_a_seat_map_reads_only_the_sold_seats(client, sale):
    showtime_id, _, headers = sale
    client.get(f"/api/showtimes/{showtime_id}/seats")
    invalidate_seat_map(showtime_id)  # as every hold does: the map is built again
    with statements() as seen:
        assert client.get(f"/api/showtimes/{showtime_id}/seats").status_code == 200
    assert seen == ["SELECT"]


@pytest.mark.parametrize("seat_count", [1, 6])
def test_a_confirmation_takes_six_statements_whatever_its_seats(client, sale, seat_count):
    showtime_id, seat_ids, headers = sale
    held = hold(client, headers, showtime_id, seat_ids[:seat_count])
    with statements() as seen:
        booking = client.post("/api/bookings", headers=headers, json={"hold_id": held["hold_id"]})
    assert booking.status_code == 201 and len(booking.json["seats"]) == seat_count
    # lock the showtime (FOR SHARE), write the booking and its seats, read back the answer (the
    # booking, its seats, its booking fees)
    assert seen == ["SELECT", "INSERT", "INSERT", "SELECT", "SELECT", "SELECT"]

    with statements() as seen:
        assert client.get(f"/api/bookings/{booking.json['id']}", headers=headers).status_code == 200
    assert seen == ["SELECT"] * 3  # the booking with showtime, film and screen; its seats; its fees
    with statements() as seen:
        assert client.get("/api/bookings", headers=headers).status_code == 200
    assert seen == ["SELECT"] * 4  # the count, a page of bookings, their seats, their fees


def test_showtime_reads_load_the_film_without_its_genres_and_formats(client, factory):
    screen = factory.screen(factory.cinema(), rows=1, seats_per_row=4)
    showtimes = [factory.showtime(screen, factory.movie(formats=("2D", "3D")),
                                  starts_at=now() + timedelta(days=1, hours=3 * i)) for i in range(3)]
    showtime_id = showtimes[0].id
    db.session.expunge_all()  # as a new request finds it: nothing of it in the session yet
    with statements() as seen:
        assert client.get(f"/api/showtimes/{showtime_id}").json["movie_title"]
    assert seen == ["SELECT"]  # the showtime with its film and screen
    with statements() as seen:
        assert len(client.get("/api/showtimes").json) == 3
    assert seen == ["SELECT", "SELECT"]  # the count and the page, whatever its length


@pytest.mark.parametrize("films", [1, 4])
def test_a_page_of_films_takes_four_statements_whatever_its_length(client, factory, films):
    for index in range(films):
        factory.movie(formats=("2D", "IMAX"), genres=[factory.genre(f"Genre {index}")])
    db.session.expunge_all()
    with statements() as seen:
        page = client.get("/api/movies").json
    assert len(page["items"]) == films and all(film["formats"] == ["2D", "IMAX"] for film in page["items"])
    assert seen == ["SELECT"] * 4  # the count, the page, their genres, their formats
