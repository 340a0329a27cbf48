"""Showtime edits, conflict detection and schedule views on real PostgreSQL and Redis."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from sqlalchemy.exc import IntegrityError

from app.common.clock import now
from app.extensions import db, redis_client
from app.models import Booking, ScreenClosure, Showtime
from app.scheduling import service as scheduling_service

TOMORROW = (now() + timedelta(days=1)).date()


def at(hour: int, minute: int = 0, day: date = TOMORROW) -> str:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC).isoformat()


@pytest.fixture
def venue(factory):
    return one_screen_venue(factory)


def one_screen_venue(factory) -> dict:
    """A UTC cinema with one 2D/3D screen, a 115-minute film and its manager (the slot check's
    tests use it too)."""
    # UTC keeps the arithmetic of these tests readable; time zones have their own test.
    cinema = factory.cinema(timezone="UTC", cleaning_buffer_minutes=20)
    screen = factory.screen(cinema, rows=2, seats_per_row=5, formats=("2D", "3D"))
    movie = factory.movie(runtime=100, formats=("2D", "3D"))  # + 15 min trailers = 115 min
    manager = factory.user("manager", cinemas=[cinema])
    return {"cinema": cinema, "screen": screen, "movie": movie, "manager": manager,
            "headers": factory.headers(manager)}


def create(client, venue, starts_at, **extra):
    body = {"movie_id": venue["movie"].id, "screen_id": venue["screen"].id, "starts_at": starts_at, **extra}
    return client.post("/api/schedule/showtime", json=body, headers=venue["headers"])


def test_manager_creates_a_showtime_with_end_and_cleaning_buffer(client, venue):
    response = create(client, venue, at(18))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["ends_at"].startswith(f"{TOMORROW.isoformat()}T19:55")
    assert body["blocked_until"].startswith(f"{TOMORROW.isoformat()}T20:15")
    assert (body["format"], body["status"], body["source"]) == ("2D", "scheduled", "manual")
    assert body["version"] == 1
    assert response.headers["ETag"]


def test_overlap_with_cleaning_buffer_is_a_409_naming_the_showtime(client, venue):
    first = create(client, venue, at(18)).json
    clash = create(client, venue, at(20, 10))  # before 20:15, when cleaning ends
    assert clash.status_code == 409
    assert clash.json["reason"] == "showtime_overlap"
    assert clash.json["errors"]["conflicting_showtime"]["id"] == first["id"]
    assert str(first["id"]) in clash.json["message"]
    assert create(client, venue, at(20, 15)).status_code == 201  # right after cleaning
    earlier = create(client, venue, at(16, 5))  # its cleaning would run into 18:00
    assert earlier.status_code == 409
    # 15:45 + 115 min = 17:40, + 20 min cleaning = 18:00: the screen is ready just in time
    assert create(client, venue, at(15, 45)).status_code == 201


def test_opening_hours_formats_and_closures(client, venue, factory):
    cinema = venue["cinema"]
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[TOMORROW.weekday()]
    cinema.opening_hours = {weekday: {"open": "10:00", "close": "01:00"}}
    db.session.commit()
    early = create(client, venue, at(9, 30))
    assert early.status_code == 409 and early.json["reason"] == "outside_opening_hours"
    assert create(client, venue, at(22, 30)).status_code == 201  # ends 00:25, before the 01:00 close
    late = create(client, venue, at(23, 30, TOMORROW + timedelta(days=1)))  # that day is closed
    assert late.status_code == 409 and late.json["reason"] == "outside_opening_hours"
    imax = create(client, venue, at(12), format="IMAX")
    assert imax.status_code == 422  # the film is not distributed in IMAX
    flat = factory.screen(cinema, rows=1, seats_per_row=4, formats=("2D",))
    three_d = client.post("/api/schedule/showtime", headers=venue["headers"], json={
        "movie_id": venue["movie"].id, "screen_id": flat.id, "starts_at": at(12), "format": "3D"})
    assert three_d.status_code == 409 and three_d.json["reason"] == "format_not_supported"
    db.session.add(ScreenClosure(screen_id=venue["screen"].id, reason="Projector service",
                                 starts_at=datetime.fromisoformat(at(14)),
                                 ends_at=datetime.fromisoformat(at(15))))
    db.session.commit()
    closed = create(client, venue, at(13))
    assert closed.status_code == 409 and closed.json["reason"] == "screen_closed"


def test_opening_hours_follow_the_cinema_time_zone(client, factory):
    cinema = factory.cinema(timezone="America/New_York")
    cinema.opening_hours = {d: {"open": "10:00", "close": "23:00"}
                            for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    db.session.commit()
    screen = factory.screen(cinema, rows=1, seats_per_row=4)
    manager = factory.user("manager", cinemas=[cinema])
    movie = factory.movie(runtime=60)
    body = {"movie_id": movie.id, "screen_id": screen.id}
    # 12:00 UTC is 07:00 or 08:00 in New York: closed; 18:00 UTC is 13:00/14:00: open
    refused = client.post("/api/schedule/showtime", headers=factory.headers(manager),
                          json={**body, "starts_at": at(12)})
    assert refused.status_code == 409
    assert client.post("/api/schedule/showtime", headers=factory.headers(manager),
                       json={**body, "starts_at": at(18)}).status_code == 201


def test_the_exclusion_constraint_backs_the_service_up(client, venue):
    """Two managers writing at once both pass the service check; PostgreSQL refuses the second."""
    first = create(client, venue, at(18)).json
    with mock.patch.object(scheduling_service, "ensure_screen_free"):
        raced = create(client, venue, at(19))
    assert raced.status_code == 409
    assert raced.json["reason"] == "showtime_overlap"
    assert raced.json["errors"]["conflicting_showtime"]["id"] == first["id"]
    assert db.session.query(Showtime).count() == 1


def test_the_database_alone_refuses_overlapping_live_showtimes(factory, venue):
    start = now() + timedelta(days=2)
    factory.showtime(venue["screen"], venue["movie"], starts_at=start)
    with pytest.raises(IntegrityError, match="ex_showtimes_screen_no_overlap"):
        factory.showtime(venue["screen"], venue["movie"], starts_at=start + timedelta(minutes=30))
    db.session.rollback()
    # a cancelled showtime does not occupy the screen
    factory.showtime(venue["screen"], venue["movie"], starts_at=start + timedelta(minutes=30),
                     status="cancelled")


def test_roles_may_edit_only_their_cinema(client, venue, factory):
    body = {"movie_id": venue["movie"].id, "screen_id": venue["screen"].id, "starts_at": at(18)}
    assert client.post("/api/schedule/showtime", json=body).status_code == 401
    for role in ("customer", "staff"):
        user = factory.user(role, cinemas=[venue["cinema"]] if role == "staff" else ())
        response = client.post("/api/schedule/showtime", json=body, headers=factory.headers(user))
        assert response.status_code == 403, role
    elsewhere = factory.user("manager", cinemas=[factory.cinema()])
    assert client.post("/api/schedule/showtime", json=body,
                       headers=factory.headers(elsewhere)).status_code == 403
    admin = factory.user("admin")
    assert client.post("/api/schedule/showtime", json=body, headers=factory.headers(admin)).status_code == 201


def test_bad_input_is_422_not_500(client, venue):
    assert create(client, venue, "2026-12-01T18:00:00").status_code == 422  # no offset
    assert create(client, venue, at(18, day=now().date() - timedelta(days=1))).status_code == 422
    assert client.post("/api/schedule/showtime", json={"screen_id": 1},
                       headers=venue["headers"]).status_code == 422
    missing = client.post("/api/schedule/showtime", headers=venue["headers"], json={
        "movie_id": 999, "screen_id": venue["screen"].id, "starts_at": at(18)})
    assert missing.status_code == 404


def test_update_needs_the_current_etag_and_checks_conflicts(client, venue):
    first = create(client, venue, at(12)).json
    second = create(client, venue, at(18))
    etag = second.headers["ETag"]
    url = f"/api/schedule/showtime/{second.json['id']}"
    body = {"movie_id": venue["movie"].id, "screen_id": venue["screen"].id, "starts_at": at(13)}
    assert client.put(url, json=body, headers=venue["headers"]).status_code == 428
    clash = client.put(url, json=body, headers={**venue["headers"], "If-Match": etag})
    assert clash.status_code == 409
    assert clash.json["errors"]["conflicting_showtime"]["id"] == first["id"]
    if_match = {**venue["headers"], "If-Match": etag}
    moved = client.put(url, json={**body, "starts_at": at(20)}, headers=if_match)
    assert moved.status_code == 200, moved.json
    assert moved.json["version"] == 2 and moved.json["starts_at"].startswith(f"{TOMORROW.isoformat()}T20:00")
    stale = client.put(url, json={**body, "starts_at": at(21)}, headers=if_match)
    assert stale.status_code == 412
    fresh = client.get(url, headers=venue["headers"]).headers["ETag"]
    assert fresh == moved.headers["ETag"] == client.get(f"/api/showtimes/{second.json['id']}").headers["ETag"]
    # moving a showtime onto its own old slot is no conflict with itself
    assert client.put(url, json={**body, "starts_at": at(20, 5)},
                      headers={**venue["headers"], "If-Match": fresh}).status_code == 200


def test_a_showtime_with_sold_seats_keeps_its_screen(client, venue, factory):
    showtime = create(client, venue, at(18)).json
    customer = factory.user()
    seat = factory.seats(venue["screen"])[0]
    held = client.post("/api/bookings/hold", json={"showtime_id": showtime["id"], "seat_ids": [seat.id]},
                       headers=factory.headers(customer)).json
    client.post("/api/bookings", json={"hold_id": held["hold_id"]}, headers=factory.headers(customer))
    other = factory.screen(venue["cinema"], rows=1, seats_per_row=3)
    url = f"/api/schedule/showtime/{showtime['id']}"
    etag = client.get(url, headers=venue["headers"]).headers["ETag"]
    moved = client.put(url, headers={**venue["headers"], "If-Match": etag}, json={
        "movie_id": venue["movie"].id, "screen_id": other.id, "starts_at": at(18)})
    assert moved.status_code == 409 and moved.json["reason"] == "showtime_has_bookings"


def test_cancel_cancels_bookings_marks_refunds_and_frees_the_slot(client, venue, factory):
    showtime = create(client, venue, at(18)).json
    seats = factory.seats(venue["screen"])
    customers = [factory.user(), factory.user()]
    bookings = []
    for customer, seat in zip(customers, seats, strict=False):
        held = client.post("/api/bookings/hold", json={"showtime_id": showtime["id"], "seat_ids": [seat.id]},
                           headers=factory.headers(customer)).json
        bookings.append(client.post("/api/bookings", json={"hold_id": held["hold_id"]},
                                    headers=factory.headers(customer)).json)
    paid = db.session.get(Booking, bookings[0]["id"])
    paid.status = "confirmed"
    db.session.commit()
    pending_hold = client.post("/api/bookings/hold", json={"showtime_id": showtime["id"],
                                                           "seat_ids": [seats[5].id]},
                               headers=factory.headers(customers[1])).json

    cancelled = client.delete(f"/api/schedule/showtime/{showtime['id']}", headers=venue["headers"])
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["bookings_cancelled"] == 2
    assert cancelled.json["refund_due_minor"] == 1000
    assert cancelled.json["showtime"]["status"] == "cancelled"
    db.session.expire_all()
    states = {b.id: (b.status, b.cancel_reason, b.refund_due_minor) for b in db.session.query(Booking)}
    assert states[bookings[0]["id"]] == ("cancelled", "showtime_cancelled", 1000)
    assert states[bookings[1]["id"]] == ("cancelled", "showtime_cancelled", 0)
    seat_map = client.get(f"/api/showtimes/{showtime['id']}/seats").json
    assert seat_map["counts"]["sold"] == seat_map["counts"]["held"] == 0
    confirm = client.post("/api/bookings", json={"hold_id": pending_hold["hold_id"]},
                          headers=factory.headers(customers[1]))
    assert confirm.status_code == 409
    twice = client.delete(f"/api/schedule/showtime/{showtime['id']}", headers=venue["headers"])
    assert twice.status_code == 409
    assert create(client, venue, at(18)).status_code == 201  # the screen is free again


def test_cinema_schedule_lists_every_screen_and_is_invalidated_on_change(client, venue, factory):
    empty_screen = factory.screen(venue["cinema"], rows=1, seats_per_row=2)
    create(client, venue, at(12))
    url = f"/api/schedule/cinema/{venue['cinema'].id}?date={TOMORROW.isoformat()}"
    first = client.get(url, headers=venue["headers"])
    assert first.status_code == 200
    screens = {s["screen_id"]: s for s in first.json["screens"]}
    assert len(screens[venue["screen"].id]["showtimes"]) == 1
    assert screens[empty_screen.id]["showtimes"] == []
    assert redis_client.client.ttl(f"schedule:cinema:{venue['cinema'].id}:date:{TOMORROW.isoformat()}") > 800
    created = create(client, venue, at(18)).json
    second = client.get(url, headers=venue["headers"]).json
    assert len({s["screen_id"]: s for s in second["screens"]}[venue["screen"].id]["showtimes"]) == 2
    client.delete(f"/api/schedule/showtime/{created['id']}", headers=venue["headers"])
    third = client.get(url, headers=venue["headers"]).json
    screen = next(s for s in third["screens"] if s["screen_id"] == venue["screen"].id)
    statuses = [s["status"] for s in screen["showtimes"]]
    assert statuses == ["scheduled", "cancelled"]


def test_cinema_schedule_is_for_staff_of_that_cinema(client, venue, factory):
    url = f"/api/schedule/cinema/{venue['cinema'].id}?date={TOMORROW.isoformat()}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=factory.headers(factory.user())).status_code == 403
    elsewhere = factory.user("staff", cinemas=[factory.cinema()])
    assert client.get(url, headers=factory.headers(elsewhere)).status_code == 403
    here = factory.user("staff", cinemas=[venue["cinema"]])
    assert client.get(url, headers=factory.headers(here)).status_code == 200
    assert client.get(f"/api/schedule/cinema/{venue['cinema'].id}",
                      headers=factory.headers(here)).status_code == 422
    assert client.get("/api/schedule/cinema/999?date=2026-01-01",
                      headers=factory.headers(factory.user("admin"))).status_code == 404


def test_customers_browse_showtimes_by_movie_cinema_and_local_day(client, venue, factory):
    other_movie = factory.movie()
    create(client, venue, at(12))
    create(client, venue, at(18))
    day_after = TOMORROW + timedelta(days=1)
    create(client, venue, at(12, day=day_after))
    client.post("/api/schedule/showtime", headers=venue["headers"], json={
        "movie_id": other_movie.id, "screen_id": venue["screen"].id, "starts_at": at(15)})
    everything = client.get("/api/showtimes")
    assert everything.status_code == 200 and len(everything.json) == 4
    assert "X-Pagination" in everything.headers
    by_movie = client.get(f"/api/showtimes?movie_id={venue['movie'].id}").json
    assert len(by_movie) == 3
    by_day = client.get(f"/api/showtimes?cinema_id={venue['cinema'].id}&date={TOMORROW.isoformat()}").json
    assert [s["starts_at"][11:16] for s in by_day] == ["12:00", "15:00", "18:00"]
    assert client.get(f"/api/showtimes?cinema_id={venue['cinema'].id + 1}").json == []
    one = client.get(f"/api/showtimes/{by_day[0]['id']}")
    assert one.status_code == 200 and one.json["movie_title"] == venue["movie"].title
    assert client.get("/api/showtimes/9999").status_code == 404


@pytest.mark.parametrize("hours, start, accepted", [
    # round the clock: a film across midnight is inside one open spell
    ({"open": "00:00", "close": "24:00"}, (23, 30), True),
    # open past midnight: ends 01:25, before the 02:00 close
    ({"open": "10:00", "close": "02:00"}, (23, 30), True),
    # after midnight in the late opening, but ends 02:55, after the close
    ({"open": "10:00", "close": "02:00"}, (25, 0), False),
    # closing at midnight and opening again at 10:00: the night is closed
    ({"open": "10:00", "close": "24:00"}, (23, 30), False),
])
def test_a_showtime_may_cross_midnight_while_the_cinema_stays_open(client, factory, hours, start, accepted):
    """Pinned clock: the answer must not depend on the hour the suite runs at."""
    from app.common import clock

    clock.advance(datetime(2030, 1, 8, 23, 50, tzinfo=UTC) - clock.now())
    cinema = factory.cinema(timezone="Europe/London", opening_hours={
        d: hours for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})
    screen = factory.screen(cinema, rows=1, seats_per_row=4)
    movie = factory.movie(runtime=100)  # + 15 min trailers: 115 min
    manager = factory.user("manager", cinemas=[cinema])
    starts = datetime(2030, 1, 9, tzinfo=UTC) + timedelta(hours=start[0], minutes=start[1])
    response = client.post("/api/schedule/showtime", headers=factory.headers(manager), json={
        "movie_id": movie.id, "screen_id": screen.id, "starts_at": starts.isoformat()})
    assert response.status_code == (201 if accepted else 409), response.json
    if not accepted:
        assert response.json["reason"] == "outside_opening_hours"
