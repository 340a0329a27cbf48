"""Search and filters of GET /api/movies on a realistic catalogue of 300 movies.

Each test builds the catalogue (one bulk insert) and compares every answer, all pages read,
with what the same rule gives in Python over the generated data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from app.common.clock import now
from app.extensions import db
from app.models import AgeRating, Genre, Movie, MovieFormat

ADJECTIVES = ["Silent", "Crimson", "Last", "Electric", "Hidden", "Golden", "Broken", "Midnight",
              "Frozen", "Wild", "Distant", "Paper"]
NOUNS = ["River", "Empire", "Garden", "Signal", "Harbour", "Dragon", "Orchard", "Machine",
         "Kingdom", "Voyage", "Mirror", "Lantern", "Summit"]
GENRES = ["Action", "Comedy", "Drama", "Horror", "Science Fiction", "Animation"]
RATINGS = [("G", 0), ("PG", 8), ("PG-13", 13), ("R", 17)]
LANGUAGES = ["en", "en", "fr", "de", "es"]
FORMAT_SETS = [("2D",), ("2D", "3D"), ("2D", "IMAX"), ("2D", "3D", "IMAX", "4DX"), ("IMAX",)]
ORIGINALS = {"fr": "Le Fleuve", "de": "Der Spiegel", "es": "El Jardín"}


@dataclass
class Row:
    id: int
    title: str
    original_title: str | None
    genres: set[str]
    rating: str
    language: str
    formats: set[str]
    release_date: date
    end_of_run: date | None
    status: str
    extra: dict = field(default_factory=dict)


def build_catalogue(count: int = 300) -> list[Row]:
    today = now().date()
    ratings = [AgeRating(code=code, name=code, min_age=age, sort_order=i)
               for i, (code, age) in enumerate(RATINGS)]
    genres = {name: Genre(name=name, slug=name.lower().replace(" ", "-")) for name in GENRES}
    db.session.add_all([*ratings, *genres.values()])
    movies, rows = [], []
    for i in range(count):
        language = LANGUAGES[i % len(LANGUAGES)]
        title = f"{ADJECTIVES[i % len(ADJECTIVES)]} {NOUNS[(i * 7) % len(NOUNS)]} {i}"
        original = f"{ORIGINALS[language]} {i}" if language in ORIGINALS and i % 2 else None
        names = {GENRES[i % len(GENRES)], GENRES[(i * 5 + 1) % len(GENRES)]}
        release = today + timedelta(days=(i * 37) % 200 - 140)
        end = release + timedelta(days=60) if i % 3 == 0 else None
        status = "archived" if i % 29 == 0 else "active"
        formats = FORMAT_SETS[i % len(FORMAT_SETS)]
        rating = RATINGS[(i * 3) % len(RATINGS)][0]
        movies.append(Movie(
            title=title, original_title=original, runtime_minutes=80 + i % 90, release_date=release,
            end_of_run=end, language=language, age_rating=rating, status=status,
            genres=[genres[n] for n in sorted(names)],
            format_rows=[MovieFormat(format=f) for f in formats],
        ))
        rows.append(Row(0, title, original, names, rating, language, set(formats), release, end,
                        status))
    db.session.add_all(movies)
    db.session.commit()
    for row, movie in zip(rows, movies, strict=True):
        row.id = movie.id
    return rows


def fetch_all(client, query: str, page_size: int = 40) -> list[dict]:
    """Read every page, checking the pagination metadata on each."""
    items, page, total = [], 1, None
    while True:
        response = client.get(f"/api/movies?{query}&page={page}&page_size={page_size}")
        assert response.status_code == 200, response.json
        body = response.json
        total = body["total"] if total is None else total
        assert body["total"] == total and body["page"] == page and body["page_size"] == page_size
        assert body["pages"] == math.ceil(total / page_size)
        expected_len = max(0, min(page_size, total - (page - 1) * page_size))
        assert len(body["items"]) == expected_len
        items.extend(body["items"])
        if page >= body["pages"]:
            break
        page += 1
    assert len(items) == total
    return items


def ids(items) -> list[int]:
    return [item["id"] for item in items]


def expect(rows, predicate) -> set[int]:
    return {r.id for r in rows if r.status == "active" and predicate(r)}


def test_filters_return_exactly_the_right_movies(client):
    rows = build_catalogue()
    today = now().date()
    min_age = dict(RATINGS)

    def check(query: str, predicate) -> None:
        found = ids(fetch_all(client, query))
        assert len(found) == len(set(found)), f"duplicates for {query}"
        assert set(found) == expect(rows, predicate), query

    check("", lambda r: True)
    check("q=dragon", lambda r: "dragon" in r.title.lower())
    check("q=GOLDEN%20mirr", lambda r: "golden" in r.title.lower() and "mirr" in r.title.lower())
    check("q=fleuve", lambda r: r.original_title is not None and "fleuve" in r.original_title.lower())
    check("q=jard%C3%ADn", lambda r: "jardín" in (r.original_title or "").lower())
    check("q=100%25", lambda r: False)  # % is a literal, not a wildcard
    check("genre=horror", lambda r: "Horror" in r.genres)
    check("genre=Science%20Fiction&genre=animation",
          lambda r: bool({"Science Fiction", "Animation"} & r.genres))
    check("genre=comedy,drama", lambda r: bool({"Comedy", "Drama"} & r.genres))
    check("age_rating=PG-13", lambda r: r.rating == "PG-13")
    check("suitable_for_age=12", lambda r: min_age[r.rating] <= 12)
    check("language=fr&language=de", lambda r: r.language in {"fr", "de"})
    check("format=IMAX", lambda r: "IMAX" in r.formats)
    check("format=3D&format=4DX", lambda r: bool({"3D", "4DX"} & r.formats))
    start, end = today - timedelta(days=30), today + timedelta(days=10)
    check(f"released_from={start}&released_to={end}", lambda r: start <= r.release_date <= end)
    check("showing=now_showing",
          lambda r: r.release_date <= today and (r.end_of_run is None or r.end_of_run >= today))
    check("showing=coming_soon", lambda r: r.release_date > today)
    check("q=river&genre=drama&format=2D&language=en&showing=now_showing",
          lambda r: "river" in r.title.lower() and "Drama" in r.genres and "2D" in r.formats
          and r.language == "en" and r.release_date <= today
          and (r.end_of_run is None or r.end_of_run >= today))
    archived = {r.id for r in rows if r.status == "archived"}
    assert set(ids(fetch_all(client, "status=archived"))) == archived
    assert len(fetch_all(client, "status=all")) == len(rows)


def test_sorting_and_page_edges(client):
    rows = build_catalogue()
    active = [r for r in rows if r.status == "active"]

    by_title = ids(fetch_all(client, "sort=title"))
    assert by_title == [r.id for r in sorted(active, key=lambda r: (r.title.lower(), r.id))]
    default = ids(fetch_all(client, ""))  # newest release first
    assert default == [r.id for r in sorted(active, key=lambda r: (-r.release_date.toordinal(), r.id))]
    by_release = ids(fetch_all(client, "sort=release_date&format=IMAX"))
    assert by_release == [r.id for r in sorted(active, key=lambda r: (r.release_date, r.id))
                          if "IMAX" in r.formats]

    wanted = rows[75]
    ranked = client.get(f"/api/movies?q={quote(wanted.title)}").json["items"]
    assert ranked[0]["id"] == wanted.id
    assert all(w.lower() in item["title"].lower() for item in ranked for w in wanted.title.split())

    beyond = client.get("/api/movies?page=99&page_size=50").json
    assert beyond["items"] == [] and beyond["total"] == len(active)
    assert beyond["pages"] == math.ceil(len(active) / 50)

    for bad in ("page=0", "page_size=101", "sort=popularity", "format=70mm", "showing=soon",
                "released_from=2026-05-01&released_to=2026-04-01", "sort=relevance",
                "released_from=yesterday"):
        assert client.get(f"/api/movies?{bad}").status_code == 422, bad


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York"])
def test_showing_at_a_cinema_on_a_local_day(client, factory, zone):
    rows = build_catalogue(60)
    cinema = factory.cinema(timezone=zone)
    other = factory.cinema(timezone="Asia/Tokyo")
    screen, screen2 = factory.screen(cinema), factory.screen(cinema)
    elsewhere = factory.screen(other)
    movies = {r.id: db.session.get(Movie, r.id) for r in rows[1:9]}  # rows[0] is archived
    first, late, early, cancelled, other_day, other_cinema = list(movies.values())[:6]
    day = now().date() + timedelta(days=10)
    def local(hour: int, minute: int = 0, days: int = 0) -> datetime:
        moment = datetime.combine(day + timedelta(days=days), datetime.min.time(),
                                  tzinfo=ZoneInfo(zone)) + timedelta(hours=hour, minutes=minute)
        return moment.astimezone(UTC)

    factory.showtime(screen, first, starts_at=local(14))
    factory.showtime(screen, late, starts_at=local(23, 30))       # the same local day
    factory.showtime(screen2, early, starts_at=local(0, 0))
    factory.showtime(screen2, cancelled, starts_at=local(18), status="cancelled")
    factory.showtime(screen2, other_day, starts_at=local(0, 30, days=1))  # next local day
    factory.showtime(elsewhere, other_cinema, starts_at=local(15))

    found = set(ids(fetch_all(client, f"cinema_id={cinema.id}&date={day}")))
    assert found == {first.id, late.id, early.id}
    upcoming = set(ids(fetch_all(client, f"cinema_id={cinema.id}")))
    assert upcoming == {first.id, late.id, early.id, other_day.id}
    combined = fetch_all(client, f"cinema_id={cinema.id}&date={day}&q={quote(late.title)}")
    assert ids(combined) == [late.id]
    assert fetch_all(client, f"cinema_id=9999&date={day}") == []


def test_title_search_uses_the_trigram_indexes(app):
    from sqlalchemy import text

    from app.movies.search import search_statement

    build_catalogue(50)
    compiled = search_statement({"q": "dragon", "status": "all"}).compile(db.engine)
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE movies"))
        # 50 rows would be read sequentially: make the planner show which indexes it can use.
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params))
    assert "ix_movies_title_trgm" in plan and "ix_movies_original_title_trgm" in plan, plan


def test_search_works_the_same_on_sqlite(tmp_path):
    """The embedded default (SQLite, no pg_trgm) answers the same filters with plain LIKE."""
    from flask_migrate import upgrade

    from app import create_app
    from tests.conftest import settings_for_tests

    sqlite_app = create_app(settings_for_tests(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'cinemaos.sqlite3'}",
        SQLALCHEMY_ENGINE_OPTIONS={}, REDIS_URL=None, RATELIMIT_STORAGE_URI="memory://",
        MEDIA_DIR=str(tmp_path), INSTANCE_DIR=str(tmp_path)))
    with sqlite_app.app_context():
        upgrade()
        rows = build_catalogue(120)
        client = sqlite_app.test_client()
        today = now().date()
        cases = {
            "q=dragon": lambda r: "dragon" in r.title.lower(),
            "q=der%20spiegel": lambda r: "der spiegel" in (r.original_title or "").lower(),
            "genre=drama&format=IMAX": lambda r: "Drama" in r.genres and "IMAX" in r.formats,
            "showing=coming_soon&language=fr": lambda r: r.release_date > today and r.language == "fr",
        }
        for query, predicate in cases.items():
            assert set(ids(fetch_all(client, query))) == expect(rows, predicate), query
        by_title = ids(fetch_all(client, "sort=title"))
        active = [r for r in rows if r.status == "active"]
        assert by_title == [r.id for r in sorted(active, key=lambda r: (r.title.lower(), r.id))]
        db.session.remove()
