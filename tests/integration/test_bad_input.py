"""Bad input is the client's fault: every kind of it answers 4xx with the one error shape.

One table of cases (issue 14): malformed or too-deep JSON is 400, integers past the column,
NUL and other control characters, impossible dates, oversized strings, lists and dicts are
422 naming the field, a path id that cannot exist is 404. Each case asserts the status and
the field (or, for a whole-body problem, the reason) the answer names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from app.common.parsing import DEFAULT_MAX_JSON_BODY_BYTES

BIG = 10**20
INT4_PAST = 2**31


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str  # formatted with the ids of the `world` fixture
    status: int
    names: str  # the field named in `errors` (422), or the `reason` of a whole-body problem
    role: str | None = None
    body: object = None  # sent as JSON
    raw: str | bytes | None = None  # sent as it is
    content_type: str | None = "application/json"
    headers: dict = field(default_factory=dict)


def _rule(**changes) -> dict:
    return {"cinema_id": None, "name": "Cheap", "kind": "weekday", "multiplier": "0.8",
            "conditions": {"weekdays": [1]}, **changes}


def _promo(**changes) -> dict:
    return {"code": "SPRING10", "kind": "percent", "value": 10, **changes}


def _rating(**changes) -> dict:
    return {"code": "X1", "name": "Test rating", **changes}


def _register(**changes) -> dict:
    return {"email": "new@example.test", "password": "Correct-horse-9", **changes}


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


CASES = [
    # Malformed JSON: 400 on every JSON endpoint, one place.
    Case("login malformed", "POST", "/api/auth/login", 400, "invalid_json", raw="{bad"),
    Case("login nested 100,000 deep", "POST", "/api/auth/login", 400, "invalid_json",
         raw=_nested(100_000)),
    Case("quote malformed", "POST", "/api/pricing/calculate", 400, "invalid_json", raw="{bad"),
    Case("cinema update malformed", "PUT", "/api/cinemas/{cinema}", 400, "invalid_json",
         role="admin", raw='{"city": ', headers={"If-Match": '"x"'}),
    Case("NaN is not JSON", "POST", "/api/pricing/calculate", 400, "invalid_json",
         raw='{"showtime_id": NaN, "seats": [{"seat_id": 1}]}'),
    Case("not UTF-8", "POST", "/api/auth/login", 400, "invalid_json", raw=b'{"email": "\xff"}'),
    # A JSON body is required where an operation takes one, with the header that says so.
    Case("body without content type", "POST", "/api/auth/login", 422, "json_body_required",
         raw=json.dumps(_register()), content_type=None),
    Case("body as text/plain", "POST", "/api/auth/login", 422, "json_body_required",
         raw=json.dumps(_register()), content_type="text/plain"),
    Case("PUT without a body", "PUT", "/api/genres/{genre}", 422, "json_body_required",
         role="admin", raw="", content_type=None),
    Case("PUT with an empty JSON body", "PUT", "/api/cinemas/{cinema}", 422, "json_body_required",
         role="admin", raw="", headers={"If-Match": '"x"'}),
    # Path ids outside 1..2^31-1 and text segments with control characters name nothing.
    Case("movie id past int4", "GET", f"/api/movies/{INT4_PAST}", 404, "not_found"),
    Case("movie id of 30 digits", "GET", "/api/movies/" + "9" * 30, 404, "not_found"),
    Case("movie id 0", "GET", "/api/movies/0", 404, "not_found"),
    Case("age rating NUL", "GET", "/api/age-ratings/%00", 404, "not_found"),
    Case("hold id with control character", "DELETE", "/api/bookings/hold/a%01b", 404, "not_found",
         role="customer"),
    # Integers past the column's range, in query strings and bodies.
    Case("page past int4", "GET", "/api/cinemas?page=1000000000000000000", 422, "page"),
    Case("header-paginated page past int4", "GET", "/api/showtimes?page=1000000000000000000",
         422, "page"),
    Case("showtime filter cinema_id", "GET", "/api/showtimes?cinema_id=99999999999999999999",
         422, "cinema_id"),
    Case("booking filter showtime_id", "GET", f"/api/bookings?showtime_id={INT4_PAST}", 422,
         "showtime_id", role="customer"),
    Case("hold showtime_id 10^20", "POST", "/api/bookings/hold", 422, "showtime_id",
         role="customer", body={"showtime_id": BIG, "seat_ids": [1]}),
    Case("hold seat id 10^20", "POST", "/api/bookings/hold", 422, "seat_ids",
         role="customer", body={"showtime_id": 1, "seat_ids": [BIG]}),
    Case("quote showtime_id 10^20", "POST", "/api/pricing/calculate", 422, "showtime_id",
         body={"showtime_id": BIG, "seats": [{"seat_id": 1}]}),
    Case("quote seat_id 10^20", "POST", "/api/pricing/calculate", 422, "seats",
         body={"showtime_id": 1, "seats": [{"seat_id": BIG}]}),
    Case("promo validation showtime_id", "POST", "/api/pricing/promocode/validate", 422,
         "showtime_id", body={"showtime_id": BIG, "seats": [{"seat_id": 1}], "promo_code": "X"}),
    Case("rule priority 10^20", "POST", "/api/pricing/rules", 422, "priority", role="admin",
         body=_rule(priority=BIG)),
    Case("promo max_uses 10^20", "POST", "/api/pricing/promocodes", 422, "max_uses", role="admin",
         body=_promo(max_uses=BIG)),
    Case("promo movie id 10^20", "POST", "/api/pricing/promocodes", 422, "movie_ids",
         role="admin", body=_promo(movie_ids=[BIG])),
    Case("refund cut-off past a year", "PUT", "/api/cinemas/{cinema}", 422, "refund_cutoff_hours",
         role="admin", body={"refund_cutoff_hours": 10**6}, headers={"If-Match": '"x"'}),
    # NUL and other control characters.
    Case("search NUL", "GET", "/api/movies?q=a%00b", 422, "q"),
    Case("city NUL", "GET", "/api/cinemas?city=a%00b", 422, "city"),
    Case("genre filter NUL", "GET", "/api/movies?genre=a%00b", 422, "genre"),
    Case("registration full_name NUL", "POST", "/api/auth/register", 422, "full_name",
         body=_register(full_name="Ada\u0000Lovelace")),
    Case("registration full_name lone surrogate", "POST", "/api/auth/register", 422, "full_name",
         raw='{"email": "s@example.test", "password": "Correct-horse-9", "full_name": "\\ud800"}'),
    Case("registration full_name line break", "POST", "/api/auth/register", 422, "full_name",
         body=_register(full_name="Ada\nLovelace")),
    Case("login e-mail NUL", "POST", "/api/auth/login", 422, "email",
         body={"email": "ada\u0000@example.test", "password": "x"}),
    Case("password lone surrogate", "POST", "/api/auth/login", 422, "password",
         raw='{"email": "ada@example.test", "password": "\\udc80"}'),
    # Dates at the ends of the calendar.
    Case("showtimes on 9999-12-31", "GET", "/api/showtimes?date=9999-12-31", 422, "date"),
    Case("showtimes on 0001-01-01", "GET", "/api/showtimes?date=0001-01-01", 422, "date"),
    Case("films showing on 9999-12-31", "GET", "/api/movies?cinema_id={cinema}&date=9999-12-31",
         422, "date"),
    Case("schedule of 9999-12-31", "GET", "/api/schedule/cinema/{cinema}?date=9999-12-31", 422,
         "date", role="admin"),
    Case("showtime starting 9999-12-31", "POST", "/api/schedule/showtime", 422, "starts_at",
         role="admin", body={"movie_id": 1, "screen_id": 1,
                             "starts_at": "9999-12-31T23:00:00+00:00"}),
    Case("showtime starting 0001-01-01 east of UTC", "POST", "/api/schedule/showtime", 422,
         "starts_at", role="admin", body={"movie_id": 1, "screen_id": 1,
                                          "starts_at": "0001-01-01T00:30:00+14:00"}),
    Case("generation starting 9999-12-31", "POST", "/api/schedule/generate", 422, "start_date",
         role="admin", body={"cinema_id": 1, "start_date": "9999-12-31"}),
    Case("movie released 0001-01-01", "POST", "/api/movies", 422, "release_date", role="admin",
         body={"title": "Old", "runtime_minutes": 90, "release_date": "0001-01-01",
               "age_rating": "PG"}),
    # Strings no longer than their column.
    Case("promo description over 200", "POST", "/api/pricing/promocodes", 422, "description",
         role="admin", body=_promo(description="d" * 201)),
    Case("genre slug over 60", "POST", "/api/genres", 422, "slug", role="admin",
         body={"name": "Long", "slug": "s" * 61}),
    Case("movie language over 8", "POST", "/api/movies", 422, "language", role="admin",
         body={"title": "T", "runtime_minutes": 90, "release_date": "2026-01-01",
               "age_rating": "PG", "language": "en-GB-oxendict"}),
    # Strict types (schemathesis): no rounding, no truthy numbers.
    Case("sort_order 0.5", "POST", "/api/age-ratings", 422, "sort_order", role="admin",
         body=_rating(sort_order=0.5)),
    Case("min_age as a string", "POST", "/api/age-ratings", 422, "min_age", role="admin",
         body=_rating(min_age="12")),
    Case("is_active 0", "PATCH", "/api/users/{customer}", 422, "is_active", role="admin",
         body={"is_active": 0}),
    Case("rule active 'yes'", "POST", "/api/pricing/rules", 422, "active", role="admin",
         body=_rule(active="yes")),
    Case("family_friendly 1", "POST", "/api/age-ratings", 422, "family_friendly", role="admin",
         body=_rating(family_friendly=1)),
    Case("query boolean 'yes'", "GET", "/api/cinemas?include_archived=yes", 422, "include_archived"),
    Case("multiplier as NaN string", "POST", "/api/pricing/rules", 422, "multiplier",
         role="admin", body=_rule(multiplier="NaN")),
    # Sizes: lists and dicts are counted before their items are read.
    Case("quote of 51 seats", "POST", "/api/pricing/calculate", 422, "seats",
         body={"showtime_id": 1, "seats": [{"seat_id": n} for n in range(1, 52)]}),
    Case("hold of 1,000 ticket types", "POST", "/api/bookings/hold", 422, "ticket_types",
         role="customer", body={"showtime_id": 1, "seat_ids": [1],
                                "ticket_types": {str(n): "adult" for n in range(1, 1001)}}),
    Case("genre filter of 1,000 values", "GET", "/api/movies?genre=" + ",".join(["a"] * 1000),
         422, "genre"),
]


@pytest.fixture
def world(factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=2, seats_per_row=4)
    movie = factory.movie(rating="PG")
    factory.showtime(screen, movie)
    users = {role: factory.user(role) for role in ("customer", "admin")}
    genre = factory.genre("Drama")
    return {"cinema": cinema.id, "screen": screen.id, "movie": movie.id, "genre": genre.id,
            "customer": users["customer"].id, "users": users}


def send(client, factory, world: dict, case: Case):
    headers = dict(case.headers)
    if case.role:
        headers.update(factory.headers(world["users"][case.role]))
    kwargs = {"headers": headers}
    if case.body is not None:
        kwargs["data"] = json.dumps(case.body)
    elif case.raw is not None:
        kwargs["data"] = case.raw
    if case.content_type and "data" in kwargs:
        kwargs["content_type"] = case.content_type
    return client.open(case.path.format(**world), method=case.method, **kwargs)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_naming_what_was_wrong(client, factory, world, case):
    response = send(client, factory, world, case)

    assert response.status_code == case.status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body["code"] == case.status and body["message"]
    if case.status == 422 and case.names not in ("json_body_required",):
        assert case.names in body["errors"], body
        assert case.names in body["message"]
    else:
        assert body["reason"] == case.names, body


def test_a_10_mb_body_is_refused_before_it_is_read(client, monkeypatch):
    """The issue's 9 MB quote of 220,000 seats: refused (413) before decoding or pricing."""
    from app.common import parsing
    from app.pricing import routes as pricing_routes

    calls = []
    decode = parsing.loads_json
    monkeypatch.setattr(parsing, "loads_json", lambda data: calls.append("decoded") or decode(data))
    monkeypatch.setattr(pricing_routes, "quote_seats", lambda *a, **k: calls.append("priced"))
    seats = ",".join('{"seat_id": 1234567, "ticket_type": "adult"}' for _ in range(220_000))
    body = '{"showtime_id": 1, "seats": [' + seats + "]}"
    assert len(body) > 9 * 1024 * 1024

    response = client.post("/api/pricing/calculate", data=body, content_type="application/json")
    work_done = list(calls)

    assert work_done == []
    assert response.status_code == 413
    assert response.json["reason"] == "payload_too_large"
    assert str(DEFAULT_MAX_JSON_BODY_BYTES) in response.json["message"]


def test_a_long_list_is_refused_before_its_items_are_read(client, monkeypatch):
    """Under the body limit, 20,000 seats are refused by counting them, not by reading each."""
    from app.pricing import routes as pricing_routes
    from app.pricing.schemas import SeatChoiceSchema

    calls = []
    monkeypatch.setattr(SeatChoiceSchema, "load", lambda *a, **k: calls.append("seat read"))
    monkeypatch.setattr(pricing_routes, "quote_seats", lambda *a, **k: calls.append("priced"))
    body = {"showtime_id": 1, "seats": [{"seat_id": n} for n in range(1, 20_001)]}

    response = client.post("/api/pricing/calculate", json=body)

    assert response.status_code == 422
    assert response.json["errors"]["seats"] == ["At most 50 items"]
    assert calls == []


def test_a_hold_with_200000_ticket_types_is_refused_before_any_is_read(client, factory, monkeypatch):
    from app.common.fields import Id

    calls = []
    original = Id._validated
    monkeypatch.setattr(Id, "_validated", lambda self, value: calls.append(value) or original(self, value))
    customer = factory.user("customer")
    body = {"showtime_id": 1, "seat_ids": [1],
            "ticket_types": {str(n): "adult" for n in range(1, 200_001)}}

    response = client.post("/api/bookings/hold", json=body, headers=factory.headers(customer))

    assert response.status_code == 413  # 3.4 MB: the body limit refuses it before decoding
    assert calls == []


def test_json_bodies_are_bounded_but_uploads_keep_the_larger_limit(app):
    from app.common.parsing import ApiRequest

    with app.test_request_context("/api/pricing/calculate", method="POST",
                                  content_type="application/json", data="{}"):
        from flask import request

        assert isinstance(request._get_current_object(), ApiRequest)
        assert request.max_content_length == DEFAULT_MAX_JSON_BODY_BYTES
    with app.test_request_context("/api/movies/1/poster", method="POST",
                                  content_type="multipart/form-data; boundary=x", data=""):
        from flask import request

        assert request.max_content_length == app.config["MAX_CONTENT_LENGTH"]


def test_bounded_values_at_the_edges_are_accepted(client, factory, world):
    """The bounds refuse only what cannot be: the last id, the last page, year 2100 pass."""
    assert client.get(f"/api/movies/{2**31 - 1}").status_code == 404  # a real lookup, no row
    page = client.get(f"/api/cinemas?page={2**31 - 1}")
    assert page.status_code == 200 and page.json["items"] == []
    assert client.get(f"/api/showtimes?page={2**31 - 1}").status_code == 200
    assert client.get("/api/showtimes?date=2100-12-31").status_code == 200
    assert client.get("/api/cinemas?include_archived=TRUE").status_code == 200
    admin = factory.headers(world["users"]["admin"])
    created = client.post("/api/age-ratings", json=_rating(sort_order=2**31 - 1, min_age=12,
                                                          family_friendly=True), headers=admin)
    assert created.status_code == 201, created.json
    synopsis = client.post("/api/movies", headers=admin, json={
        "title": "Lines", "runtime_minutes": 90, "release_date": "1927-10-06", "age_rating": "PG",
        "synopsis": "First line.\n\tSecond line.\r\n"})
    assert synopsis.status_code == 201, synopsis.json
    assert synopsis.json["synopsis"].startswith("First line.\n")


def test_a_rule_multiplier_is_a_decimal_string_both_ways(client, factory, world):
    admin = factory.headers(world["users"]["admin"])
    as_string = client.post("/api/pricing/rules", json=_rule(multiplier="0.85"), headers=admin)
    as_number = client.post("/api/pricing/rules", json=_rule(name="B", multiplier=0.85), headers=admin)

    assert as_string.status_code == as_number.status_code == 201
    assert as_string.json["multiplier"] == as_number.json["multiplier"] == "0.8500"
    too_precise = client.post("/api/pricing/rules", json=_rule(multiplier="0.12345"), headers=admin)
    assert too_precise.status_code == 422 and "multiplier" in too_precise.json["errors"]


def test_a_showtime_at_the_last_accepted_day_does_not_overflow(client, factory, world):
    admin = factory.headers(world["users"]["admin"])
    late = datetime(2100, 12, 31, 23, 30, tzinfo=UTC).isoformat()
    response = client.post("/api/schedule/showtime", headers=admin, json={
        "movie_id": world["movie"], "screen_id": world["screen"], "starts_at": late})
    assert response.status_code < 500, response.json


def test_a_holiday_rule_gives_its_dates_back(client, factory, world):
    """Dates are stored as JSON text; answering with them was a 500 the fuzzer found."""
    admin = factory.headers(world["users"]["admin"])
    rule = _rule(kind="holiday", conditions={"dates": ["2026-12-25", "2026-12-26"]})
    created = client.post("/api/pricing/rules", json=rule, headers=admin)
    assert created.status_code == 201, created.json
    assert created.json["conditions"]["dates"] == ["2026-12-25", "2026-12-26"]
    assert client.get(f"/api/pricing/rules/{created.json['id']}").json["conditions"]["dates"] == [
        "2026-12-25", "2026-12-26"]
