"""GET /api/reports/sales: occupancy and revenue by day, film and screen, for a cinema's managers.

Only confirmed bookings' active seats (and their booking fees, apart) count; cancelled showtimes
count for nothing; days are the cinema's local days, every one of the range present.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.extensions import db
from app.models import Booking, BookingFeeLine, BookingSeat

DAY_ONE = datetime(2030, 3, 2, 19, 0, tzinfo=UTC)
# 23:30 UTC on 2 March is already 3 March in Berlin (UTC+1): the cinema's day, not UTC's.
LATE = datetime(2030, 3, 2, 23, 30, tzinfo=UTC)


def _sell(factory, showtime, seats, *, status="confirmed", price=1000, active=True, fee=0):
    user = factory.user()
    booking = Booking(reference=f"R{showtime.id}{seats[0].id}{status[:2]}".upper()[:12], user_id=user.id,
                      showtime_id=showtime.id, status=status, currency="EUR",
                      subtotal_minor=price * len(seats), total_minor=price * len(seats))
    db.session.add(booking)
    db.session.flush()
    db.session.add_all([BookingSeat(booking_id=booking.id, showtime_id=showtime.id, seat_id=seat.id,
                                    category=seat.category, price_minor=price, active=active)
                        for seat in seats])
    if fee:
        db.session.add(BookingFeeLine(booking_id=booking.id, name="Online booking fee", amount_minor=fee))
    db.session.commit()


def _world(factory):
    cinema = factory.cinema("Report House", timezone="Europe/Berlin")
    one = factory.screen(cinema, name="One", rows=2, seats_per_row=5)
    two = factory.screen(cinema, name="Two", rows=1, seats_per_row=5)
    film, other = factory.movie("Counted"), factory.movie("Also Counted")
    early = factory.showtime(one, film, starts_at=DAY_ONE)
    late = factory.showtime(two, other, starts_at=LATE)
    gone = factory.showtime(two, film, starts_at=DAY_ONE, status="cancelled")
    seats_one, seats_two = factory.seats(one), factory.seats(two)
    _sell(factory, early, seats_one[:3], fee=75)
    _sell(factory, early, seats_one[3:5], status="pending_payment", fee=75)
    _sell(factory, early, seats_one[5:6], status="cancelled", active=False, fee=75)
    _sell(factory, late, seats_two[:1], price=1500)
    _sell(factory, gone, seats_two[1:2], price=999, active=False, status="cancelled")
    manager = factory.user("manager", cinemas=[cinema])
    return cinema, factory.headers(manager)


def _report(client, headers, cinema, group_by):
    answer = client.get("/api/reports/sales", headers=headers, query_string={
        "cinema_id": cinema.id, "start_date": "2030-03-01", "days": 3, "group_by": group_by})
    assert answer.status_code == 200, answer.json
    assert answer.json["currency"] == cinema.currency
    fields = ("label", "showtimes", "capacity", "tickets_sold", "occupancy", "revenue_minor",
              "fees_minor")
    return [{k: row[k] for k in fields} for row in answer.json["rows"]]


def test_sales_by_local_day_film_and_screen(client, factory):
    cinema, headers = _world(factory)
    assert _report(client, headers, cinema, "day") == [
        {"label": "2030-03-01", "showtimes": 0, "capacity": 0, "tickets_sold": 0, "occupancy": 0.0,
         "revenue_minor": 0, "fees_minor": 0},
        {"label": "2030-03-02", "showtimes": 1, "capacity": 10, "tickets_sold": 3, "occupancy": 0.3,
         "revenue_minor": 3000, "fees_minor": 75},
        {"label": "2030-03-03", "showtimes": 1, "capacity": 5, "tickets_sold": 1, "occupancy": 0.2,
         "revenue_minor": 1500, "fees_minor": 0},
    ]
    by_film = {row["label"]: row for row in _report(client, headers, cinema, "film")}
    assert by_film["Counted"]["tickets_sold"] == 3 and by_film["Also Counted"]["revenue_minor"] == 1500
    by_screen = {row["label"]: row for row in _report(client, headers, cinema, "screen")}
    assert by_screen["One"]["capacity"] == 10 and by_screen["Two"]["showtimes"] == 1


def test_only_the_cinemas_managers_and_admins_read_it(client, factory):
    cinema, _ = _world(factory)
    query = {"cinema_id": cinema.id, "start_date": "2030-03-01"}
    elsewhere = factory.user("manager", cinemas=[factory.cinema("Elsewhere")])
    assert client.get("/api/reports/sales", query_string=query,
                      headers=factory.headers(elsewhere)).status_code == 403
    assert client.get("/api/reports/sales", query_string=query,
                      headers=factory.headers(factory.user("staff", cinemas=[cinema]))).status_code == 403
    assert client.get("/api/reports/sales", query_string=query).status_code == 401
    assert client.get("/api/reports/sales", query_string=query,
                      headers=factory.headers(factory.user("admin"))).status_code == 200
    too_long = client.get("/api/reports/sales", query_string={**query, "days": 93},
                          headers=factory.headers(factory.user("admin")))
    assert too_long.status_code == 422
