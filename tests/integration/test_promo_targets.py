"""A promo code can only name cinemas and films that exist (422 naming the field otherwise)."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin(factory):
    return factory.headers(factory.user("admin"))


def create(client, headers, **fields):
    body = {"code": "SPRING", "kind": "percent", "value": 10} | fields
    return client.post("/api/pricing/promocodes", json=body, headers=headers)


@pytest.mark.parametrize("field", ["cinema_ids", "movie_ids"])
def test_unknown_ids_are_refused_naming_the_field(client, factory, admin, field):
    real = factory.cinema().id if field == "cinema_ids" else factory.movie().id
    refused = create(client, admin, **{field: [real, 999_999]})
    assert refused.status_code == 422, refused.json
    assert refused.json["reason"] == "unknown_ids"
    assert list(refused.json["errors"]) == [field] and "999999" in refused.json["errors"][field][0]
    assert create(client, admin, **{field: [real]}).status_code == 201


def test_an_update_is_checked_too(client, factory, admin):
    created = create(client, admin, cinema_ids=[factory.cinema().id]).json
    etag = client.get(f"/api/pricing/promocodes/{created['id']}", headers=admin).headers["ETag"]
    body = {"code": "SPRING", "kind": "percent", "value": 10, "movie_ids": [424_242]}
    refused = client.put(f"/api/pricing/promocodes/{created['id']}", json=body,
                         headers=admin | {"If-Match": etag})
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["movie_ids"]


def test_a_manager_naming_a_cinema_that_does_not_exist_hears_so(client, factory):
    cinema = factory.cinema()
    manager = factory.headers(factory.user("manager", cinemas=[cinema]))
    refused = create(client, manager, cinema_ids=[cinema.id, 31_337])
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["cinema_ids"]
