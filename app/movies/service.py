"""Movies: reading (cached), searching, writing, archiving and posters.

``movie:{id}`` holds a movie's public representation for an hour; every write marks it
stale after its commit, so the next read rebuilds it from the database, and a read that
raced the write cannot put the old version back. Lists are not cached:
"showing at cinema X on date D" depends on showtimes, which the scheduler writes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.cinemas.retirement import cancel_upcoming_showtimes, ensure_no_booked_showtimes, forget_schedules
from app.common import storage
from app.common.cache import consistent_cached_json, mark_stale
from app.common.clock import now
from app.common.errors import ValidationError
from app.common.lookups import get_or_404, lock_at_version
from app.common.pagination import PageResult, paginate
from app.common.unit_of_work import after_commit, use_case
from app.extensions import db
from app.models import AgeRating, Genre, Movie, MovieFormat, Showtime
from app.movies.posters import inspect_poster, poster_key
from app.movies.schemas import MovieSchema
from app.movies.search import search_statement

MOVIE_TTL_SECONDS = 3600


def movie_key(movie_id: int) -> str:
    return f"movie:{movie_id}"


def get_movie(movie_id: int) -> Movie:
    return get_or_404(Movie, movie_id)


def read_movie(movie_id: int) -> dict[str, Any]:
    """The movie as the API shows it, from ``movie:{id}`` or rebuilt and cached for an hour."""
    return consistent_cached_json(movie_key(movie_id), MOVIE_TTL_SECONDS,
                       lambda: MovieSchema().dump(get_movie(movie_id)))


def search_movies(args: dict[str, Any]) -> PageResult:
    return paginate(search_statement(args), args["page"], args["page_size"])


@use_case
def create_movie(data: dict[str, Any]) -> Movie:
    movie = Movie(status="active")
    _apply(movie, data)
    db.session.add(movie)
    return movie


@use_case
def update_movie(movie_id: int, expected_version: int, changes: dict[str, Any]) -> Movie:
    """Apply ``changes`` (fields left out keep their value) if nobody changed it meanwhile."""
    movie = lock_at_version(Movie, movie_id, expected_version)
    _apply(movie, changes)
    # Genres and formats live in other tables: touching the row bumps its version anyway.
    movie.updated_at = now()
    after_commit(lambda: mark_stale(movie_key(movie_id)))
    return movie


@use_case
def archive_movie(movie_id: int, expected_version: int) -> None:
    """Refuse (409) while upcoming showtimes have bookings; else archive it, cancel the rest."""
    movie = lock_at_version(Movie, movie_id, expected_version)
    ensure_no_booked_showtimes(f"Movie {movie_id}", Showtime.movie_id == movie_id)
    cinemas = cancel_upcoming_showtimes(Showtime.movie_id == movie_id)
    if movie.status != "archived":
        movie.status = "archived"
        movie.archived_at = now()
    after_commit(lambda: (mark_stale(movie_key(movie_id)), forget_schedules(cinemas)))


@use_case
def set_poster(movie_id: int, data: bytes) -> Movie:
    """Store a checked image as the movie's poster (S3 or the local media folder)."""
    movie = get_movie(movie_id)
    extension, content_type = inspect_poster(
        data, current_app.config["MAX_POSTER_BYTES"], current_app.config["MAX_POSTER_PIXELS"]
    )
    key = poster_key(movie_id, data, extension)
    storage.put_object(key, data, content_type)
    old_key, movie.poster_key = movie.poster_key, key
    after_commit(lambda: _replaced_poster(movie_id, old_key if old_key != key else None))
    return movie


@use_case
def remove_poster(movie_id: int) -> None:
    movie = get_movie(movie_id)
    old_key, movie.poster_key = movie.poster_key, None
    after_commit(lambda: _replaced_poster(movie_id, old_key))


def _replaced_poster(movie_id: int, old_key: str | None) -> None:
    """After the commit: the cached movie shows the new poster, the old file goes."""
    mark_stale(movie_key(movie_id))
    if old_key:
        storage.delete_object(old_key)


def _apply(movie: Movie, data: dict[str, Any]) -> None:
    # Look everything up before touching the movie: a query autoflushes pending changes.
    if "age_rating" in data and db.session.get(AgeRating, data["age_rating"]) is None:
        raise ValidationError(f"Unknown age rating {data['age_rating']!r}; see GET /api/age-ratings",
                              details={"age_rating": ["unknown code"]})
    genre_ids = data.pop("genre_ids", None)
    genres = _genres(genre_ids) if genre_ids is not None else None
    formats = data.pop("formats", None)
    _check_dates(data.get("release_date", movie.release_date),
                 data.get("end_of_run", movie.end_of_run))
    # Genres and formats load when first touched; that load must not flush the fields set
    # just before it (a second UPDATE would bump the version twice).
    with db.session.no_autoflush:
        for name, value in data.items():
            setattr(movie, name, value)
        if genres is not None:
            movie.genres = genres
        if formats is not None:
            kept = [row for row in movie.format_rows if row.format in formats]
            have = {row.format for row in kept}
            movie.format_rows = kept + [MovieFormat(format=f) for f in formats if f not in have]


def _genres(genre_ids: list[int]) -> list[Genre]:
    genres = list(db.session.scalars(select(Genre).where(Genre.id.in_(genre_ids))))
    missing = sorted(set(genre_ids) - {genre.id for genre in genres})
    if missing:
        raise ValidationError(f"Unknown genre ids {missing}; see GET /api/genres",
                              details={"genre_ids": [f"unknown ids {missing}"]})
    return genres


def _check_dates(release: date | None, end_of_run: date | None) -> None:
    if release and end_of_run and end_of_run < release:
        raise ValidationError("end_of_run is before release_date",
                              details={"end_of_run": ["before release_date"]})
