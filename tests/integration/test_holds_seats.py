"""Seat maps and seat holds on real PostgreSQL and Redis."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from app import create_app
from app.bookings import keys
from app.common import clock
from app.extensions import db, redis_client
from app.models import SeatCategoryPrice
from tests.conftest import settings_for_tests


@pytest.fixture
def venue(factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=3, seats_per_row=6)
    movie = factory.movie()
    showtime = factory.showtime(screen, movie)
    seats = factory.seats(screen)
    return {"cinema": cinema, "screen": screen, "movie": movie, "showtime": showtime,
            "seats": seats, "customer": factory.user("customer")}


def hold(client, factory, user, showtime_id, seat_ids):
    return client.post("/api/bookings/hold", json={"showtime_id": showtime_id, "seat_ids": seat_ids},
                       headers=factory.headers(user))


def seat_status(client, showtime_id) -> dict[int, str]:
    response = client.get(f"/api/showtimes/{showtime_id}/seats")
    assert response.status_code == 200
    return {seat["id"]: seat["status"] for seat in response.json["seats"]}


def test_seat_map_lists_every_seat_with_place_category_and_price(client, venue):
    response = client.get(f"/api/showtimes/{venue['showtime'].id}/seats")
    assert response.status_code == 200
    body = response.json
    assert body["currency"] == "GBP" and body["showtime_status"] == "scheduled"
    assert len(body["seats"]) == 18
    assert body["counts"] == {"available": 18, "held": 0, "sold": 0, "blocked": 0}
    first = body["seats"][0]
    assert set(first) == {"id", "row", "number", "label", "category", "x", "y", "wheelchair",
                          "companion", "status", "price_minor"}
    assert (first["row"], first["number"], first["label"], first["y"]) == ("A", 1, "A1", 0)
    assert first["price_minor"] == 1000 and first["status"] == "available"


def test_seat_map_of_unknown_showtime_is_404(client, app):
    assert client.get("/api/showtimes/999/seats").status_code == 404


def test_seat_map_shows_blocked_seats_and_screen_price_overrides(client, factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema, layout={"rows": [
        {"label": "A", "seats": 4, "blocked": [4], "categories": {"1": "vip"}}]})
    db.session.add(SeatCategoryPrice(cinema_id=cinema.id, screen_id=screen.id, category="vip",
                                     amount_minor=2600))
    db.session.commit()
    showtime = factory.showtime(screen, factory.movie(), dynamic_multiplier=Decimal("1.25"))
    seats = client.get(f"/api/showtimes/{showtime.id}/seats").json["seats"]
    assert [s["status"] for s in seats] == ["available", "available", "available", "blocked"]
    # screen override 2600 beats the cinema's 2000; x1.25, rounded half-up: 3250 and 1250
    assert [s["price_minor"] for s in seats[:2]] == [3250, 1250]


def test_hold_takes_all_seats_quotes_prices_and_shows_them_held(client, factory, venue):
    seat_ids = [venue["seats"][0].id, venue["seats"][1].id]
    before = seat_status(client, venue["showtime"].id)  # caches the map
    assert before[seat_ids[0]] == "available"
    response = hold(client, factory, venue["customer"], venue["showtime"].id, seat_ids)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["hold_id"].startswith(f"{venue['showtime'].id}-")
    assert [s["seat_id"] for s in body["seats"]] == seat_ids
    assert [s["price_minor"] for s in body["seats"]] == [1000, 1000] and body["total_minor"] == 2000
    assert body["currency"] == "GBP" and body["replaced_hold_id"] is None
    ttl = redis_client.client.pttl(keys.lock_key(venue["showtime"].id, seat_ids[0]))
    assert 295_000 < ttl <= 300_000
    assert redis_client.client.get(keys.lock_key(venue["showtime"].id, seat_ids[0])) == body["hold_id"]
    after = seat_status(client, venue["showtime"].id)  # the cached map was invalidated
    assert after[seat_ids[0]] == after[seat_ids[1]] == "held"


def test_hold_is_all_or_nothing_and_names_the_taken_seats(client, factory, venue):
    a, b, c = (s.id for s in venue["seats"][:3])
    other = factory.user("customer")
    assert hold(client, factory, venue["customer"], venue["showtime"].id, [b]).status_code == 201
    refused = hold(client, factory, other, venue["showtime"].id, [a, b, c])
    assert refused.status_code == 409
    assert refused.json["reason"] == "seats_taken"
    assert refused.json["errors"] == {"seat_ids": [b], "seats": ["A2"]}
    statuses = seat_status(client, venue["showtime"].id)
    assert statuses[a] == statuses[c] == "available"  # nothing of the refused hold remains
    assert redis_client.client.get(keys.lock_key(venue["showtime"].id, a)) is None


def test_two_overlapping_holds_at_once_cannot_both_win(app, factory, venue):
    users = [factory.user("customer") for _ in range(12)]
    seat_ids = [venue["seats"][2].id, venue["seats"][3].id]
    headers = [factory.headers(u) for u in users]
    body = {"showtime_id": venue["showtime"].id, "seat_ids": seat_ids}

    def attempt(h):
        with app.test_client() as c:
            return c.post("/api/bookings/hold", json=body, headers=h).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(attempt, headers))
    assert sorted(codes) == [201] + [409] * 11


def test_hold_expires_by_itself_and_its_seats_show_free_as_it_ends(factory, venue):
    short = create_app(settings_for_tests(HOLD_TTL_SECONDS=1))
    with short.app_context():
        client = short.test_client()
        seat_id = venue["seats"][0].id
        held = hold(client, factory, venue["customer"], venue["showtime"].id, [seat_id])
        assert held.status_code == 201
        seat_map = client.get(f"/api/showtimes/{venue['showtime'].id}/seats").json
        assert next(s["status"] for s in seat_map["seats"] if s["id"] == seat_id) == "held"
        # The map says when the hold ends (nobody announces it), and is cached no longer.
        ends_in = (datetime.fromisoformat(seat_map["holds_end_at"])
                   - datetime.fromisoformat(seat_map["generated_at"]))
        assert timedelta(0) < ends_in <= timedelta(seconds=1)
        assert 0 < redis_client.client.pttl(keys.seat_map_key(venue["showtime"].id)) <= 1000
        time.sleep(1.2)
        assert redis_client.client.get(keys.lock_key(venue["showtime"].id, seat_id)) is None
        seat_map = client.get(f"/api/showtimes/{venue['showtime'].id}/seats").json
        assert next(s["status"] for s in seat_map["seats"] if s["id"] == seat_id) == "available"
        assert seat_map["holds_end_at"] is None
        other = factory.user("customer")
        assert hold(client, factory, other, venue["showtime"].id, [seat_id]).status_code == 201


def test_a_new_hold_replaces_the_users_previous_hold(client, factory, venue):
    a, b, c = (s.id for s in venue["seats"][:3])
    first = hold(client, factory, venue["customer"], venue["showtime"].id, [a, b]).json
    second = hold(client, factory, venue["customer"], venue["showtime"].id, [b, c])
    assert second.status_code == 201  # b was the user's own: not "taken"
    assert second.json["replaced_hold_id"] == first["hold_id"]
    statuses = seat_status(client, venue["showtime"].id)
    assert (statuses[a], statuses[b], statuses[c]) == ("available", "held", "held")
    assert redis_client.client.exists(keys.hold_key(venue["showtime"].id, first["hold_id"])) == 0


def test_release_frees_the_seats_at_once_and_only_the_owner_may(client, factory, venue):
    seat_id = venue["seats"][0].id
    held = hold(client, factory, venue["customer"], venue["showtime"].id, [seat_id]).json
    seat_status(client, venue["showtime"].id)
    other = factory.user("customer")
    assert client.delete(f"/api/bookings/hold/{held['hold_id']}",
                         headers=factory.headers(other)).status_code == 404
    released = client.delete(f"/api/bookings/hold/{held['hold_id']}",
                             headers=factory.headers(venue["customer"]))
    assert released.status_code == 204
    assert seat_status(client, venue["showtime"].id)[seat_id] == "available"
    assert client.delete(f"/api/bookings/hold/{held['hold_id']}",
                         headers=factory.headers(venue["customer"])).status_code == 404


@pytest.mark.parametrize("seat_count, status, reason", [(0, 422, None), (11, 422, "too_many_seats")])
def test_hold_size_is_bounded(client, factory, app, seat_count, status, reason):
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=2, seats_per_row=8)
    showtime = factory.showtime(screen, factory.movie())
    seat_ids = [s.id for s in factory.seats(screen)][:seat_count]
    response = hold(client, factory, factory.user(), showtime.id, seat_ids)
    assert response.status_code == status
    if reason:
        assert response.json["reason"] == reason


def test_seat_limit_is_configurable(factory, venue):
    small = create_app(settings_for_tests(MAX_SEATS_PER_HOLD=2))
    with small.app_context():
        seat_ids = [s.id for s in venue["seats"][:3]]
        response = hold(small.test_client(), factory, venue["customer"], venue["showtime"].id, seat_ids)
        assert response.status_code == 422 and response.json["errors"] == {"limit": 2}


def test_unknown_duplicate_and_blocked_seats_are_refused(client, factory, venue):
    other_screen = factory.screen(venue["cinema"], rows=1, seats_per_row=2)
    foreign = factory.seats(other_screen)[0].id
    own = venue["seats"][0].id
    unknown = hold(client, factory, venue["customer"], venue["showtime"].id, [own, foreign])
    assert unknown.status_code == 422 and unknown.json["errors"] == {"seat_ids": [foreign]}
    duplicate = hold(client, factory, venue["customer"], venue["showtime"].id, [own, own])
    assert duplicate.status_code == 422 and duplicate.json["reason"] == "duplicate_seats"
    venue["seats"][1].is_blocked = True
    db.session.commit()
    blocked = hold(client, factory, venue["customer"], venue["showtime"].id, [venue["seats"][1].id])
    assert blocked.status_code == 409 and blocked.json["reason"] == "seats_taken"


def test_no_holds_for_past_cancelled_or_unknown_showtimes(client, factory, venue):
    seat_id = venue["seats"][0].id
    assert hold(client, factory, venue["customer"], 999, [seat_id]).status_code == 404
    clock.advance(timedelta(days=2))
    past = hold(client, factory, venue["customer"], venue["showtime"].id, [seat_id])
    assert past.status_code == 409 and past.json["reason"] == "showtime_started"
    clock.reset()
    venue["showtime"].status = "cancelled"
    db.session.commit()
    cancelled = hold(client, factory, venue["customer"], venue["showtime"].id, [seat_id])
    assert cancelled.status_code == 409 and cancelled.json["reason"] == "showtime_cancelled"


def test_hold_needs_a_login_and_staff_hold_only_at_their_cinema(client, factory, venue):
    body = {"showtime_id": venue["showtime"].id, "seat_ids": [venue["seats"][0].id]}
    assert client.post("/api/bookings/hold", json=body).status_code == 401
    elsewhere = factory.user("staff", cinemas=[factory.cinema()])
    assert client.post("/api/bookings/hold", json=body, headers=factory.headers(elsewhere)).status_code == 403
    here = factory.user("staff", cinemas=[venue["cinema"]])
    assert client.post("/api/bookings/hold", json=body, headers=factory.headers(here)).status_code == 201


def test_sold_seats_are_refused_even_without_a_redis_lock(client, factory, venue):
    seat_id = venue["seats"][0].id
    held = hold(client, factory, venue["customer"], venue["showtime"].id, [seat_id]).json
    booked = client.post("/api/bookings", json={"hold_id": held["hold_id"]},
                         headers=factory.headers(venue["customer"]))
    assert booked.status_code == 201
    redis_client.client.flushdb()  # Redis forgot everything: PostgreSQL still knows
    refused = hold(client, factory, factory.user(), venue["showtime"].id, [seat_id])
    assert refused.status_code == 409 and refused.json["errors"]["seat_ids"] == [seat_id]


class TestSingleSeatGapRule:
    @pytest.fixture
    def row(self, factory):
        cinema = factory.cinema(prevent_single_seat_gaps=True)
        screen = factory.screen(cinema, layout={"rows": [{"label": "A", "seats": 8, "aisles_after": [4]}]})
        showtime = factory.showtime(screen, factory.movie())
        return showtime, {s.number: s.id for s in factory.seats(screen)}

    def test_refuses_a_gap_between_taken_seats(self, client, factory, row):
        showtime, seat = row
        assert hold(client, factory, factory.user(), showtime.id, [seat[5], seat[6]]).status_code == 201
        response = hold(client, factory, factory.user(), showtime.id, [seat[8]])
        assert response.status_code == 409
        assert response.json["reason"] == "single_seat_gap"
        assert response.json["errors"]["seats"] == ["A7"]
        assert hold(client, factory, factory.user(), showtime.id, [seat[7], seat[8]]).status_code == 201

    def test_refuses_a_gap_beside_an_aisle(self, client, factory, row):
        showtime, seat = row
        # A1-A4 | aisle | A5-A8: taking A3 strands A4 against the aisle
        response = hold(client, factory, factory.user(), showtime.id, [seat[3]])
        assert response.status_code == 409 and response.json["errors"]["seats"] == ["A4"]
        assert hold(client, factory, factory.user(), showtime.id, [seat[2], seat[3]]).status_code == 409
        assert hold(client, factory, factory.user(), showtime.id, [seat[3], seat[4]]).status_code == 201

    def test_is_off_by_default(self, client, factory, venue):
        seat = {s.number: s.id for s in venue["seats"] if s.row_label == "A"}
        assert hold(client, factory, venue["customer"], venue["showtime"].id, [seat[2]]).status_code == 201


def test_changing_seats_does_not_restart_the_countdown(factory, venue):
    """Re-holding every few minutes must not keep seats off sale for ever."""
    short = create_app(settings_for_tests(HOLD_TTL_SECONDS=3))
    showtime_id = venue["showtime"].id
    a, b, c, d = (s.id for s in venue["seats"][:4])
    with short.app_context():
        client = short.test_client()
        first = hold(client, factory, venue["customer"], showtime_id, [a]).json
        time.sleep(1.0)
        second = hold(client, factory, venue["customer"], showtime_id, [b, c])
        assert second.status_code == 201 and second.json["replaced_hold_id"] == first["hold_id"]
        expiry = [datetime.fromisoformat(h["expires_at"]) for h in (first, second.json)]
        assert abs((expiry[1] - expiry[0]).total_seconds()) < 0.2  # the first hold's deadline
        assert 0 < redis_client.client.pttl(keys.lock_key(showtime_id, c)) <= 2100
        time.sleep(2.2)  # past the first deadline, not past a restarted one
        assert redis_client.client.get(keys.lock_key(showtime_id, c)) is None

        fresh = hold(client, factory, venue["customer"], showtime_id, [d]).json  # deadline passed
        assert fresh["replaced_hold_id"] is None
        assert redis_client.client.pttl(keys.lock_key(showtime_id, d)) > 2500


def test_releasing_and_holding_again_does_not_restart_the_countdown(factory, venue):
    short = create_app(settings_for_tests(HOLD_TTL_SECONDS=3))
    showtime_id = venue["showtime"].id
    a, b = (s.id for s in venue["seats"][:2])
    headers = factory.headers(venue["customer"])
    with short.app_context():
        client = short.test_client()
        first = client.post("/api/bookings/hold", headers=headers,
                            json={"showtime_id": showtime_id, "seat_ids": [a]}).json
        time.sleep(1.0)
        assert client.delete(f"/api/bookings/hold/{first['hold_id']}", headers=headers).status_code == 204
        again = client.post("/api/bookings/hold", headers=headers,
                            json={"showtime_id": showtime_id, "seat_ids": [a, b]})
        assert again.status_code == 201 and again.json["replaced_hold_id"] is None
        deadline = datetime.fromisoformat(first["expires_at"])
        assert abs((datetime.fromisoformat(again.json["expires_at"]) - deadline).total_seconds()) < 0.2
        assert 0 < redis_client.client.pttl(keys.lock_key(showtime_id, b)) <= 2100


def test_a_confirmed_hold_leaves_the_next_hold_a_full_countdown(client, factory, venue):
    showtime_id = venue["showtime"].id
    a, b = (s.id for s in venue["seats"][:2])
    first = hold(client, factory, venue["customer"], showtime_id, [a]).json
    booked = client.post("/api/bookings", headers=factory.headers(venue["customer"]),
                         json={"hold_id": first["hold_id"]})
    assert booked.status_code == 201
    second = hold(client, factory, venue["customer"], showtime_id, [b]).json
    assert second["replaced_hold_id"] is None
    assert redis_client.client.pttl(keys.lock_key(showtime_id, b)) > 290_000


def test_no_new_hold_in_the_last_seconds_of_the_countdown(client, factory, venue):
    showtime_id = venue["showtime"].id
    a, b = (s.id for s in venue["seats"][:2])
    first = hold(client, factory, venue["customer"], showtime_id, [a]).json
    deadline = keys.user_deadline_key(showtime_id, venue["customer"].id)
    redis_client.client.pexpire(deadline, 4_000)  # as if almost five minutes had passed
    refused = hold(client, factory, venue["customer"], showtime_id, [b])
    assert refused.status_code == 409 and refused.json["reason"] == "hold_time_up"
    assert refused.headers["Retry-After"] == "4"
    assert seat_status(client, showtime_id)[a] == "held"  # the running hold is untouched
    assert redis_client.client.get(keys.lock_key(showtime_id, a)) == first["hold_id"]


def test_staff_holding_for_walk_in_customers_have_no_countdown(client, factory, venue):
    showtime_id = venue["showtime"].id
    a, b = (s.id for s in venue["seats"][:2])
    clerk = factory.user("staff", cinemas=[venue["cinema"]])
    first = hold(client, factory, clerk, showtime_id, [a]).json
    assert client.delete(f"/api/bookings/hold/{first['hold_id']}",
                         headers=factory.headers(clerk)).status_code == 204
    hold(client, factory, clerk, showtime_id, [b])
    assert redis_client.client.exists(keys.user_deadline_key(showtime_id, clerk.id)) == 0
    assert redis_client.client.pttl(keys.lock_key(showtime_id, b)) > 290_000
