"""ETags of versioned rows: one tag per row version, whatever the view; If-None-Match answers
304, a stale If-Match 412, a missing one 428; the documented examples name the live tag."""

from __future__ import annotations

import pytest

from app.common.etags import if_match
from app.extensions import db
from app.models import Cinema, Movie, PricingRule, Screen


@pytest.fixture
def rows(factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema)
    movie = factory.movie()
    return {"movie": movie, "cinema": cinema, "screen": screen, "showtime": factory.showtime(screen, movie)}


@pytest.mark.parametrize(("kind", "url"), [
    ("movie", "/api/movies/{id}"), ("cinema", "/api/cinemas/{id}"), ("screen", "/api/screens/{id}"),
    ("screen", "/api/screens/{id}/seats"), ("showtime", "/api/showtimes/{id}"),
])
def test_the_header_is_the_tag_the_examples_name_and_if_none_match_answers_304(client, rows, kind, url):
    row = rows[kind]
    url = url.format(id=row.id)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["ETag"] == if_match(kind, row)
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_an_edit_needs_the_current_tag(client, factory):
    admin = factory.headers(factory.user("admin"))
    body = {"cinema_id": None, "name": "Cheap", "kind": "weekday", "multiplier": "0.8",
            "conditions": {"weekdays": [1]}}
    rule = client.post("/api/pricing/rules", headers=admin, json=body).json
    url = f"/api/pricing/rules/{rule['id']}"
    tag = client.get(url).headers["ETag"]
    assert tag == if_match("rule", db.session.get(PricingRule, rule["id"]))

    assert client.put(url, headers=admin, json={**body, "name": "Cheaper"}).status_code == 428
    assert client.put(url, headers={**admin, "If-Match": '"stale"'},
                      json={**body, "name": "Cheaper"}).status_code == 412
    changed = client.put(url, headers={**admin, "If-Match": tag}, json={**body, "name": "Cheaper"})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert client.put(url, headers={**admin, "If-Match": tag},
                      json={**body, "name": "Again"}).status_code == 412


def test_every_kind_of_row_is_tagged_apart(factory):
    """Two rows of different kinds at the same id and version have different tags."""
    assert len({if_match(kind, model(id=1, version=1))
                for kind, model in (("movie", Movie), ("cinema", Cinema), ("screen", Screen))}) == 3
