"""What lets a hold skip the database: the sales context in worker memory (kept honest by the
sales epoch) and the sold-seat mirror in Redis (kept honest by its generation and reloads)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, update

from app.bookings import keys, lua
from app.bookings.epoch import current_epoch
from app.bookings.inventory import sell
from app.common import clock
from app.common.clock import now
from app.extensions import db, redis_client
from app.models import PricingRule, SeatCategoryPrice, Showtime
from tests.payments_support import paid_booking


@pytest.fixture
def venue(factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=2, seats_per_row=5)
    showtime = factory.showtime(screen, factory.movie())
    return {"cinema": cinema, "showtime": showtime, "seats": [s.id for s in factory.seats(screen)]}


def hold(client, factory, user, showtime_id, seat_ids):
    return client.post("/api/bookings/hold", json={"showtime_id": showtime_id, "seat_ids": seat_ids},
                       headers=factory.headers(user))


def held_price(client, factory, venue, seat_index: int) -> int:
    response = hold(client, factory, factory.user(), venue["showtime"].id, [venue["seats"][seat_index]])
    assert response.status_code == 201, response.json
    return response.json["seats"][0]["price_minor"]


def book(client, factory, user, showtime_id, seat_ids) -> dict:
    held = hold(client, factory, user, showtime_id, seat_ids)
    assert held.status_code == 201, held.json
    booked = client.post("/api/bookings", json={"hold_id": held.json["hold_id"]},
                         headers=factory.headers(user))
    assert booked.status_code == 201, booked.json
    return booked.json


class TestSalesContext:
    def test_a_committed_price_change_is_quoted_by_the_very_next_hold(self, client, factory, venue):
        assert held_price(client, factory, venue, 0) == 1000
        price = db.session.scalar(select(SeatCategoryPrice).where(
            SeatCategoryPrice.cinema_id == venue["cinema"].id, SeatCategoryPrice.category == "standard"))
        price.amount_minor = 1500
        db.session.commit()
        # This worker still remembers 1000: the hold script's round trip sees the new epoch, and
        # the hold is undone and taken again at the new price.
        customer = factory.user()
        response = hold(client, factory, customer, venue["showtime"].id, [venue["seats"][1]])
        assert response.status_code == 201 and response.json["seats"][0]["price_minor"] == 1500
        showtime_id, hold_id = venue["showtime"].id, response.json["hold_id"]
        assert redis_client.client.get(keys.lock_key(showtime_id, venue["seats"][1])) == hold_id
        assert redis_client.client.get(keys.user_hold_key(showtime_id, customer.id)) == hold_id
        records = list(redis_client.client.scan_iter(f"{keys.hold_prefix(showtime_id)}{showtime_id}-*"))
        assert len(records) == 2  # the first customer's and this one: the undone attempt left nothing
        seat_map = client.get(f"/api/showtimes/{venue['showtime'].id}/seats").json
        assert {s["price_minor"] for s in seat_map["seats"]} == {1500}

    def test_a_refusal_on_facts_that_changed_is_decided_again(self, client, factory):
        cinema = factory.cinema()
        layout = {"rows": [{"label": "A", "seats": 2, "categories": {"1": "vip"}}]}
        showtime = factory.showtime(factory.screen(cinema, layout=layout), factory.movie())
        vip = next(s.id for s in factory.seats(showtime.screen) if s.category == "vip")
        db.session.execute(delete(SeatCategoryPrice).where(SeatCategoryPrice.cinema_id == cinema.id,
                                                           SeatCategoryPrice.category == "vip"))
        db.session.commit()
        refused = hold(client, factory, factory.user(), showtime.id, [vip])
        assert refused.status_code == 409 and refused.json["reason"] == "price_missing"
        db.session.add(SeatCategoryPrice(cinema_id=cinema.id, category="vip", amount_minor=2500))
        db.session.commit()
        response = hold(client, factory, factory.user(), showtime.id, [vip])
        assert response.status_code == 201 and response.json["seats"][0]["price_minor"] == 2500

    def test_a_bulk_update_like_repricing_moves_the_epoch(self, client, factory, venue):
        assert held_price(client, factory, venue, 0) == 1000
        before = current_epoch()
        db.session.execute(update(Showtime.__table__).where(Showtime.__table__.c.id == venue["showtime"].id)
                           .values(dynamic_multiplier=Decimal("1.2")))
        db.session.commit()
        assert current_epoch() != before
        assert held_price(client, factory, venue, 1) == 1200

    def test_holds_and_bookings_leave_the_epoch_alone(self, client, factory, venue):
        customer = factory.user()
        epoch = current_epoch()
        booking = book(client, factory, customer, venue["showtime"].id, venue["seats"][:2])
        cancelled = client.delete(f"/api/bookings/{booking['id']}", headers=factory.headers(customer))
        assert cancelled.status_code == 200
        assert current_epoch() == epoch  # the showtime's facts stay cached through its sales

    def test_an_uncommitted_change_is_not_sold_from(self, client, factory, venue):
        assert held_price(client, factory, venue, 0) == 1000
        db.session.get(Showtime, venue["showtime"].id).dynamic_multiplier = Decimal("2")
        db.session.flush()
        db.session.rollback()
        assert held_price(client, factory, venue, 1) == 1000

    def test_a_rule_starting_later_prices_holds_from_its_start(self, client, factory, venue):
        db.session.add(PricingRule(cinema_id=venue["cinema"].id, name="Flash sale", kind="weekday",
                                   multiplier=Decimal("0.5"), conditions={"weekdays": list(range(7))},
                                   valid_from=now() + timedelta(hours=1)))
        db.session.commit()
        assert held_price(client, factory, venue, 0) == 1000
        clock.advance(timedelta(hours=2))
        try:
            assert held_price(client, factory, venue, 1) == 500
        finally:
            clock.reset()

    def test_a_cancelled_showtime_refuses_holds_at_once(self, client, factory, venue):
        assert held_price(client, factory, venue, 0) == 1000
        manager = factory.user("manager", cinemas=[venue["cinema"]])
        response = client.delete(f"/api/schedule/showtime/{venue['showtime'].id}",
                                 headers=factory.headers(manager))
        assert response.status_code == 200, response.json
        refused = hold(client, factory, factory.user(), venue["showtime"].id, [venue["seats"][1]])
        assert refused.status_code == 409 and refused.json["reason"] == "showtime_cancelled"


class TestSoldMirror:
    def test_is_loaded_from_postgresql_on_first_hold(self, client, factory, venue):
        showtime_id = venue["showtime"].id
        book(client, factory, factory.user(), showtime_id, [venue["seats"][0]])
        redis_client.client.delete(keys.sold_key(showtime_id))
        refused = hold(client, factory, factory.user(), showtime_id, venue["seats"][:2])
        assert refused.status_code == 409 and refused.json["errors"]["seat_ids"] == [venue["seats"][0]]
        assert redis_client.client.sismember(keys.sold_key(showtime_id), str(venue["seats"][0]))
        assert 0 < redis_client.client.ttl(keys.sold_key(showtime_id)) <= 600

    def test_a_sale_it_missed_is_refused_at_confirmation_and_then_reloaded(self, client, factory, venue):
        showtime_id, seat = venue["showtime"].id, venue["seats"][0]
        book(client, factory, factory.user(), showtime_id, [seat])
        # As if the booking's process died between its commit and its Redis step.
        redis_client.client.srem(keys.sold_key(showtime_id), str(seat))
        late = factory.user()
        held = hold(client, factory, late, showtime_id, [seat])
        assert held.status_code == 201  # Redis did not know...
        refused = client.post("/api/bookings", json={"hold_id": held.json["hold_id"]},
                              headers=factory.headers(late))
        assert refused.status_code == 409 and refused.json["reason"] == "seats_taken"  # ...PostgreSQL did
        again = hold(client, factory, factory.user(), showtime_id, [seat])
        assert again.status_code == 409 and again.json["errors"]["seat_ids"] == [seat]

    def test_a_load_read_before_a_sale_is_not_stored(self, app, venue):
        showtime_id, seat = venue["showtime"].id, venue["seats"][0]
        generation = redis_client.client.get(keys.sold_generation_key(showtime_id)) or ""
        sell(showtime_id, f"{showtime_id}-{'0' * 24}", 1, [seat])  # a sale lands meanwhile
        stored = lua.run("load_sold", [keys.sold_key(showtime_id), keys.sold_generation_key(showtime_id)],
                         [generation, 600])
        assert stored == 0 and not redis_client.client.exists(keys.sold_key(showtime_id))

    def test_a_partial_refund_frees_only_the_refunded_seats(self, client, factory):
        customer = factory.user()
        booking, _payment = paid_booking(client, factory, customer, seats=2)
        kept, refunded = booking.seats
        showtime_id = booking.showtime_id
        # The mirror is loaded (both seats sold) before the refund.
        taken = hold(client, factory, factory.user(), showtime_id, [kept.seat_id, refunded.seat_id])
        assert taken.status_code == 409
        manager = factory.user("manager", cinemas=[booking.showtime.cinema_id])
        response = client.post("/api/payments/refund", headers=factory.headers(manager),
                               json={"booking_id": booking.id, "booking_seat_ids": [refunded.id]})
        assert response.status_code == 201, response.json
        assert hold(client, factory, factory.user(), showtime_id, [refunded.seat_id]).status_code == 201
        still_sold = hold(client, factory, factory.user(), showtime_id, [kept.seat_id])
        assert still_sold.status_code == 409 and still_sold.json["errors"]["seat_ids"] == [kept.seat_id]

    def test_a_mirror_that_cannot_be_loaded_answers_503_with_retry_after(self, client, factory, venue,
                                                                         monkeypatch):
        from app.bookings import holds

        # Every load loses its race against sales (the generation keeps moving).
        monkeypatch.setattr(holds, "load_sold_mirror", lambda showtime_id: False)
        response = hold(client, factory, factory.user(), venue["showtime"].id, [venue["seats"][0]])
        assert response.status_code == 503 and response.json["reason"] == "sales_busy"
        assert response.headers["Retry-After"] == "1"
        assert not redis_client.client.exists(keys.lock_key(venue["showtime"].id, venue["seats"][0]))


def test_the_epoch_listeners_are_installed_by_the_app_factory_not_by_an_import(app):
    import importlib

    from sqlalchemy import event

    from app.bookings import epoch

    def installed() -> list[bool]:
        return [event.contains(db.session, name, listener) for name, listener in epoch._LISTENERS]

    assert installed() == [True, True, True]  # create_app installed them
    for name, listener in epoch._LISTENERS:
        event.remove(db.session, name, listener)
    epoch = importlib.reload(epoch)
    try:
        assert installed() == [False, False, False]
    finally:
        epoch.install_epoch_listeners(app)
    assert installed() == [True, True, True]
