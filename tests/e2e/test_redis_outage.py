"""Redis dies under a real Gunicorn and comes back empty: degraded, never broken.

The test runs its own ``redis-server`` on a spare port (and stops only that one, by pid),
so the shared Redis is never touched. While it is down, what PostgreSQL can answer is
answered (catalogue, showtimes, booking reads, logins, authentication with durable
revocations); what needs Redis (seat maps, holds) is a JSON 503 with Retry-After; nothing is
a 500. After it restarts empty, holds work again without restarting Gunicorn, a logout made
before the crash is still refused, and no seat is sold twice.
"""

from __future__ import annotations

import time

import httpx
import pytest

from tests.e2e.conftest import free_port, gunicorn_server, own_redis, server_env
from tests.factories import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_port() -> int:
    return free_port()


@pytest.fixture
def server(app, redis_port):
    with own_redis(redis_port) as first_redis:
        env = server_env(SECRET_KEY="outage-secret", JWT_SECRET_KEY="outage-jwt-secret-of-sufficient-length",
                         REDIS_URL=f"redis://127.0.0.1:{redis_port}/0", WEB_CONCURRENCY="2",
                         RQ_ASYNC="false", RATELIMIT_ENABLED="true")
        with gunicorn_server(env) as base:
            yield base, first_redis


def _json_error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, (response.request.url, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def test_redis_killed_and_restarted_empty(server, redis_port, factory):
    base, first_redis = server
    customer = factory.user("customer", email="outage@example.test")
    cinema = factory.cinema()
    showtime = factory.showtime(factory.screen(cinema, rows=2, seats_per_row=6), factory.movie("Outage"))
    seats = [seat.id for seat in factory.seats(showtime.screen)]
    showtime_id, movie_id = showtime.id, showtime.movie_id

    with httpx.Client(base_url=base, timeout=15) as http:
        def login() -> dict:
            answer = http.post("/api/auth/login", json={"email": customer.email, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        auth, logged_out = login(), login()
        assert http.post("/api/auth/logout", headers=logged_out).status_code == 204
        hold = http.post("/api/bookings/hold", headers=auth,
                         json={"showtime_id": showtime_id, "seat_ids": seats[:2]})
        assert hold.status_code == 201, hold.text
        booking = http.post("/api/bookings", headers=auth, json={"hold_id": hold.json()["hold_id"]})
        assert booking.status_code == 201, booking.text
        booking_id = booking.json()["id"]

        first_redis.kill()
        first_redis.wait(timeout=10)

        # Served from PostgreSQL.
        for path in ("/api/movies", f"/api/movies/{movie_id}", "/api/cinemas",
                     f"/api/showtimes?movie_id={movie_id}", "/healthz"):
            assert http.get(path).status_code == 200, path
            assert http.get(path, headers=auth).status_code == 200, path
        assert http.get(f"/api/bookings/{booking_id}", headers=auth).status_code == 200
        assert http.get("/api/auth/me", headers=auth).status_code == 200
        assert login()
        assert _json_error(http.get("/api/auth/me", headers=logged_out), 401)["reason"] == "token_revoked"

        # Needs Redis: a clear, retryable refusal.
        for answer in (http.get(f"/api/showtimes/{showtime_id}/seats"),
                       http.post("/api/bookings/hold", headers=auth,
                                 json={"showtime_id": showtime_id, "seat_ids": seats[2:4]})):
            body = _json_error(answer, 503)
            assert body["reason"] == "redis_unavailable" and answer.headers["Retry-After"]
        assert _json_error(http.get("/readyz"), 503)["checks"]["redis"].startswith("down")

        with own_redis(redis_port):
            # Back, empty: no restart of Gunicorn needed.
            deadline = time.monotonic() + 15
            while http.get("/readyz").status_code != 200:
                assert time.monotonic() < deadline, "the API did not see Redis come back"
                time.sleep(0.2)
            assert _json_error(http.get("/api/auth/me", headers=logged_out), 401)["reason"] == "token_revoked"
            assert http.get("/api/auth/me", headers=auth).status_code == 200
            seat_map = http.get(f"/api/showtimes/{showtime_id}/seats")
            assert seat_map.status_code == 200, seat_map.text
            status = {seat["id"]: seat["status"] for seat in seat_map.json()["seats"]}
            assert all(status[seat_id] != "available" for seat_id in seats[:2])
            # The booked seats cannot be held again; free ones can.
            again = http.post("/api/bookings/hold", headers=auth,
                              json={"showtime_id": showtime_id, "seat_ids": seats[:1]})
            assert again.status_code == 409, again.text
            fresh = http.post("/api/bookings/hold", headers=auth,
                              json={"showtime_id": showtime_id, "seat_ids": seats[2:4]})
            assert fresh.status_code == 201, fresh.text
