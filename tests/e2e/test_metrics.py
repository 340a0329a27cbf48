"""/metrics through a real Gunicorn with several workers: counts add up across processes."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.e2e.conftest import gunicorn_server, server_env
from tests.factories import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def server(app):
    env = server_env(SECRET_KEY="metrics-secret", JWT_SECRET_KEY="metrics-jwt-secret-of-sufficient-length",
                     WEB_CONCURRENCY="3", RQ_ASYNC="false", RATELIMIT_ENABLED="false")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with gunicorn_server(env) as base:
        yield base


def _value(text: str, name: str, **labels: str) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"^{name}{{(.*)}} (\S+)$", line)
        if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
            total += float(match.group(2))
    return total


def test_a_hold_and_a_booking_are_counted_whichever_worker_served_them(server, factory):
    customer = factory.user("customer", email="metrics@example.test")
    showtime = factory.showtime(factory.screen(factory.cinema(), rows=2, seats_per_row=6), factory.movie())
    seats = [seat.id for seat in factory.seats(showtime.screen)][:2]
    showtime_id = showtime.id
    with httpx.Client(base_url=server, timeout=20) as http:
        token = http.post("/api/auth/login", json={"email": customer.email, "password": PASSWORD})
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        before = _value(http.get("/metrics").text, "cinemaos_http_request_duration_seconds_count",
                        route="/healthz")
        for _ in range(12):  # spread over the workers
            assert http.get("/healthz").status_code == 200
        hold = http.post("/api/bookings/hold", headers=auth,
                         json={"showtime_id": showtime_id, "seat_ids": seats})
        assert hold.status_code == 201, hold.text
        taken = http.post("/api/bookings/hold", headers=auth,
                          json={"showtime_id": showtime_id, "seat_ids": [seats[0], 10**6]})
        assert taken.status_code in (409, 422), taken.text
        booking = http.post("/api/bookings", headers=auth, json={"hold_id": hold.json()["hold_id"]})
        assert booking.status_code == 201, booking.text

        scraped = http.get("/metrics")
        assert scraped.status_code == 200
        assert scraped.headers["content-type"].startswith("text/plain")
        text = scraped.text
    assert _value(text, "cinemaos_sales_total", step="hold", outcome="done") == 1
    assert _value(text, "cinemaos_sales_total", step="booking", outcome="done") == 1
    assert _value(text, "cinemaos_http_request_duration_seconds_count", route="/healthz") == before + 12
    assert _value(text, "cinemaos_http_request_duration_seconds_count",
                  route="/api/bookings/hold", status="201") == 1
    assert _value(text, "cinemaos_queue_jobs", queue="default") >= 0
    assert "cinemaos_queue_workers" in text


def test_metrics_are_not_served_outside_the_allowed_networks(app):
    from app import create_app
    from tests.conftest import settings_for_tests

    guarded = create_app(settings_for_tests(METRICS_ALLOWED_NETWORKS="10.9.9.0/24"))
    assert guarded.test_client().get("/metrics").status_code == 404
    assert guarded.test_client().get(
        "/metrics", environ_base={"REMOTE_ADDR": "10.9.9.7"}).status_code == 200
