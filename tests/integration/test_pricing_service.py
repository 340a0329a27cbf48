"""Pricing service on real PostgreSQL and Redis: quotes, rules, promo codes, freeze, repricing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Booking, PriceChange, PricingRule, PromoCode, Showtime, TicketType
from app.pricing.promos import redeem_promo, release_promo
from app.pricing.repricing import reprice_upcoming_showtimes


@pytest.fixture
def venue(factory):
    cinema = factory.cinema(timezone="Europe/London")
    screen = factory.screen(cinema, formats=("2D", "IMAX"), rows=3, seats_per_row=8)
    movie = factory.movie(formats=("2D", "IMAX"))
    # A Tuesday evening, 19:00 London time (UTC+0 in winter)
    starts = datetime(2030, 1, 8, 19, 0, tzinfo=UTC)
    showtime = factory.showtime(screen, movie, starts_at=starts, format="IMAX")
    return cinema, screen, movie, showtime, factory.seats(screen)


def _ticket_type(cinema, code: str) -> TicketType:
    return db.session.scalar(db.select(TicketType).where(TicketType.cinema_id == cinema.id,
                                                         TicketType.code == code))


def calculate(client, showtime, seats, promo=None, headers=None):
    body = {"showtime_id": showtime.id, "seats": seats}
    if promo:
        body["promo_code"] = promo
    return client.post("/api/pricing/calculate", json=body, headers=headers or {})


def test_rules_apply_in_documented_order_with_trace(client, factory, venue):
    cinema, _screen, _movie, showtime, seats = venue
    _ticket_type(cinema, "child").multiplier = Decimal("0.5")
    db.session.add_all([
        PricingRule(cinema_id=cinema.id, name="Cheap Tuesday", kind="weekday", multiplier=Decimal("0.8"),
                    conditions={"weekdays": [1]}),
        PricingRule(cinema_id=cinema.id, name="Cheap Wednesday", kind="weekday",
                    multiplier=Decimal("0.5"), conditions={"weekdays": [2]}),
    ])
    db.session.get(Showtime, showtime.id).dynamic_multiplier = Decimal("1.1")
    db.session.commit()

    response = calculate(client, showtime, [{"seat_id": seats[0].id, "ticket_type": "child"},
                                            {"seat_id": seats[1].id, "ticket_type": "adult"}])
    assert response.status_code == 200, response.json
    body = response.json
    child, adult = body["lines"]
    # 1000 base x 0.5 child x 1.4 IMAX (default) x 0.8 Tuesday x 1.1 dynamic = 616
    assert child["final_minor"] == 616
    assert adult["final_minor"] == 1232
    assert body["total_minor"] == 1848 and body["currency"] == "GBP"
    assert body["tax_minor"] == 308  # 1848 x 0.2 / 1.2
    kinds = [step["kind"] for step in child["trace"]]
    order = [kinds.index(kind) for kind in ("ticket_type", "format", "weekday", "dynamic")]
    assert order == sorted(order)
    assert "Cheap Wednesday" not in {step["name"] for step in child["trace"]}


def test_bad_input_is_a_clear_4xx(client, factory, venue):
    cinema, _screen, _movie, showtime, seats = venue
    other_screen = factory.screen(cinema)
    foreign_seat = factory.seats(other_screen)[0]

    unknown = calculate(client, showtime, [{"seat_id": 999999}])
    assert unknown.status_code == 422 and "999999" in unknown.json["message"]
    foreign = calculate(client, showtime, [{"seat_id": foreign_seat.id}])
    assert foreign.status_code == 422 and foreign.json["reason"] == "seats_of_other_screen"
    twice = calculate(client, showtime, [{"seat_id": seats[0].id}, {"seat_id": seats[0].id}])
    assert twice.status_code == 422
    bad_type = calculate(client, showtime, [{"seat_id": seats[0].id, "ticket_type": "pensioner"}])
    assert bad_type.status_code == 422 and bad_type.json["reason"] == "unknown_ticket_type"
    malformed = calculate(client, showtime, [{"seat_id": seats[0].id, "ticket_type": "Pen sioner"}])
    assert malformed.status_code == 422 and "ticket_type" in malformed.json["errors"]["seats"]["0"]
    assert client.post("/api/pricing/calculate", json={"showtime_id": 12345, "seats": [
        {"seat_id": seats[0].id}]}).status_code == 404

    admin = factory.user("admin")
    negative = client.post("/api/pricing/rules", headers=factory.headers(admin), json={
        "cinema_id": cinema.id, "name": "Broken", "kind": "weekday", "multiplier": "-1"})
    assert negative.status_code == 422 and "multiplier" in negative.json["errors"]
    absurd = client.post("/api/pricing/rules", headers=factory.headers(admin), json={
        "cinema_id": cinema.id, "name": "Absurd", "kind": "matinee", "multiplier": "1000"})
    assert absurd.status_code == 422
    # Ticket types are rows of their own (/api/cinemas/{id}/ticket-types), no longer rules.
    ticket_rule = client.post("/api/pricing/rules", headers=factory.headers(admin), json={
        "cinema_id": cinema.id, "name": "Which type?", "kind": "ticket_type", "multiplier": "0.5"})
    assert ticket_rule.status_code == 422 and "kind" in ticket_rule.json["errors"]


def test_a_showtime_that_has_started_is_not_quoted(client, venue):
    from app.common import clock

    _cinema, _screen, _movie, showtime, seats = venue
    clock.advance(showtime.starts_at - clock.now())
    for path in ("/api/pricing/calculate", "/api/pricing/promocode/validate"):
        body = {"showtime_id": showtime.id, "seats": [{"seat_id": seats[0].id}]}
        if path.endswith("validate"):
            body["promo_code"] = "ANY"
        answer = client.post(path, json=body)
        assert answer.status_code == 422 and answer.json["reason"] == "showtime_started", (path, answer.json)
    clock.advance(timedelta(minutes=-1))
    assert calculate(client, showtime, [{"seat_id": seats[0].id}]).status_code == 200


def test_rule_management_roles_and_optimistic_locking(client, factory, venue):
    cinema = venue[0]
    other = factory.cinema()
    manager = factory.user("manager", cinemas=[cinema])
    rule = {"cinema_id": cinema.id, "name": "Matinee", "kind": "matinee", "multiplier": "0.85",
            "conditions": {"start_before": "17:00"}}

    assert client.post("/api/pricing/rules", json=rule).status_code == 401
    customer = factory.user()
    assert client.post("/api/pricing/rules", json=rule, headers=factory.headers(customer)).status_code == 403
    elsewhere = client.post("/api/pricing/rules", headers=factory.headers(manager),
                            json=rule | {"cinema_id": other.id})
    assert elsewhere.status_code == 403
    everywhere = client.post("/api/pricing/rules", headers=factory.headers(manager),
                             json=rule | {"cinema_id": None})
    assert everywhere.status_code == 403

    created = client.post("/api/pricing/rules", json=rule, headers=factory.headers(manager))
    assert created.status_code == 201
    rule_id = created.json["id"]
    assert any(r["id"] == rule_id for r in client.get(f"/api/pricing/rules?cinema_id={cinema.id}").json)

    read = client.get(f"/api/pricing/rules/{rule_id}")
    etag = read.headers["ETag"]
    update = rule | {"multiplier": "0.9"}
    ok = client.put(f"/api/pricing/rules/{rule_id}", json=update,
                    headers=factory.headers(manager) | {"If-Match": etag})
    assert ok.status_code == 200 and ok.json["multiplier"] == "0.9000"
    stale = client.put(f"/api/pricing/rules/{rule_id}", json=update,
                       headers=factory.headers(manager) | {"If-Match": etag})
    assert stale.status_code == 412
    no_etag = client.delete(f"/api/pricing/rules/{rule_id}", headers=factory.headers(manager))
    assert no_etag.status_code == 428
    gone = client.delete(f"/api/pricing/rules/{rule_id}",
                         headers=factory.headers(manager) | {"If-Match": ok.headers["ETag"]})
    assert gone.status_code == 204


def _promo(**fields) -> PromoCode:
    values = {"code": "WELCOME10", "kind": "percent", "value": 10, "scope": "basket"} | fields
    promo = PromoCode(**values)
    db.session.add(promo)
    db.session.commit()
    return promo


def test_promo_codes_apply_and_say_why_not(client, factory, venue):
    _cinema, _screen, movie, showtime, seats = venue
    _promo()
    _promo(code="OLD", valid_until=datetime(2020, 1, 1, tzinfo=UTC))
    _promo(code="GROUPS", min_tickets=4)
    _promo(code="OTHERFILM", movie_ids=[movie.id + 1000])
    one_seat = [{"seat_id": seats[0].id}]

    applied = calculate(client, showtime, one_seat, promo="welcome10")
    assert applied.status_code == 200
    assert applied.json["promo"]["applies"] is True
    assert applied.json["discount_minor"] == 140 and applied.json["total_minor"] == 1260

    customer = factory.headers(factory.user())  # anonymous callers hear only valid or not

    def validate(code):
        response = client.post("/api/pricing/promocode/validate", headers=customer,
                               json={"showtime_id": showtime.id, "seats": one_seat, "promo_code": code})
        assert response.status_code == 200
        return response.json

    assert validate("OLD")["reason"] == "expired"
    assert validate("GROUPS")["reason"] == "too_few_tickets"
    assert validate("OTHERFILM")["reason"] == "wrong_movie"
    unknown = validate("NOPE")
    assert unknown["applies"] is False and unknown["reason"] == "unknown"
    assert validate("WELCOME10")["discount_minor"] == 140


def test_last_promo_use_is_redeemed_once_under_concurrency(app, factory, venue):
    showtime = venue[3]
    promo = _promo(code="LASTONE", max_uses=1)
    bookings = []
    for n in range(20):
        customer = factory.user()
        booking = Booking(reference=f"R{n:02d}-TST", user_id=customer.id, showtime_id=showtime.id,
                          currency="GBP", total_minor=900, promo_code_id=promo.id)
        db.session.add(booking)
        bookings.append(booking)
    db.session.commit()
    booking_ids = [b.id for b in bookings]
    outcomes: list[str] = []
    start = threading.Barrier(len(booking_ids))

    def pay(booking_id: int) -> None:
        with app.app_context():
            start.wait()
            try:
                redeem_promo(db.session.get(Booking, booking_id))
                db.session.commit()
                outcomes.append("redeemed")
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test counts
                db.session.rollback()
                outcomes.append(getattr(exc, "reason", type(exc).__name__))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=pay, args=(i,)) for i in booking_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("redeemed") == 1
    assert outcomes.count("promo_used_up") == 19
    db.session.expire_all()
    assert db.session.get(PromoCode, promo.id).uses_count == 1

    winner = next(b for b in booking_ids if db.session.get(Booking, b) and _redeemed(b))
    release_promo(db.session.get(Booking, winner))
    db.session.commit()
    assert db.session.get(PromoCode, promo.id).uses_count == 0


def _redeemed(booking_id: int) -> bool:
    from app.models import PromoRedemption

    return db.session.query(PromoRedemption).filter_by(booking_id=booking_id).count() == 1


def test_freeze_and_history(client, factory, venue):
    cinema, _screen, _movie, showtime, _seats = venue
    manager = factory.user("manager", cinemas=[cinema])
    outsider = factory.user("manager", cinemas=[factory.cinema()])
    url = f"/api/pricing/showtimes/{showtime.id}"

    assert client.get(f"{url}/history", headers=factory.headers(outsider)).status_code == 403
    frozen = client.put(f"{url}/freeze", json={"frozen": True, "multiplier": "1.2"},
                        headers=factory.headers(manager))
    assert frozen.status_code == 200, frozen.json
    assert frozen.json["price_frozen"] is True and frozen.json["dynamic_multiplier"] == "1.200"
    assert [c["reason"] for c in frozen.json["changes"]] == ["manual"]
    out_of_range = client.put(f"{url}/freeze", json={"frozen": True, "multiplier": "3"},
                              headers=factory.headers(manager))
    assert out_of_range.status_code == 422


def _freeze_clock_on_a_tuesday_afternoon() -> None:
    """Demand depends on weekday and hour: pin 'now' so the expected price moves never drift."""
    from app.common import clock

    clock.advance(datetime(2030, 1, 8, 16, 0, tzinfo=UTC) - clock.now())


def test_repricing_moves_prices_with_demand_and_respects_freeze(app, factory):
    from app.common.clock import now

    _freeze_clock_on_a_tuesday_afternoon()
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=4, seats_per_row=10)
    movie = factory.movie(release_date=now().date())
    soon = (now() + timedelta(hours=20)).replace(second=0, microsecond=0)
    hot = factory.showtime(screen, movie, starts_at=soon)
    quiet = factory.showtime(screen, movie, starts_at=soon + timedelta(hours=3))
    frozen = factory.showtime(screen, movie, starts_at=soon + timedelta(hours=6), price_frozen=True)
    buyer = factory.user()
    booking = Booking(reference="HOT-001", user_id=buyer.id, showtime_id=hot.id, currency="GBP",
                      status="confirmed")
    db.session.add(booking)
    db.session.flush()
    from app.models import BookingSeat

    db.session.add_all(
        BookingSeat(booking_id=booking.id, showtime_id=hot.id, seat_id=seat.id, category="standard",
                    price_minor=1000)
        for seat in factory.seats(screen)[:36]
    )
    db.session.commit()

    summary = reprice_upcoming_showtimes()
    assert summary["considered"] == 3 and summary["frozen"] == 1
    db.session.expire_all()
    hot_now = db.session.get(Showtime, hot.id).dynamic_multiplier
    quiet_now = db.session.get(Showtime, quiet.id).dynamic_multiplier
    assert hot_now > Decimal("1") > quiet_now, (hot_now, quiet_now)
    assert db.session.get(Showtime, frozen.id).dynamic_multiplier == Decimal("1")
    logged = {c.showtime_id for c in db.session.query(PriceChange)}
    assert hot.id in logged and frozen.id not in logged

    # Run again at once: the rate limit keeps prices where they are (idempotent job).
    assert reprice_upcoming_showtimes()["changed"] == 0


def test_hold_calculate_and_booking_agree_even_after_prices_move(client, factory):
    from app.common.clock import now

    cinema = factory.cinema()
    screen = factory.screen(cinema, formats=("2D", "3D"), rows=2, seats_per_row=6)
    movie = factory.movie(formats=("3D",))
    showtime = factory.showtime(screen, movie, format="3D",
                                starts_at=(now() + timedelta(days=2)).replace(second=0, microsecond=0))
    seats = factory.seats(screen)
    _ticket_type(cinema, "child").multiplier = Decimal("0.55")
    db.session.get(Showtime, showtime.id).dynamic_multiplier = Decimal("1.15")
    db.session.commit()
    customer = factory.user()
    chosen = {seats[0].id: "adult", seats[1].id: "child", seats[2].id: "senior"}

    quoted = calculate(client, showtime, [{"seat_id": s, "ticket_type": t} for s, t in chosen.items()])
    hold = client.post("/api/bookings/hold", headers=factory.headers(customer), json={
        "showtime_id": showtime.id, "seat_ids": list(chosen),
        "ticket_types": {str(s): t for s, t in chosen.items()}})
    assert hold.status_code == 201, hold.json
    calculated = {line["seat_id"]: line["final_minor"] for line in quoted.json["lines"]}
    held = {seat["seat_id"]: seat["price_minor"] for seat in hold.json["seats"]}
    assert held == calculated and len(set(held.values())) == 3
    assert hold.json["total_minor"] == quoted.json["total_minor"]

    # The price moves before the customer confirms: the quote is still what they pay.
    db.session.get(Showtime, showtime.id).dynamic_multiplier = Decimal("1.3")
    db.session.commit()
    booking = client.post("/api/bookings", headers=factory.headers(customer),
                          json={"hold_id": hold.json["hold_id"]})
    assert booking.status_code == 201, booking.json
    booked = {seat["seat_id"]: (seat["price_minor"], seat["ticket_type"]) for seat in booking.json["seats"]}
    assert booked == {s: (calculated[s], chosen[s]) for s in chosen}
    assert booking.json["total_minor"] == quoted.json["total_minor"]
    moved = calculate(client, showtime, [{"seat_id": seats[3].id}]).json["total_minor"]
    assert moved > calculated[seats[0].id]

    stray = client.post("/api/bookings/hold", headers=factory.headers(customer), json={
        "showtime_id": showtime.id, "seat_ids": [seats[4].id], "ticket_types": {str(seats[5].id): "child"}})
    assert stray.status_code == 422


def test_repricing_rewarms_the_seat_map_with_the_new_prices(client, factory):
    from app.bookings import keys
    from app.common.clock import now
    from app.extensions import redis_client

    _freeze_clock_on_a_tuesday_afternoon()
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=4, seats_per_row=10)
    movie = factory.movie(release_date=now().date())
    starts = (now() + timedelta(hours=23)).replace(second=0, microsecond=0)
    showtimes = [factory.showtime(screen, movie, starts_at=starts - timedelta(hours=3 * i)) for i in range(3)]
    # Customers look at the first two; nobody has the third's map open.
    seat_maps = [client.get(f"/api/showtimes/{s.id}/seats").json for s in showtimes[:2]]
    before = [seat_map["seats"][0]["price_minor"] for seat_map in seat_maps]

    assert reprice_upcoming_showtimes()["changed"] == 3  # nobody booked a day ahead: the prices drop
    for showtime, price in zip(showtimes[:2], before, strict=True):
        cached = redis_client.client.get(keys.seat_map_key(showtime.id))
        assert cached is not None and f'"price_minor":{price}' not in cached
        assert client.get(f"/api/showtimes/{showtime.id}/seats").json["seats"][0]["price_minor"] < price
    # A map nobody had cached is built on its next read, with the new price.
    unread = showtimes[2]
    assert redis_client.client.get(keys.seat_map_key(unread.id)) is None
    assert client.get(f"/api/showtimes/{unread.id}/seats").json["seats"][0]["price_minor"] < before[0]
