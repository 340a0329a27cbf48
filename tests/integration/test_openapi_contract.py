"""The OpenAPI document says what the API really answers (the fuzzer in
tests/e2e/test_fuzz_openapi.py tries it at large; these pin the cases it once found).

- No catch-all ``default`` response: each operation lists its statuses, those that come with
  its shape added by ``ServiceBlueprint`` (400/413 with a body, 404 with a path parameter,
  409 on versioned writes, 503 everywhere).
- Answers match their documented schema: nullable where null is sent, strings where decimals
  are sent as strings, and an output that may be empty where the input may not.
"""

from __future__ import annotations

import re

import pytest
import schemathesis

from app.extensions import db
from app.models import PricingRule

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/openapi.json").json


@pytest.fixture
def contract(app):
    """The served document, able to validate an answer against what it documents."""
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield f"{method.upper()} {path}", path, method, item[method]


def test_no_operation_hides_its_errors_behind_a_default_response(document):
    with_default = [name for name, *_rest, operation in _operations(document)
                    if "default" in operation["responses"]]
    assert not with_default


def test_statuses_that_come_with_an_operations_shape_are_documented(document):
    missing = []
    for name, path, method, operation in _operations(document):
        statuses = set(operation["responses"])
        expected = {"503"}
        if "{" in path:
            expected.add("404")
        body = operation.get("requestBody", {}).get("content", {})
        if body:
            expected.add("413")
        if "application/json" in body:
            expected.add("400")
        if method in ("put", "patch", "delete") and any(
                p == {"$ref": "#/components/parameters/IF_MATCH"} for p in operation.get("parameters", [])):
            expected.add("409")
        if expected - statuses:
            missing.append(f"{name}: {sorted(expected - statuses)}")
    assert not missing


def test_an_error_documented_with_a_description_keeps_it_and_the_error_body(document):
    answer = document["paths"]["/api/bookings/hold"]["post"]["responses"]["409"]
    assert "seats_taken" in answer["description"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_staff_refused_at_another_cinema_is_documented_on_operations_open_to_every_user(document):
    for path, method in (("/api/bookings/hold", "post"), ("/api/bookings/{booking_id}", "get"),
                         ("/api/bookings/{booking_id}", "delete"), ("/api/payments/{payment_id}", "get"),
                         ("/api/payments/refund", "post")):
        assert "403" in document["paths"][path][method]["responses"], (method, path)


def _check(contract, path: str, method: str, response) -> None:
    contract[path][method.upper()].validate_response(response)


def test_a_screen_without_seats_has_an_empty_layout_as_documented(client, factory, contract):
    cinema = factory.cinema()
    admin = factory.headers(factory.user("admin"))
    screen = client.post(f"/api/cinemas/{cinema.id}/screens", json={"name": "New"}, headers=admin)
    assert screen.status_code == 201
    response = client.get(f"/api/screens/{screen.json['id']}/seats")
    assert response.status_code == 200 and response.json["layout"]["rows"] == []
    _check(contract, "/api/screens/{screen_id}/seats", "get", response)


def test_records_never_archived_match_their_documents(client, factory, contract):
    cinema = factory.cinema()
    screen = factory.screen(cinema)
    movie = factory.movie()
    for path, url in (("/api/cinemas/{cinema_id}", f"/api/cinemas/{cinema.id}"),
                      ("/api/screens/{screen_id}", f"/api/screens/{screen.id}"),
                      ("/api/movies/{movie_id}", f"/api/movies/{movie.id}")):
        response = client.get(url)
        assert response.status_code == 200 and response.json["archived_at"] is None
        _check(contract, path, "get", response)


def test_decimals_are_documented_as_the_strings_they_are_sent_as(client, factory, contract):
    cinema = factory.cinema()
    showtime = factory.showtime(factory.screen(cinema), factory.movie())
    rule = PricingRule(cinema_id=cinema.id, name="Cheap Tuesday", kind="weekday",
                       multiplier="0.8", conditions={"weekdays": [1]})
    db.session.add(rule)
    db.session.commit()
    admin = factory.headers(factory.user("admin"))
    for path, url, field in (
            ("/api/pricing/rules/{rule_id}", f"/api/pricing/rules/{rule.id}", "multiplier"),
            ("/api/showtimes/{showtime_id}", f"/api/showtimes/{showtime.id}", "dynamic_multiplier"),
            ("/api/cinemas/{cinema_id}", f"/api/cinemas/{cinema.id}", "tax_rate"),
            ("/api/pricing/showtimes/{showtime_id}/history",
             f"/api/pricing/showtimes/{showtime.id}/history", "dynamic_multiplier")):
        response = client.get(url, headers=admin)
        assert response.status_code == 200 and isinstance(response.json[field], str), url
        assert re.fullmatch(r"\d+(\.\d+)?", response.json[field]), response.json[field]
        _check(contract, path, "get", response)



def test_errors_of_a_list_and_of_its_items_are_sent_together(client, factory):
    """marshmallow names a list's items by index (ints) beside the list's own errors (strings)."""
    cinema = factory.cinema()
    admin = factory.headers(factory.user("admin"))
    response = client.post(f"/api/cinemas/{cinema.id}/screens", headers=admin,
                           json={"name": "New", "formats": ["2D", "8K", "4DX", "4DX"]})
    assert response.status_code == 422
    assert set(response.json["errors"]["formats"]) >= {"1", "_schema"}


def test_an_unexpected_error_is_answered_in_the_error_shape(client, monkeypatch):
    def crash():
        raise RuntimeError("a bug")

    monkeypatch.setattr("app.movies.taxonomy.list_genres", crash)
    response = client.get("/api/genres")
    assert response.status_code == 500
    assert response.json["reason"] == "internal_error" and "a bug" not in response.get_data(as_text=True)
