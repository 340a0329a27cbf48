"""Screen closures: they block manual showtimes and refuse to swallow booked ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.common import clock
from app.common.clock import now
from app.extensions import db
from app.models import Booking, BookingSeat, Showtime


@pytest.fixture(autouse=True)
def _midday(app):
    """Showtimes here start an hour into a window that starts on the hour: pinned at midday,
    none runs across midnight, whatever the hour the suite runs at."""
    clock.advance(datetime(2030, 1, 8, 12, 30, tzinfo=UTC) - clock.now())


def _window(hours_from_now: int, length_hours: int):
    start = (now() + timedelta(hours=hours_from_now)).replace(minute=0, second=0, microsecond=0)
    return start, start + timedelta(hours=length_hours)


def test_closure_blocks_manual_showtimes_until_deleted(client, factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema)
    movie = factory.movie()
    manager = factory.user("manager", cinemas=[cinema])
    headers = factory.headers(manager)
    start, end = _window(48, 6)

    created = client.post(f"/api/screens/{screen.id}/closures", headers=headers, json={
        "starts_at": start.isoformat(), "ends_at": end.isoformat(), "reason": "Projector service"})
    assert created.status_code == 201, created.json
    closure_id = created.json["id"]
    assert [c["id"] for c in client.get(f"/api/screens/{screen.id}/closures", headers=headers).json] == [
        closure_id]

    inside = {"movie_id": movie.id, "screen_id": screen.id,
              "starts_at": (start + timedelta(hours=1)).isoformat()}
    refused = client.post("/api/schedule/showtime", headers=headers, json=inside)
    assert refused.status_code == 409
    assert refused.json["reason"] == "screen_closed"
    assert refused.json["errors"]["closure"]["id"] == closure_id

    reopened = client.delete(f"/api/screens/{screen.id}/closures/{closure_id}", headers=headers)
    assert reopened.status_code == 204
    assert client.post("/api/schedule/showtime", headers=headers, json=inside).status_code == 201


def test_closure_over_a_booked_showtime_is_refused_and_unbooked_ones_are_cancelled(client, factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema)
    movie = factory.movie()
    manager = factory.user("manager", cinemas=[cinema])
    start, end = _window(72, 8)
    booked = factory.showtime(screen, movie, starts_at=start + timedelta(minutes=30))
    empty = factory.showtime(screen, movie, starts_at=start + timedelta(hours=4))
    customer = factory.user()
    booking = Booking(reference="CLO-001", user_id=customer.id, showtime_id=booked.id, currency="GBP",
                      status="confirmed", total_minor=1000)
    db.session.add(booking)
    db.session.flush()
    db.session.add(BookingSeat(booking_id=booking.id, showtime_id=booked.id,
                               seat_id=factory.seats(screen)[0].id, category="standard", price_minor=1000))
    db.session.commit()
    body = {"starts_at": start.isoformat(), "ends_at": end.isoformat(), "reason": "Private hire"}

    refused = client.post(f"/api/screens/{screen.id}/closures", headers=factory.headers(manager), json=body)
    assert refused.status_code == 409
    assert refused.json["errors"]["conflicting_showtime"]["id"] == booked.id

    only_empty = body | {"starts_at": (start + timedelta(hours=3)).isoformat()}
    assert client.post(f"/api/screens/{screen.id}/closures", headers=factory.headers(manager),
                       json=only_empty).status_code == 201
    db.session.expire_all()
    assert db.session.get(Showtime, empty.id).status == "cancelled"
    assert db.session.get(Showtime, booked.id).status == "scheduled"


def test_closures_are_for_managers_of_that_cinema(client, factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema)
    outsider = factory.user("manager", cinemas=[factory.cinema()])
    start, end = _window(24, 2)
    body = {"starts_at": start.isoformat(), "ends_at": end.isoformat()}
    assert client.post(f"/api/screens/{screen.id}/closures", json=body).status_code == 401
    assert client.post(f"/api/screens/{screen.id}/closures", headers=factory.headers(outsider),
                       json=body).status_code == 403
    backwards = {"starts_at": end.isoformat(), "ends_at": start.isoformat()}
    admin = factory.user("admin")
    assert client.post(f"/api/screens/{screen.id}/closures", headers=factory.headers(admin),
                       json=backwards).status_code == 422
