"""Login is rate-limited per client IP and per account (Flask-Limiter on Redis)."""

from __future__ import annotations

import time

import pytest

from tests.factories import PASSWORD

LIMIT = 3
WINDOW_SECONDS = 2


@pytest.fixture(autouse=True)
def small_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", f"{LIMIT} per {WINDOW_SECONDS} second")


def attempt(client, email, password="Wrong-password-1", ip="203.0.113.7"):
    return client.post("/api/auth/login", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_the_limit_trips_at_the_configured_count_per_ip_and_resets(client, factory):
    factory.user(email="victim@example.test")
    for n in range(LIMIT):
        assert attempt(client, f"user{n}@example.test").status_code == 401
    blocked = attempt(client, "victim@example.test", PASSWORD)
    assert blocked.status_code == 429
    assert blocked.json["reason"] == "rate_limited"
    retry_after = int(blocked.headers["Retry-After"])
    assert 0 < retry_after <= WINDOW_SECONDS
    # Another client address is not affected.
    assert attempt(client, "victim@example.test", PASSWORD, ip="198.51.100.1").status_code == 200

    time.sleep(WINDOW_SECONDS + 0.2)
    assert attempt(client, "victim@example.test", PASSWORD).status_code == 200


def test_the_limit_trips_per_account_from_many_addresses(client, factory):
    factory.user(email="target@example.test")
    for n in range(LIMIT):
        assert attempt(client, "target@example.test", ip=f"192.0.2.{n + 1}").status_code == 401
    blocked = attempt(client, "TARGET@example.test", PASSWORD, ip="192.0.2.200")
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    # Another account from the same addresses is fine.
    factory.user(email="bystander@example.test")
    assert attempt(client, "bystander@example.test", PASSWORD, ip="192.0.2.1").status_code == 200
