"""A seat map shows the price the next hold quotes as soon as a manager changes a price input:
a pricing rule, the first ticket type, a base price (tests/integration/test_screen_seat_prices.py)."""

from __future__ import annotations

from app.extensions import db
from app.models import Seat, TicketType


def test_a_rule_or_a_ticket_type_change_reaches_the_cached_seat_maps_of_its_cinema_at_once(client, factory):
    cinema, other_cinema = factory.cinema(), factory.cinema()
    movie = factory.movie()
    showtime = factory.showtime(factory.screen(cinema, rows=1, seats_per_row=2), movie)
    elsewhere = factory.showtime(factory.screen(other_cinema, rows=1, seats_per_row=2), movie)
    manager, admin = factory.user("manager", cinemas=[cinema]), factory.user("admin")

    def shown(show) -> set[int]:
        return {seat["price_minor"] for seat in client.get(f"/api/showtimes/{show.id}/seats").json["seats"]}

    assert shown(showtime) == {1000} and shown(elsewhere) == {1000}  # both maps cached now

    rule = {"cinema_id": cinema.id, "name": "2D surcharge", "kind": "format", "multiplier": "1.5",
            "conditions": {"format": "2D"}}
    created = client.post("/api/pricing/rules", json=rule, headers=factory.headers(manager))
    assert created.status_code == 201, created.json
    assert shown(showtime) == {1500} and shown(elsewhere) == {1000}

    adult = db.session.scalar(db.select(TicketType).where(TicketType.cinema_id == cinema.id,
                                                          TicketType.code == "adult"))
    cheaper = client.patch(f"/api/cinemas/{cinema.id}/ticket-types/{adult.id}", json={"multiplier": "0.8"},
                           headers=factory.headers(manager))
    assert cheaper.status_code == 200, cheaper.json
    assert shown(showtime) == {1200}

    etag = client.get(f"/api/pricing/rules/{created.json['id']}").headers["ETag"]
    everywhere = client.put(f"/api/pricing/rules/{created.json['id']}", json=rule | {"cinema_id": None},
                            headers={**factory.headers(admin), "If-Match": etag})
    assert everywhere.status_code == 200, everywhere.json
    assert shown(showtime) == {1200} and shown(elsewhere) == {1500}

    seat = db.session.scalar(db.select(Seat.id).where(Seat.screen_id == elsewhere.screen_id).limit(1))
    hold = client.post("/api/bookings/hold", headers=factory.headers(factory.user()),
                       json={"showtime_id": elsewhere.id, "seat_ids": [seat]})
    assert hold.status_code == 201 and hold.json["seats"][0]["price_minor"] == 1500
