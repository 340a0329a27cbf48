"""Two requests writing the same unique thing at once: both pass the service's "is it free?"
check, PostgreSQL's constraint refuses the second, and that is a 409 a client can act on, not
a 500. The barrier holds each request after its check until both have checked, so the race is
lost every time rather than once in a thousand."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from app.cinemas import service as cinemas
from app.pricing import ticketing


def _race(app, monkeypatch, module, check_name: str, send) -> list:
    """Send twice at once with ``module.check_name`` made to wait for the other request."""
    barrier = threading.Barrier(2)
    check = getattr(module, check_name)

    def checked_then_wait(*args, **kwargs):
        result = check(*args, **kwargs)
        barrier.wait(timeout=10)
        return result

    monkeypatch.setattr(module, check_name, checked_then_wait)

    def one(_: int):
        with app.test_client() as client:
            return send(client)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return sorted(pool.map(one, range(2)), key=lambda r: r.status_code)


def test_two_managers_creating_one_ticket_type_code_at_once_get_201_and_409(app, factory, monkeypatch):
    cinema = factory.cinema()
    path = f"/api/cinemas/{cinema.id}/ticket-types"
    headers = factory.headers(factory.user("manager", cinemas=[cinema]))
    body = {"code": "member", "name": "Member", "multiplier": "0.8", "channels": ["online"]}

    first, second = _race(app, monkeypatch, ticketing, "_check_fields", lambda client: client.post(
        path, json=body, headers=headers))

    assert (first.status_code, second.status_code) == (201, 409), second.json
    assert second.json["reason"] == "concurrent_update"


def test_two_admins_creating_one_cinema_name_at_once_get_201_and_409(app, factory, monkeypatch):
    headers = factory.headers(factory.user("admin"))
    body = {"name": "Odeon Raced", "city": "Leeds", "address": "1 Race Street",
            "timezone": "Europe/London", "currency": "GBP"}

    first, second = _race(app, monkeypatch, cinemas, "_ensure_name_free", lambda client: client.post(
        "/api/cinemas", json=body, headers=headers))

    assert (first.status_code, second.status_code) == (201, 409), (first.json, second.json)
    assert second.json["reason"] == "concurrent_update"
