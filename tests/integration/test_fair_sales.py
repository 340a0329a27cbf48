"""Fair sales: one customer cannot hoard a showtime or many showtimes without paying.

Per showtime, seats held plus seats awaiting payment stop at ``MAX_UNPAID_SEATS_PER_SHOWTIME``;
over all showtimes, live holds plus bookings awaiting payment stop at ``MAX_UNPAID_CHECKOUTS``.
Staff are exempt. Both counts live in Redis (the hold path reads no table) and are rebuilt from
PostgreSQL when Redis has lost them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from app.bookings import keys, lua
from app.bookings.hold_lifecycle import claim_hold, find_hold
from app.bookings.service import expire_unpaid_bookings
from app.bookings.unpaid import load_checkouts, not_taken_call, open_checkout_call, released_checkout_call
from app.common import clock
from app.extensions import db, redis_client
from app.models import PromoCode, Showtime
from tests.integration.test_query_budget import statements
from tests.payments_support import pending_booking

SEAT_LIMIT = 10
CHECKOUT_LIMIT = 3


@pytest.fixture(autouse=True)
def limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UNPAID_SEATS_PER_SHOWTIME", SEAT_LIMIT)
    monkeypatch.setitem(app.config, "MAX_UNPAID_CHECKOUTS", CHECKOUT_LIMIT)
    monkeypatch.setitem(app.config, "MAX_SEATS_PER_HOLD", 12)  # so one hold can ask past the limit


@pytest.fixture
def cinema(factory):
    return factory.cinema()


@pytest.fixture
def showtimes(factory, cinema):
    """Five showtimes of one screen of 3 x 10 seats: (id, seat ids) each."""
    screen = factory.screen(cinema, rows=3, seats_per_row=10)
    movie = factory.movie()
    seats = [seat.id for seat in factory.seats(screen)]
    start = clock.now() + timedelta(days=1)
    return [(factory.showtime(screen, movie, starts_at=start + timedelta(hours=4 * i)).id, seats)
            for i in range(5)]


def hold(client, headers, showtime_id, seat_ids):
    return client.post("/api/bookings/hold", headers=headers,
                       json={"showtime_id": showtime_id, "seat_ids": seat_ids})


def book(client, headers, showtime_id, seat_ids) -> dict:
    held = hold(client, headers, showtime_id, seat_ids)
    assert held.status_code == 201, held.json
    booked = client.post("/api/bookings", headers=headers, json={"hold_id": held.json["hold_id"]})
    assert booked.status_code == 201, booked.json
    return booked.json


def pay(client, headers, booking_id):
    """Pay through the payments API, as the customer does."""
    return client.post("/api/payments/process", headers=headers,
                       json={"booking_id": booking_id, "payment_method": "pm_card_visa"})


def refused(response, reason: str) -> dict:
    assert response.status_code == 409, response.json
    assert response.json["reason"] == reason, response.json
    return response.json


class TestSeatsPerShowtime:
    @pytest.mark.parametrize(("booked", "asked", "allowed"), [
        (0, 11, False),   # one hold past the limit
        (0, 10, True),    # exactly the limit
        (6, 5, False),    # awaiting payment plus held
        (6, 4, True),
        (10, 1, False),   # everything awaiting payment already
    ])
    def test_the_eleventh_seat_is_refused(self, client, factory, showtimes, booked, asked, allowed):
        showtime_id, seats = showtimes[0]
        headers = factory.headers(factory.user())
        if booked:
            book(client, headers, showtime_id, seats[:booked])
        response = hold(client, headers, showtime_id, seats[booked:booked + asked])
        if allowed:
            assert response.status_code == 201, response.json
            return
        body = refused(response, "seat_limit_reached")
        assert body["errors"] == {"limit": SEAT_LIMIT, "unpaid_seats": booked, "requested": asked}
        assert f"At most {SEAT_LIMIT} seats" in body["message"]
        assert f"{booked} awaiting payment and asked for {asked}" in body["message"]
        # Nothing was taken: the seats are still free for anyone.
        assert not any(redis_client.client.exists(keys.lock_key(showtime_id, seat))
                       for seat in seats[booked:booked + asked])

    def test_a_new_hold_replaces_the_old_one_rather_than_adding_to_it(self, client, factory, showtimes):
        showtime_id, seats = showtimes[0]
        headers = factory.headers(factory.user())
        assert hold(client, headers, showtime_id, seats[:10]).status_code == 201
        assert hold(client, headers, showtime_id, seats[10:20]).status_code == 201

    def test_another_customer_and_another_showtime_are_not_affected(self, client, factory, showtimes):
        (first, seats), (second, _) = showtimes[:2]
        hoarder = factory.headers(factory.user())
        book(client, hoarder, first, seats[:10])
        assert hold(client, hoarder, second, seats[:10]).status_code == 201
        assert hold(client, factory.headers(factory.user()), first, seats[10:20]).status_code == 201

    def test_staff_selling_at_the_box_office_are_exempt(self, client, factory, cinema, showtimes):
        showtime_id, seats = showtimes[0]
        headers = factory.headers(factory.user("staff", cinemas=[cinema]))
        for start in (0, 10, 20):
            book(client, headers, showtime_id, seats[start:start + 10])
        for other, _ in showtimes[1:]:
            assert hold(client, headers, other, seats[:10]).status_code == 201

    def test_seats_being_confirmed_already_count(self, client, factory, showtimes):
        showtime_id, seats = showtimes[0]
        customer = factory.user()
        headers = factory.headers(customer)
        held = hold(client, headers, showtime_id, seats[:6]).json
        # The booking is being written: its hold is claimed but not yet sold.
        assert claim_hold(find_hold(held["hold_id"]), 60) == []
        refused(hold(client, headers, showtime_id, seats[6:11]), "seat_limit_reached")
        assert hold(client, headers, showtime_id, seats[6:10]).status_code == 201

    @pytest.mark.parametrize("ending", ["paid", "cancelled", "expired"])
    def test_seats_count_again_once_the_booking_no_longer_awaits_payment(
            self, client, factory, showtimes, ending):
        showtime_id, seats = showtimes[0]
        headers = factory.headers(factory.user())
        booking = book(client, headers, showtime_id, seats[:10])
        refused(hold(client, headers, showtime_id, seats[10:11]), "seat_limit_reached")
        if ending == "paid":
            assert pay(client, headers, booking["id"]).status_code == 200
        elif ending == "cancelled":
            assert client.delete(f"/api/bookings/{booking['id']}", headers=headers).status_code == 200
        else:
            clock.advance(timedelta(minutes=16))
            assert expire_unpaid_bookings() == 1
        assert hold(client, headers, showtime_id, seats[10:20]).status_code == 201

    def test_a_booking_with_nothing_to_pay_does_not_count(self, client, factory, showtimes):
        showtime_id, seats = showtimes[0]
        db.session.add(PromoCode(code="FREE", kind="percent", value=100, scope="basket"))
        db.session.commit()
        headers = factory.headers(factory.user())
        held = client.post("/api/bookings/hold", headers=headers, json={
            "showtime_id": showtime_id, "seat_ids": seats[:10], "promo_code": "FREE"}).json
        booked = client.post("/api/bookings", headers=headers, json={"hold_id": held["hold_id"]}).json
        assert booked["status"] == "confirmed"
        assert hold(client, headers, showtime_id, seats[10:20]).status_code == 201

    def test_the_count_is_rebuilt_from_postgresql_when_redis_lost_it(self, client, factory, showtimes):
        showtime_id, seats = showtimes[0]
        customer = factory.user()
        headers = factory.headers(customer)
        book(client, headers, showtime_id, seats[:4])
        pending_booking(factory, customer, seats=3, showtime=db.session.get(Showtime, showtime_id))  # no hold
        redis_client.client.flushdb()  # every count, lock and mirror gone
        body = refused(hold(client, headers, showtime_id, seats[10:14]), "seat_limit_reached")
        assert body["errors"]["unpaid_seats"] == 7
        assert redis_client.client.hget(keys.unpaid_key(showtime_id), f"u:{customer.id}") == "7"
        assert hold(client, headers, showtime_id, seats[10:13]).status_code == 201


class TestOpenCheckouts:
    def test_a_customer_s_unpaid_bookings_are_read_once_then_holds_read_no_table(
            self, client, factory, showtimes):
        (first, seats), (second, _) = showtimes[:2]
        for showtime_id in (first, second):  # both showtimes' sales facts are known
            assert hold(client, factory.headers(factory.user()), showtime_id, seats[:1]).status_code == 201
        headers = factory.headers(factory.user())
        assert client.get("/api/auth/me", headers=headers).status_code == 200  # and the token
        with statements() as seen:
            assert hold(client, headers, first, seats[1:3]).status_code == 201
        assert seen == ["SELECT"]  # this customer's bookings awaiting payment
        with statements() as seen:
            assert hold(client, headers, first, seats[3:5]).status_code == 201
            assert hold(client, headers, second, seats[3:5]).status_code == 201
        assert seen == []

    def test_a_fourth_showtime_is_refused_until_one_is_released(self, client, factory, showtimes):
        customer = factory.user()
        headers = factory.headers(customer)
        for showtime_id, seats in showtimes[:3]:
            assert hold(client, headers, showtime_id, seats[:2]).status_code == 201
        fourth, seats = showtimes[3]
        body = refused(hold(client, headers, fourth, seats[:2]), "pending_limit_reached")
        assert body["errors"] == {"limit": CHECKOUT_LIMIT, "open": CHECKOUT_LIMIT}
        assert f"At most {CHECKOUT_LIMIT}" in body["message"] and "you have 3" in body["message"]
        # The refused hold took nothing.
        assert redis_client.client.get(keys.lock_key(fourth, seats[0])) is None
        assert redis_client.client.get(keys.user_hold_key(fourth, customer.id)) is None
        # Changing seats where one already holds is no new checkout.
        assert hold(client, headers, showtimes[0][0], seats[2:4]).status_code == 201
        replaced = client.get(f"/api/showtimes/{showtimes[0][0]}/seats").json["counts"]["held"]
        assert replaced == 2
        release = hold(client, headers, showtimes[1][0], seats[4:6]).json["hold_id"]
        assert client.delete(f"/api/bookings/hold/{release}", headers=headers).status_code == 204
        assert hold(client, headers, fourth, seats[:2]).status_code == 201

    def test_bookings_awaiting_payment_count_until_paid(self, client, factory, showtimes):
        headers = factory.headers(factory.user())
        bookings = [book(client, headers, showtime_id, seats[:1]) for showtime_id, seats in showtimes[:3]]
        fourth, seats = showtimes[3]
        refused(hold(client, headers, fourth, seats[:1]), "pending_limit_reached")
        assert pay(client, headers, bookings[0]["id"]).status_code == 200
        assert hold(client, headers, fourth, seats[:1]).status_code == 201

    def test_a_failed_hold_does_not_count(self, client, factory, showtimes):
        headers = factory.headers(factory.user())
        rival = factory.headers(factory.user())
        for showtime_id, seats in showtimes[:3]:
            assert hold(client, rival, showtime_id, seats[:1]).status_code == 201
            refused(hold(client, headers, showtime_id, seats[:1]), "seats_taken")
        for showtime_id, seats in showtimes[:3]:
            assert hold(client, headers, showtime_id, seats[1:2]).status_code == 201

    def test_a_cancelled_showtime_frees_its_holds_places(self, client, factory, cinema, showtimes):
        headers = factory.headers(factory.user())
        for showtime_id, seats in showtimes[:3]:
            assert hold(client, headers, showtime_id, seats[:1]).status_code == 201
        manager = factory.headers(factory.user("manager", cinemas=[cinema]))
        cancelled = client.delete(f"/api/schedule/showtime/{showtimes[0][0]}", headers=manager)
        assert cancelled.status_code == 200, cancelled.json
        assert hold(client, headers, showtimes[3][0], showtimes[3][1][:1]).status_code == 201

    def test_rebuilt_from_postgresql_when_redis_lost_them(self, client, factory, showtimes):
        customer = factory.user()
        headers = factory.headers(customer)
        for showtime_id, seats in showtimes[:3]:
            book(client, headers, showtime_id, seats[:1])
        redis_client.client.flushdb()
        refused(hold(client, headers, showtimes[3][0], showtimes[3][1][:1]), "pending_limit_reached")

    def test_racing_holds_of_one_customer_never_pass_the_limit(self, app, factory, showtimes):
        headers = factory.headers(factory.user())
        with app.test_client() as client:  # loads the count before the race
            assert hold(client, headers, showtimes[0][0], showtimes[0][1][:1]).status_code == 201

        def attempt(showtime):
            with app.test_client() as racer:
                answer = hold(racer, headers, showtime[0], showtime[1][:1])
                return answer.status_code, (answer.json or {}).get("reason")

        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = sorted(pool.map(attempt, showtimes[1:]), key=lambda answer: answer[0])
        assert [code for code, _ in answers] == [201, 201, 409, 409], answers
        assert {reason for code, reason in answers if code == 409} == {"pending_limit_reached"}, answers


class TestCheckoutsScripts:
    """The customer's checkouts span hash slots, so a hold counts itself in one script and ends
    in another: a hold counted later is never uncounted by an earlier one ending."""

    @pytest.fixture
    def counted(self, app):
        load_checkouts(7)

        def at(showtime_id: int) -> bool:
            return redis_client.client.zscore(keys.checkouts_key(7), f"h:{showtime_id}") is not None

        return at

    def count(self, showtime_id: int, hold_id: str) -> list:
        return lua.run_together([open_checkout_call(7, showtime_id, hold_id, 300)])[0]

    def test_releasing_a_hold_keeps_the_showtime_of_a_newer_hold(self, counted):
        assert self.count(42, "42-a") == [1, ""]
        assert 0 < redis_client.client.ttl(keys.latest_holds_key(7)) <= 86_400  # nothing kept forever
        assert self.count(42, "42-b") == [1, "42-a"]  # a new hold there, being taken
        lua.run_together([released_checkout_call(7, 42, "42-a")])
        assert counted(42)
        lua.run_together([released_checkout_call(7, 42, "42-b")])
        assert not counted(42)

    def test_a_new_hold_not_given_hands_the_showtime_back(self, counted):
        self.count(42, "42-a")
        self.count(42, "42-b")
        lua.run_together([not_taken_call(7, 42, "42-b", "42-a")])  # seats taken: 42-a is still live
        assert counted(42)
        lua.run_together([released_checkout_call(7, 42, "42-a")])
        assert not counted(42)

    def test_a_first_hold_not_given_leaves_nothing(self, counted):
        self.count(42, "42-a")
        lua.run_together([not_taken_call(7, 42, "42-a", "")])
        assert not counted(42)

    def test_a_showtime_counts_once_however_often_it_is_held(self, app):
        load_checkouts(7)
        for n in range(20):
            self.count(42, f"42-{n}")
        for showtime_id in (43, 44):
            assert self.count(showtime_id, f"{showtime_id}-a")[0] == 1
        assert self.count(45, "45-a") == [0, CHECKOUT_LIMIT]
        assert redis_client.client.zcard(keys.checkouts_key(7)) == CHECKOUT_LIMIT + 1  # and the marker
