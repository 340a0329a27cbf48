"""The repricing job on PostgreSQL with guard rails and learning: prices stay within what managers
set, a film's bookings move its showtimes' estimates, and the price-change log says why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.common import clock
from app.extensions import db
from app.models import Booking, BookingSeat, PriceChange, Seat, Showtime
from app.pricing.repricing import reprice_upcoming_showtimes

# A Tuesday afternoon: demand depends on weekday and hour, so "now" is pinned.
TUESDAY = datetime(2030, 1, 8, 16, 0, tzinfo=UTC)
LAYOUT = {"rows": [{"label": "A", "seats": 10}, {"label": "B", "seats": 10}, {"label": "C", "seats": 10},
                   {"label": "D", "seats": 10, "category": "premium"}]}
RAILS = {
    "category_bounds": [{"category": "standard", "floor_minor": 960, "ceiling_minor": 1100},
                        {"category": "premium", "ceiling_minor": 1500}],
    "max_daily_change_bp": 500,
    "no_rise_hours": 6,
}


@pytest.fixture
def at():
    clock.advance(TUESDAY - clock.now())
    return clock.now()


@pytest.fixture
def venue(factory, at):
    cinema = factory.cinema()
    manager = factory.user("manager", cinemas=[cinema])
    return cinema, manager, factory.movie(release_date=at.date())


def _screen(factory, cinema):
    return factory.screen(cinema, layout=LAYOUT)


def _seats_of(showtime) -> list[Seat]:
    """The showtime's seats, standard ones first."""
    seats = db.session.scalars(db.select(Seat).where(Seat.screen_id == showtime.screen_id).order_by(Seat.id))
    return sorted(seats, key=lambda seat: seat.category != "standard")


def _book(factory, showtime, count: int, booked_at: datetime | None = None) -> None:
    seats = _seats_of(showtime)
    booking = Booking(reference=f"B{showtime.id}-{count}", user_id=factory.user().id, showtime_id=showtime.id,
                      currency="GBP", status="confirmed", created_at=booked_at or clock.now())
    db.session.add(booking)
    db.session.flush()
    db.session.add_all(BookingSeat(booking_id=booking.id, showtime_id=showtime.id, seat_id=seat.id,
                                   category=seat.category, price_minor=1000) for seat in seats[:count])
    db.session.commit()


def _list_prices(client, showtime) -> dict[str, int]:
    """The full price a customer is quoted now, per seat category."""
    seats = {seat.category: seat.id for seat in reversed(_seats_of(showtime))}
    response = client.post("/api/pricing/calculate", json={
        "showtime_id": showtime.id, "seats": [{"seat_id": seat} for seat in seats.values()]})
    assert response.status_code == 200, response.json
    return {line["category"]: line["list_minor"] for line in response.json["lines"]}


def _multiplier(showtime) -> Decimal:
    db.session.expire_all()
    return db.session.get(Showtime, showtime.id).dynamic_multiplier


def _change(showtime) -> PriceChange | None:
    return db.session.scalars(db.select(PriceChange).where(PriceChange.showtime_id == showtime.id)
                              .order_by(PriceChange.id.desc())).first()


def test_the_job_keeps_prices_within_floor_ceiling_daily_limit_and_no_rise_window(client, factory, venue, at):
    cinema, manager, movie = venue
    put = client.put(f"/api/pricing/guard-rails/{cinema.id}", json=RAILS, headers=factory.headers(manager))
    assert put.status_code == 200, put.json
    hour = timedelta(hours=1)

    def show(hours: float, **fields) -> Showtime:
        return factory.showtime(_screen(factory, cinema), movie, starts_at=at + hours * hour, **fields)

    hot = show(20)  # sells far ahead of the curve: the engine wants x1.10
    _book(factory, hot, 30)
    late_hot = show(4)  # as hot, but inside the no-rise window
    _book(factory, late_hot, 30)
    quiet = show(23)  # nobody booked a day ahead: the engine wants x0.90
    # Priced over the premium ceiling (1400 x 1.3 = 1820 > 1500) a minute ago: moves inside now.
    over = show(30, dynamic_multiplier=Decimal("1.3"), price_changed_at=at - timedelta(minutes=1))
    _book(factory, over, 10)
    # Raised from x0.95 fifteen hours ago: within 24 hours it may span 0.05 at most, so no rise yet.
    raised = show(20, price_changed_at=at - 15 * hour)
    _book(factory, raised, 30)
    db.session.add(PriceChange(showtime_id=raised.id, old_multiplier=Decimal("0.95"),
                               new_multiplier=Decimal("1"), reason="dynamic", details={},
                               created_at=at - 15 * hour))
    db.session.commit()
    before = {s.id: _multiplier(s) for s in (hot, late_hot, quiet, over, raised)}

    summary = reprice_upcoming_showtimes()
    assert summary["considered"] == 5

    after = {s.id: _multiplier(s) for s in (hot, late_hot, quiet, over, raised)}
    for showtime in (hot, late_hot, quiet, over, raised):
        prices = _list_prices(client, showtime)
        assert 960 <= prices["standard"] <= 1100 and prices["premium"] <= 1500, (showtime.id, prices)
    # No change above the daily limit (the forced move into the ceiling aside) ...
    assert after[hot.id] == Decimal("1.050") and "DAILY_LIMIT" in _change(hot).details["flags"]
    assert after[quiet.id] == Decimal("0.960") and _change(quiet).details["flags"] == "CHANGED|FLOOR"
    assert after[raised.id] == Decimal("1.000") and _change(raised).details == {}
    # ... no rise inside the window ...
    assert after[late_hot.id] == before[late_hot.id]
    # ... and a price outside the ceiling moves inside at once, rate limit or not.
    assert after[over.id] <= Decimal("1.071") and _change(over).details["driver"] == "ceiling"
    assert "ceiling" in _change(over).details["why"]


def test_a_film_selling_far_above_the_curve_is_estimated_above_a_flop(client, factory, venue, at):
    cinema, manager, hit = venue
    flop = factory.movie(release_date=at.date())
    day = timedelta(days=1)
    targets, selling = {}, {}
    for film, sold in ((hit, 30), (flop, 0)):
        # Yesterday's show (evidence only: never repriced) and two on sale, 30 hours out.
        past = factory.showtime(_screen(factory, cinema), film, starts_at=at - day)
        _book(factory, past, 40 if sold else 0, booked_at=at - day - timedelta(hours=2))
        selling[film.id] = [factory.showtime(_screen(factory, cinema), film,
                                             starts_at=at + timedelta(hours=30)) for _ in range(2)]
        for showtime in selling[film.id]:
            _book(factory, showtime, sold)
        # The showtimes compared: the same slot two days out, nothing booked yet.
        targets[film.id] = factory.showtime(_screen(factory, cinema), film, starts_at=at + 2 * day)
    past_prices = {s.id: s.dynamic_multiplier for s in
                   db.session.scalars(db.select(Showtime).where(Showtime.starts_at < at))}

    assert reprice_upcoming_showtimes()["considered"] == 6

    hit_change, flop_change = _change(targets[hit.id]), _change(targets[flop.id])
    hit_estimate = hit_change.details["appeal"] * hit_change.details["pace"]
    flop_estimate = flop_change.details["appeal"] * flop_change.details["pace"]
    assert hit_change.details["appeal"] > 2 and flop_change.details["appeal"] < 0.5
    assert hit_estimate > 2 > 0.5 > flop_estimate
    assert hit_change.details["expected_revenue_minor"] > 5 * flop_change.details["expected_revenue_minor"]
    assert flop_change.details["driver"] == "appeal"
    assert "the film books at 0.1" in flop_change.details["why"]
    assert min(map(_multiplier, selling[hit.id])) > Decimal("1") >= max(map(_multiplier, selling[flop.id]))
    # Yesterday's shows informed the estimates but kept their prices; every row's exposure is stored.
    assert {i: _multiplier(db.session.get(Showtime, i)) for i in past_prices} == past_prices
    exposures = db.session.execute(db.select(Showtime.demand_exposure, Showtime.exposure_at)).all()
    (run_at,) = {exposure_at for _exposure, exposure_at in exposures}
    assert all(exposure > 0 for exposure, _at in exposures) and at <= run_at < clock.now()

    # An hour later every showtime on sale has been exposed to more demand, stored with the time.
    hour = timedelta(hours=1)
    clock.advance(hour)
    before = {s.id: s.demand_exposure for s in db.session.scalars(db.select(Showtime))}
    reprice_upcoming_showtimes()
    db.session.expire_all()
    for showtime in db.session.scalars(db.select(Showtime).where(Showtime.starts_at > at)):
        assert showtime.demand_exposure > before[showtime.id] and showtime.exposure_at > run_at + hour


def test_the_price_change_log_says_which_signal_moved_a_price(client, factory, venue, at):
    cinema, manager, movie = venue
    showtime = factory.showtime(_screen(factory, cinema), movie, starts_at=at + timedelta(hours=20))
    _book(factory, showtime, 30)
    reprice_upcoming_showtimes()

    history = client.get(f"/api/pricing/showtimes/{showtime.id}/history", headers=factory.headers(manager))
    assert history.status_code == 200
    change = history.json["changes"][-1]
    assert change["driver"] in {"pace", "appeal", "occupancy", "time_to_show", "forecast"}
    assert change["why"].startswith("Raised x1.00 -> x1.10: ")
    assert change["flags"].startswith("CHANGED") and change["target_multiplier"] >= "1.100"
    assert change["appeal"] > 1 and change["pace"] > 0
    manual = client.put(f"/api/pricing/showtimes/{showtime.id}/freeze", headers=factory.headers(manager),
                        json={"frozen": True, "multiplier": "1"}).json["changes"][-1]
    assert manual["reason"] == "manual" and manual["driver"] is None and manual["why"] is None


def test_guard_rails_are_set_by_the_cinemas_managers_and_admins_only(client, factory, venue):
    cinema, manager, _movie = venue
    url = f"/api/pricing/guard-rails/{cinema.id}"
    outsider = factory.user("manager", cinemas=[factory.cinema()])
    for method in (client.get, client.put):
        assert method(url, json=RAILS).status_code == 401
        assert method(url, json=RAILS, headers=factory.headers(factory.user())).status_code == 403
        assert method(url, json=RAILS, headers=factory.headers(factory.user("staff", cinemas=[cinema]))
                      ).status_code == 403
        refused = method(url, json=RAILS, headers=factory.headers(outsider))
        assert refused.status_code == 403 and refused.json["reason"] == "cinema_not_assigned"
    assert client.get("/api/pricing/guard-rails/999999", headers=factory.headers(manager)).status_code == 404

    unset = client.get(url, headers=factory.headers(manager))
    assert unset.status_code == 200 and unset.json == {
        "cinema_id": cinema.id, "category_bounds": [], "max_daily_change_bp": None, "no_rise_hours": 0,
        "only_fall": False, "updated_at": None}
    assert client.put(url, json=RAILS, headers=factory.headers(manager)).status_code == 200
    admin = factory.user("admin")
    replaced = client.put(url, headers=factory.headers(admin), json={
        "category_bounds": [{"category": "standard", "floor_minor": 900}, {"category": "vip"}],
        "only_fall": True})
    assert replaced.status_code == 200, replaced.json
    read = client.get(url, headers=factory.headers(manager)).json
    assert read["category_bounds"] == [{"category": "standard", "floor_minor": 900, "ceiling_minor": None}]
    assert read["only_fall"] is True and read["max_daily_change_bp"] is None and read["updated_at"]


@pytest.mark.parametrize(("body", "field"), [
    ({"category_bounds": [{"category": "standard", "floor_minor": 1200, "ceiling_minor": 1100}]},
     ["category_bounds", "0", "floor_minor"]),
    ({"category_bounds": [{"category": "standard"}, {"category": "standard"}]}, ["category_bounds"]),
    ({"category_bounds": [{"category": "balcony", "floor_minor": 1}]}, ["category_bounds", "0", "category"]),
    ({"category_bounds": [{"category": "vip", "ceiling_minor": 0}]},
     ["category_bounds", "0", "ceiling_minor"]),
    ({"max_daily_change_bp": 5}, ["max_daily_change_bp"]),
    ({"no_rise_hours": -1}, ["no_rise_hours"]),
    ({"no_rise_hours": 1.5}, ["no_rise_hours"]),
    ({"only_fall": "yes"}, ["only_fall"]),
])
def test_invalid_guard_rails_are_a_422_naming_the_field(client, factory, venue, body, field):
    cinema, manager, _movie = venue
    response = client.put(f"/api/pricing/guard-rails/{cinema.id}", json=body,
                          headers=factory.headers(manager))
    assert response.status_code == 422, response.json
    errors = response.json["errors"]
    for key in field:
        errors = errors[key]
    assert errors


def test_a_manual_freeze_respects_floor_and_ceiling(client, factory, venue, at):
    cinema, manager, movie = venue
    showtime = factory.showtime(_screen(factory, cinema), movie, starts_at=at + timedelta(days=2))
    client.put(f"/api/pricing/guard-rails/{cinema.id}", json=RAILS, headers=factory.headers(manager))
    url = f"/api/pricing/showtimes/{showtime.id}/freeze"

    for multiplier in ("0.95", "1.1"):  # standard 950 under its floor; premium 1540 over its ceiling
        refused = client.put(url, json={"frozen": True, "multiplier": multiplier},
                             headers=factory.headers(manager))
        assert refused.status_code == 422 and refused.json["reason"] == "multiplier_outside_price_bounds"
        assert "multiplier" in refused.json["errors"]
    assert _multiplier(showtime) == Decimal("1")
    accepted = client.put(url, json={"frozen": True, "multiplier": "1.07"}, headers=factory.headers(manager))
    assert accepted.status_code == 200 and accepted.json["dynamic_multiplier"] == "1.070"
    assert _list_prices(client, showtime) == {"standard": 1070, "premium": 1498}
