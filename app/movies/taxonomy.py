"""Genres and age ratings: the vocabularies movies are filed under (admins manage them).

Movies embed their genres' names and their rating code, so every change here drops the
cached ``movie:*`` representations.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import func, or_, select, update

from app.common.cache import mark_stale_pattern
from app.common.errors import ConflictError
from app.common.lookups import get_or_404
from app.common.unit_of_work import after_commit, use_case
from app.extensions import db
from app.models import AgeRating, Genre, Movie, movie_genres


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "genre"


def list_genres() -> list[Genre]:
    return list(db.session.scalars(select(Genre).order_by(Genre.name)))


def get_genre(genre_id: int) -> Genre:
    return get_or_404(Genre, genre_id)


@use_case
def create_genre(data: dict[str, Any]) -> Genre:
    genre = Genre(name=data["name"], slug=data.get("slug") or slugify(data["name"]))
    _ensure_genre_unique(genre.name, genre.slug)
    db.session.add(genre)
    return genre


@use_case
def update_genre(genre_id: int, data: dict[str, Any]) -> Genre:
    genre = get_genre(genre_id)
    name = data.get("name", genre.name)
    slug = data.get("slug") or (slugify(name) if "name" in data else genre.slug)
    _ensure_genre_unique(name, slug, genre_id)
    genre.name, genre.slug = name, slug
    after_commit(lambda: mark_stale_pattern("movie:*"))
    return genre


@use_case
def delete_genre(genre_id: int) -> None:
    genre = get_genre(genre_id)
    used = db.session.scalar(
        select(func.count()).select_from(movie_genres).where(movie_genres.c.genre_id == genre_id))
    if used:
        raise ConflictError(f"Genre {genre.name!r} is used by {used} movie(s); remove it from "
                            "them first", reason="genre_in_use", details={"movies": used})
    db.session.delete(genre)


def _ensure_genre_unique(name: str, slug: str, genre_id: int | None = None) -> None:
    clash = select(Genre).where(or_(func.lower(Genre.name) == name.lower(), Genre.slug == slug))
    if genre_id is not None:
        clash = clash.where(Genre.id != genre_id)
    if db.session.scalars(clash).first() is not None:
        raise ConflictError(f"A genre named {name!r} or with slug {slug!r} already exists",
                            reason="genre_exists")


def list_age_ratings() -> list[AgeRating]:
    return list(db.session.scalars(
        select(AgeRating).order_by(AgeRating.sort_order, AgeRating.min_age, AgeRating.code)))


def get_age_rating(code: str) -> AgeRating:
    return get_or_404(AgeRating, code, f"Age rating {code!r}")


@use_case
def create_age_rating(data: dict[str, Any]) -> AgeRating:
    if db.session.get(AgeRating, data["code"]) is not None:
        raise ConflictError(f"Age rating {data['code']!r} already exists", reason="rating_exists")
    rating = AgeRating(**data)
    db.session.add(rating)
    return rating


@use_case
def update_age_rating(code: str, data: dict[str, Any]) -> AgeRating:
    """Change a rating; a new code is given to every movie that had the old one."""
    rating = get_age_rating(code)
    new_code = data.pop("code", code)
    for name, value in data.items():
        setattr(rating, name, value)
    if new_code != code:
        if db.session.get(AgeRating, new_code) is not None:
            raise ConflictError(f"Age rating {new_code!r} already exists", reason="rating_exists")
        # Insert the new code, move the movies, drop the old: the same on every backend,
        # whether or not it enforces ON UPDATE CASCADE.
        renamed = AgeRating(code=new_code, name=rating.name, min_age=rating.min_age,
                            family_friendly=rating.family_friendly, sort_order=rating.sort_order)
        db.session.add(renamed)
        db.session.flush()
        db.session.execute(update(Movie).where(Movie.age_rating == code).values(age_rating=new_code))
        db.session.delete(rating)
        rating = renamed
    after_commit(lambda: mark_stale_pattern("movie:*"))
    return rating


@use_case
def delete_age_rating(code: str) -> None:
    rating = get_age_rating(code)
    used = db.session.scalar(select(func.count()).where(Movie.age_rating == code))
    if used:
        raise ConflictError(f"Age rating {code!r} is used by {used} movie(s); change them first",
                            reason="rating_in_use", details={"movies": used})
    db.session.delete(rating)
