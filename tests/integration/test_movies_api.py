"""Movies CRUD: roles, validation, ETag / If-Match, the movie:{id} cache, archiving, vocabularies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.common.clock import now
from app.extensions import db, redis_client
from app.models import Booking, Genre, Movie, Showtime


@pytest.fixture
def admin_headers(factory):
    return factory.headers(factory.user("admin"))


@pytest.fixture
def catalogue(factory):
    factory.rating("PG-13")
    factory.rating("R")
    return {"action": factory.genre("Action"), "drama": factory.genre("Drama")}


def _body(catalogue, **overrides):
    body = {
        "title": "Orbit of Ashes", "original_title": "Orbite de cendres", "runtime_minutes": 148,
        "release_date": "2026-11-20", "age_rating": "PG-13", "language": "en",
        "genre_ids": [catalogue["action"].id], "formats": ["2D", "IMAX"],
        "trailer_url": "https://example.com/trailers/orbit", "cast": ["A. Actor"],
        "distributor_terms": {"min_per_day": 2, "max_per_day": 6},
    }
    body.update(overrides)
    return body


def test_admin_creates_and_everyone_reads_a_movie(client, factory, admin_headers, catalogue):
    created = client.post("/api/movies", json=_body(catalogue), headers=admin_headers)
    assert created.status_code == 201, created.json
    movie = created.json
    assert created.headers["ETag"]
    assert movie["genres"] == [{"id": catalogue["action"].id, "name": "Action", "slug": "action"}]
    assert movie["genre_ids"] == [catalogue["action"].id]
    assert movie["formats"] == ["2D", "IMAX"]
    assert movie["status"] == "active" and movie["poster_url"] is None
    assert movie["distributor_terms"] == {"min_per_day": 2, "max_per_day": 6}

    customer = factory.headers(factory.user("customer"))
    for headers in ({}, customer):
        read = client.get(f"/api/movies/{movie['id']}", headers=headers)
        assert read.status_code == 200
        assert read.json["title"] == "Orbit of Ashes"
        assert read.headers["ETag"] == created.headers["ETag"]


@pytest.mark.parametrize("role", [None, "customer", "staff", "manager"])
def test_only_admins_write_the_catalogue(client, factory, catalogue, role):
    headers = factory.headers(factory.user(role)) if role else {}
    expected = 401 if role is None else 403
    movie = factory.movie()
    assert client.post("/api/movies", json=_body(catalogue), headers=headers).status_code == expected
    etag = client.get(f"/api/movies/{movie.id}").headers["ETag"]
    write = {**headers, "If-Match": etag}
    assert client.put(f"/api/movies/{movie.id}", json={"title": "X"}, headers=write).status_code == expected
    assert client.delete(f"/api/movies/{movie.id}", headers=write).status_code == expected
    assert client.post("/api/genres", json={"name": "Noir"}, headers=headers).status_code == expected
    assert client.post("/api/age-ratings", json={"code": "18", "name": "Adults"},
                       headers=headers).status_code == expected


@pytest.mark.parametrize("change, field", [
    ({"trailer_url": "ftp://example.com/t.mp4"}, "trailer_url"),
    ({"trailer_url": "javascript:alert(1)"}, "trailer_url"),
    ({"runtime_minutes": 0}, "runtime_minutes"),
    ({"formats": ["70mm"]}, "formats"),
    ({"formats": ["2D", "2D"]}, "formats"),
    ({"language": "English"}, "language"),
    ({"age_rating": "XYZ"}, "age_rating"),
    ({"genre_ids": [999]}, "genre_ids"),
    ({"end_of_run": "2026-01-01"}, "end_of_run"),
    ({"popularity": 3}, "popularity"),
])
def test_invalid_movies_are_422_naming_the_field(client, admin_headers, catalogue, change, field):
    response = client.post("/api/movies", json=_body(catalogue, **change), headers=admin_headers)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_update_needs_the_current_etag_and_is_visible_at_once(client, admin_headers, catalogue):
    movie = client.post("/api/movies", json=_body(catalogue), headers=admin_headers).json
    url = f"/api/movies/{movie['id']}"
    first = client.get(url)
    assert 3590 <= redis_client.client.ttl(f"movie:{movie['id']}") <= 3600  # cached for an hour
    etag = first.headers["ETag"]

    assert client.put(url, json={"title": "New"}, headers=admin_headers).status_code == 428
    updated = client.put(url, json={"title": "Orbit of Ashes: Redux",
                                    "genre_ids": [catalogue["drama"].id]},
                         headers={**admin_headers, "If-Match": etag})
    assert updated.status_code == 200, updated.json
    assert updated.json["version"] == movie["version"] + 1
    assert updated.json["original_title"] == "Orbite de cendres"  # left out, kept
    assert updated.headers["ETag"] != etag

    read = client.get(url)  # the cached copy was dropped by the write
    assert read.json["title"] == "Orbit of Ashes: Redux"
    assert [g["name"] for g in read.json["genres"]] == ["Drama"]
    assert read.headers["ETag"] == updated.headers["ETag"]

    stale = client.put(url, json={"title": "Lost update"}, headers={**admin_headers, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json["reason"] == "precondition_failed"
    assert client.delete(url, headers={**admin_headers, "If-Match": etag}).status_code == 412
    assert client.get(url).json["title"] == "Orbit of Ashes: Redux"

    # a GET body can be PUT back: read-only fields are ignored
    put_back = client.put(url, json=read.json, headers={**admin_headers, "If-Match": read.headers["ETag"]})
    assert put_back.status_code == 200, put_back.json


def test_a_read_racing_a_write_does_not_cache_the_old_movie(client, factory):
    from app.common.cache import consistent_cached_json
    from app.movies import service
    from app.movies.schemas import MovieSchema

    movie = factory.movie(title="Before")

    def read_while_a_writer_commits():
        old = MovieSchema().dump(service.get_movie(movie.id))  # the reader has the old row...
        service.update_movie(movie.id, movie.version, {"title": "After"})  # ...a write lands...
        return old  # ...and the reader would cache what it read

    assert consistent_cached_json(service.movie_key(movie.id), 3600,
                                  read_while_a_writer_commits)["title"] == "Before"
    assert client.get(f"/api/movies/{movie.id}").json["title"] == "After"


def test_if_none_match_gives_304(client, factory):
    movie = factory.movie()
    etag = client.get(f"/api/movies/{movie.id}").headers["ETag"]
    assert client.get(f"/api/movies/{movie.id}", headers={"If-None-Match": etag}).status_code == 304


def test_missing_movie_is_404(client, admin_headers):
    assert client.get("/api/movies/999").status_code == 404
    assert client.put("/api/movies/999", json={"title": "x"},
                      headers={**admin_headers, "If-Match": "x"}).status_code == 404


def _book(factory, showtime, user, status="confirmed"):
    booking = Booking(reference=f"R{showtime.id}{status[:3]}".upper()[:12], user_id=user.id,
                      showtime_id=showtime.id, status=status, currency="GBP")
    db.session.add(booking)
    db.session.commit()
    return booking


def test_delete_refuses_booked_future_showtimes_else_archives(client, factory, admin_headers):
    cinema = factory.cinema()
    screen = factory.screen(cinema)
    movie = factory.movie()
    booked = factory.showtime(screen, movie)
    _book(factory, booked, factory.user())
    unbooked = factory.showtime(screen, movie, starts_at=booked.starts_at + timedelta(hours=5))
    url = f"/api/movies/{movie.id}"

    refused = client.delete(url, headers={**admin_headers, "If-Match": client.get(url).headers["ETag"]})
    assert refused.status_code == 409
    assert refused.json["errors"]["showtime_ids"] == [booked.id]

    # cancelling the booking frees the movie; past booked showtimes do not matter
    db.session.execute(db.update(Booking).values(status="cancelled"))
    past = factory.showtime(screen, movie, starts_at=now() - timedelta(days=2))
    _book(factory, past, factory.user())
    deleted = client.delete(url, headers={**admin_headers, "If-Match": client.get(url).headers["ETag"]})
    assert deleted.status_code == 204

    read = client.get(url)
    assert read.json["status"] == "archived" and read.json["archived_at"]
    assert db.session.get(Movie, movie.id) is not None
    db.session.expire_all()
    assert db.session.get(Showtime, unbooked.id).status == "cancelled"
    assert db.session.get(Showtime, past.id).status == "scheduled"
    listed = client.get("/api/movies").json
    assert listed["total"] == 0
    assert client.get("/api/movies?status=archived").json["total"] == 1


def test_genres_and_ratings_are_managed_by_admins(client, factory, admin_headers):
    created = client.post("/api/genres", json={"name": "Science Fiction"}, headers=admin_headers)
    assert created.status_code == 201 and created.json["slug"] == "science-fiction"
    assert client.post("/api/genres", json={"name": "science fiction"},
                       headers=admin_headers).status_code == 409
    assert [g["name"] for g in client.get("/api/genres").json] == ["Science Fiction"]

    rating = client.post("/api/age-ratings", json={"code": "12", "name": "Twelve", "min_age": 12},
                         headers=admin_headers)
    assert rating.status_code == 201
    genre = db.session.get(Genre, created.json["id"])
    movie = factory.movie(rating="12", genres=[genre])
    client.get(f"/api/movies/{movie.id}")  # cached with the old names

    renamed = client.put(f"/api/genres/{genre.id}", json={"name": "Sci-Fi"}, headers=admin_headers)
    assert renamed.json == {"id": genre.id, "name": "Sci-Fi", "slug": "sci-fi"}
    recoded = client.put("/api/age-ratings/12", json={"code": "12A"}, headers=admin_headers)
    assert recoded.status_code == 200 and recoded.json["min_age"] == 12
    read = client.get(f"/api/movies/{movie.id}").json
    assert read["genres"][0]["name"] == "Sci-Fi" and read["age_rating"] == "12A"

    assert client.delete(f"/api/genres/{genre.id}", headers=admin_headers).status_code == 409
    assert client.delete("/api/age-ratings/12A", headers=admin_headers).status_code == 409
    unused = client.post("/api/genres", json={"name": "Western"}, headers=admin_headers).json
    assert client.delete(f"/api/genres/{unused['id']}", headers=admin_headers).status_code == 204


def test_openapi_documents_roles_etags_and_pagination(client):
    spec = client.get("/api/openapi.json").json
    item = spec["paths"]["/api/movies/{movie_id}"]
    assert item["get"]["x-roles"] == ["public"]
    assert item["put"]["x-roles"] == ["admin"] and item["delete"]["x-roles"] == ["admin"]
    assert "ETag" in item["get"]["responses"]["200"]["headers"]
    assert {"$ref": "#/components/parameters/IF_MATCH"} in item["put"]["parameters"]
    assert "412" in item["put"]["responses"] and "412" in item["delete"]["responses"]
    page = spec["components"]["schemas"]["MoviePage"]
    assert {"items", "page", "page_size", "total", "pages"} <= set(page["properties"])
    names = {p["name"] for p in spec["paths"]["/api/movies"]["get"]["parameters"]}
    assert {"q", "genre", "age_rating", "language", "format", "released_from", "released_to",
            "showing", "cinema_id", "date", "sort", "page", "page_size"} <= names
