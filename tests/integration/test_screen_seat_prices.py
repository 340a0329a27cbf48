"""A screen's own seat prices: managers override the cinema's price of a category at one screen."""

from __future__ import annotations

from app.extensions import db
from app.models import AuditEntry, Seat


def _first_seat(screen) -> int:
    return db.session.scalar(db.select(Seat.id).where(Seat.screen_id == screen.id, Seat.active)
                             .order_by(Seat.id).limit(1))


def test_a_screen_price_overrides_the_cinemas_there_only_until_removed(client, factory):
    cinema = factory.cinema()
    premium_screen, other_screen = factory.screen(cinema, rows=1, seats_per_row=4), factory.screen(
        cinema, rows=1, seats_per_row=4)
    manager, customer = factory.user("manager", cinemas=[cinema]), factory.user()
    movie = factory.movie()
    on_premium, on_other = factory.showtime(premium_screen, movie), factory.showtime(other_screen, movie)
    url = f"/api/cinemas/{cinema.id}/screens/{premium_screen.id}/seat-prices/standard"

    def quoted(showtime, screen) -> int:
        answer = client.post("/api/pricing/calculate",
                             json={"showtime_id": showtime.id, "seats": [{"seat_id": _first_seat(screen)}]})
        assert answer.status_code == 200, answer.json
        return answer.json["total_minor"]

    def shown(showtime, screen) -> int:  # the seat map's price of the seat
        seats = client.get(f"/api/showtimes/{showtime.id}/seats").json["seats"]
        return next(seat["price_minor"] for seat in seats if seat["id"] == _first_seat(screen))

    assert quoted(on_premium, premium_screen) == 1000  # the cinema's standard price
    assert shown(on_premium, premium_screen) == 1000 and shown(on_other, other_screen) == 1000  # cached

    put = client.put(url, json={"amount_minor": 1500}, headers=factory.headers(manager))
    assert put.status_code == 200, put.json
    assert put.json == {"category": "standard", "screen_id": premium_screen.id, "amount_minor": 1500}
    assert quoted(on_premium, premium_screen) == 1500
    assert quoted(on_other, other_screen) == 1000
    assert shown(on_premium, premium_screen) == 1500 and shown(on_other, other_screen) == 1000
    hold = client.post("/api/bookings/hold", headers=factory.headers(customer),
                       json={"showtime_id": on_premium.id, "seat_ids": [_first_seat(premium_screen)]})
    assert hold.status_code == 201 and hold.json["seats"][0]["price_minor"] == 1500
    listed = client.get(f"/api/cinemas/{cinema.id}/seat-prices").json
    assert listed[-1] == {"category": "standard", "screen_id": premium_screen.id, "amount_minor": 1500}
    assert [p for p in listed if p["screen_id"] is None and p["category"] == "standard"] == [
        {"category": "standard", "screen_id": None, "amount_minor": 1000}]

    again = client.put(url, json={"amount_minor": 1600}, headers=factory.headers(manager))
    assert again.status_code == 200 and quoted(on_premium, premium_screen) == 1600
    assert client.delete(url, headers=factory.headers(manager)).status_code == 204
    assert quoted(on_premium, premium_screen) == 1000 and shown(on_premium, premium_screen) == 1000
    gone = client.delete(url, headers=factory.headers(manager))
    assert gone.status_code == 404 and f"Screen {premium_screen.id}" in gone.json["message"]

    audited = db.session.scalars(db.select(AuditEntry).where(AuditEntry.subject_type == "seat_price")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.action, e.before, e.after) for e in audited] == [
        ("seat_price.set", None, {"amount_minor": 1500, "screen_id": premium_screen.id}),
        ("seat_price.set", {"amount_minor": 1500, "screen_id": premium_screen.id},
         {"amount_minor": 1600, "screen_id": premium_screen.id}),
        ("seat_price.deleted", {"amount_minor": 1600, "screen_id": premium_screen.id}, None),
    ]


def test_only_the_cinemas_managers_set_a_screen_price_and_only_for_its_own_screens(client, factory):
    cinema, elsewhere = factory.cinema(), factory.cinema()
    screen, foreign_screen = factory.screen(cinema), factory.screen(elsewhere)
    manager = factory.user("manager", cinemas=[cinema])
    stranger = factory.user("manager", cinemas=[elsewhere])
    body = {"amount_minor": 1500}

    def put(cinema_id, screen_id, category, user):
        return client.put(f"/api/cinemas/{cinema_id}/screens/{screen_id}/seat-prices/{category}",
                          json=body, headers=factory.headers(user))

    assert put(cinema.id, screen.id, "standard", stranger).status_code == 403
    assert put(cinema.id, screen.id, "standard", factory.user("staff", cinemas=[cinema])).status_code == 403
    foreign = put(cinema.id, foreign_screen.id, "standard", manager)
    assert foreign.status_code == 404 and foreign.json["message"] == (
        f"Cinema {cinema.id} has no screen {foreign_screen.id}")
    assert put(cinema.id, screen.id, "hammock", manager).status_code == 404
    negative = client.put(f"/api/cinemas/{cinema.id}/screens/{screen.id}/seat-prices/standard",
                          json={"amount_minor": -1}, headers=factory.headers(manager))
    assert negative.status_code == 422
    assert client.put(f"/api/cinemas/{cinema.id}/screens/{screen.id}/seat-prices/standard",
                      json=body).status_code == 401
