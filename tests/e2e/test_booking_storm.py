"""Concurrency through a real Gunicorn (several worker processes) over HTTP.

Hundreds of customers race for the seats of one showtime, and managers race for one screen.
Afterwards the database, Redis and the seat map must agree: no seat sold twice, nothing
half-written.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text

from app.bookings import keys
from app.common.clock import now
from app.extensions import db, redis_client
from tests.e2e.conftest import gunicorn_server, server_env

CLIENTS = 240
THREADS = 32

pytestmark = pytest.mark.slow


@pytest.fixture
def server(app, tmp_path):
    """Gunicorn with 4 workers on the test database and Redis, signing tokens like the tests."""
    env = server_env(WEB_CONCURRENCY="4", APP_ENV="development", SECRET_KEY=app.config["SECRET_KEY"],
                     JWT_SECRET_KEY=app.config["JWT_SECRET_KEY"], RATELIMIT_ENABLED="false",
                     INSTANCE_DIR=str(tmp_path))
    with gunicorn_server(env) as base:
        yield base


def test_customers_racing_for_one_showtime_never_share_a_seat(server, factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=4, seats_per_row=10)
    showtime_id = factory.showtime(screen, factory.movie()).id  # plain ids: threads have no app context
    seat_rows = [[s.id for s in factory.seats(screen) if s.grid_row == row] for row in range(4)]
    customers = [factory.user() for _ in range(CLIENTS)]
    tokens = [factory.token(c) for c in customers]
    rng = random.Random(7)
    # Every customer wants 1-4 neighbouring seats in the same few rows: heavy contention.
    wishes = []
    for _ in customers:
        row = rng.choice(seat_rows)
        size = rng.randint(1, 4)
        start = rng.randint(0, len(row) - size)
        wishes.append(row[start:start + size])
    plans = [rng.choice(["book", "book", "book", "book_then_cancel", "release", "keep"]) for _ in customers]
    outcomes: list[dict] = [{} for _ in customers]

    def customer(i: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[i]}"}
        with httpx.Client(base_url=server, headers=headers, timeout=20) as http:
            held = http.post("/api/bookings/hold", json={"showtime_id": showtime_id, "seat_ids": wishes[i]})
            outcomes[i]["hold"] = held.status_code
            assert held.status_code in (201, 409), held.text
            if held.status_code != 201:
                assert set(held.json()["errors"]["seat_ids"]) <= set(wishes[i])
                return
            hold_id = held.json()["hold_id"]
            outcomes[i]["hold_id"] = hold_id
            if plans[i] == "release":
                outcomes[i]["release"] = http.delete(f"/api/bookings/hold/{hold_id}").status_code
                return
            if plans[i] == "keep":
                return
            booked = http.post("/api/bookings", json={"hold_id": hold_id})
            outcomes[i]["book"] = booked.status_code
            assert booked.status_code == 201, booked.text
            outcomes[i]["booking"] = booked.json()
            # a client sees its own seats as sold at once, whatever the cache held a moment ago
            seat_map = http.get(f"/api/showtimes/{showtime_id}/seats").json()
            mine = {s["id"]: s["status"] for s in seat_map["seats"] if s["id"] in wishes[i]}
            assert set(mine.values()) == {"sold"}, mine
            if plans[i] == "book_then_cancel":
                cancelled = http.delete(f"/api/bookings/{booked.json()['id']}")
                outcomes[i]["cancel"] = cancelled.status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(customer, range(CLIENTS)))
    elapsed = time.monotonic() - started
    assert elapsed < 60

    holds_won = [o for o in outcomes if o.get("hold") == 201]
    assert holds_won and len(holds_won) < CLIENTS  # there was real contention
    assert all(o.get("cancel", 200) == 200 and o.get("release", 204) == 204 for o in outcomes)

    db.session.remove()
    # 1. No seat is in two active bookings (the index makes it impossible; prove it anyway).
    doubles = db.session.execute(text(
        "SELECT seat_id FROM booking_seats WHERE showtime_id = :s AND active "
        "GROUP BY seat_id HAVING count(*) > 1"
    ), {"s": showtime_id}).all()
    assert doubles == []
    # 2. Nothing half-written: every booking has its seats, totals add up, seats are active
    #    exactly when the booking is.
    bookings = db.session.execute(text(
        "SELECT b.id, b.status, b.total_minor, count(bs.id), coalesce(sum(bs.price_minor), 0), "
        "bool_and(bs.active = (b.status IN ('pending_payment', 'confirmed'))) "
        "FROM bookings b LEFT JOIN booking_seats bs ON bs.booking_id = b.id GROUP BY b.id"
    )).all()
    booked_ok = [o for o in outcomes if o.get("book") == 201]
    assert len(bookings) == len(booked_ok)
    for booking_id, _status, total, seat_count, price_sum, consistent in bookings:
        assert seat_count > 0 and total == price_sum and consistent, booking_id
    # every booking the server announced exists with exactly the seats that were held
    by_id = {row[0]: row for row in bookings}
    for outcome, wish in ((o, w) for o, w in zip(outcomes, wishes, strict=True) if o.get("book") == 201):
        assert by_id[outcome["booking"]["id"]][3] == len(wish)
        expected = "cancelled" if outcome.get("cancel") == 200 else "pending_payment"
        assert by_id[outcome["booking"]["id"]][1] == expected
    sold = set(db.session.execute(text(
        "SELECT seat_id FROM booking_seats WHERE showtime_id = :s AND active"), {"s": showtime_id}).scalars())
    # 3. Redis: each live hold owns all of its locks; no lock points at a hold that vanished
    #    unless it is a booked hold's lingering lock on a sold seat.
    client = redis_client.client
    live_holds = {o["hold_id"]: w for o, w in zip(outcomes, wishes, strict=True) if o.get("hold") == 201
                  and "book" not in o and "release" not in o}
    for hold_id, wish in live_holds.items():
        assert client.exists(keys.hold_key(showtime_id, hold_id)) == 1
        assert client.mget([keys.lock_key(showtime_id, s) for s in wish]) == [hold_id] * len(wish)
    held_seats = {s for wish in live_holds.values() for s in wish}
    assert not held_seats & sold
    booked_holds = {o["hold_id"] for o in outcomes if o.get("book") == 201 and "cancel" not in o}
    for key in client.scan_iter(match=f"{keys.lock_prefix(showtime_id)}*"):
        seat_id, owner = int(key.rsplit(":", 1)[1]), client.get(key)
        if owner is None:
            continue
        assert owner in live_holds or (owner in booked_holds and seat_id in sold), (seat_id, owner)
    # 4. The seat map served over HTTP agrees with PostgreSQL and Redis.
    seat_map = httpx.get(f"{server}/api/showtimes/{showtime_id}/seats", timeout=10).json()
    statuses = {s["id"]: s["status"] for s in seat_map["seats"]}
    assert {i for i, s in statuses.items() if s == "sold"} == sold
    assert {i for i, s in statuses.items() if s == "held"} == held_seats
    assert Counter(statuses.values())["available"] == 40 - len(sold) - len(held_seats)


def test_two_managers_creating_overlapping_showtimes_at_once_exactly_one_wins(server, factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=1, seats_per_row=4)
    movie_id, screen_id = factory.movie().id, screen.id
    managers = [factory.user("manager", cinemas=[cinema]) for _ in range(8)]
    tokens = [factory.token(m) for m in managers]
    start = (now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    barrier = threading.Barrier(len(managers))

    def manager(i: int) -> httpx.Response:
        body = {"movie_id": movie_id, "screen_id": screen_id,
                "starts_at": (start + timedelta(minutes=5 * i)).isoformat()}
        with httpx.Client(base_url=server, timeout=20,
                          headers={"Authorization": f"Bearer {tokens[i]}"}) as http:
            http.get("/healthz")  # connect first, so the writes leave together
            barrier.wait(timeout=10)
            return http.post("/api/schedule/showtime", json=body)

    with ThreadPoolExecutor(max_workers=len(managers)) as pool:
        responses = list(pool.map(manager, range(len(managers))))
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 1, 409: len(managers) - 1}, [r.text for r in responses]
    winner = next(r.json()["id"] for r in responses if r.status_code == 201)
    for loser in (r for r in responses if r.status_code == 409):
        assert loser.json()["reason"] == "showtime_overlap"
        assert loser.json()["errors"]["conflicting_showtime"]["id"] == winner
    db.session.remove()
    live = db.session.execute(text("SELECT count(*) FROM showtimes WHERE screen_id = :s"),
                              {"s": screen_id}).scalar()
    assert live == 1
