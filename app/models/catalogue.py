"""Movies, genres, age ratings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Load, Mapped, mapped_column, relationship, selectinload

from app.extensions import db
from app.models.mixins import TimestampMixin, VersionedMixin
from app.models.types import JSONType, UTCDateTime

FORMATS = ("2D", "3D", "IMAX", "4DX")

movie_genres = Table(
    "movie_genres",
    db.metadata,
    Column("movie_id", ForeignKey("movies.id", ondelete="CASCADE"), primary_key=True),
    Column("genre_id", ForeignKey("genres.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Genre(db.Model):
    __tablename__ = "genres"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)
    slug: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)


class AgeRating(db.Model):
    """A rating of the cinema's classification system (e.g. MPA's PG-13, BBFC's 12A)."""

    __tablename__ = "age_ratings"
    __table_args__ = (CheckConstraint("min_age >= 0 AND min_age <= 21", name="min_age_range"),)

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    min_age: Mapped[int] = mapped_column(nullable=False, default=0)
    # Family films (G/PG-like) are scheduled only before the family cut-off hour.
    family_friendly: Mapped[bool] = mapped_column(nullable=False, default=False)
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)


class Movie(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "movies"
    __table_args__ = (
        CheckConstraint("runtime_minutes BETWEEN 1 AND 600", name="runtime_range"),
        CheckConstraint("trailer_minutes BETWEEN 0 AND 60", name="trailer_range"),
        CheckConstraint("status IN ('active', 'archived')", name="status_known"),
        Index("ix_movies_release_date", "release_date"),
        Index("ix_movies_status_release", "status", "release_date"),
        Index("ix_movies_language", "language"),
        Index("ix_movies_age_rating", "age_rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    original_title: Mapped[str | None] = mapped_column(String(200))
    synopsis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    runtime_minutes: Mapped[int] = mapped_column(nullable=False)
    trailer_minutes: Mapped[int] = mapped_column(nullable=False, default=15)
    release_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_of_run: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(8), nullable=False, default="en")
    age_rating: Mapped[str] = mapped_column(
        ForeignKey("age_ratings.code", onupdate="CASCADE", ondelete="RESTRICT"), nullable=False
    )
    director: Mapped[str | None] = mapped_column(String(120))
    cast: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    poster_key: Mapped[str | None] = mapped_column(String(300))
    trailer_url: Mapped[str | None] = mapped_column(String(500))
    # Distributor terms used by the scheduling optimiser.
    distributor_terms: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    # Film rent: the distributor's share of the box office in basis points, per week of the
    # run from the release date (the last entry holds for later weeks; empty: no rent).
    rent_by_week_bp: Mapped[list] = mapped_column(JSONType, nullable=False, default=list, server_default="[]")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Loaded when read (a film's own answers ask for them with ``film_details()``): showtimes and
    # bookings load their film for its title and runtime, and need neither.
    genres: Mapped[list[Genre]] = relationship(secondary=movie_genres)
    format_rows: Mapped[list[MovieFormat]] = relationship(
        cascade="all, delete-orphan", order_by="MovieFormat.format"
    )

    @property
    def formats(self) -> list[str]:
        return [row.format for row in self.format_rows]

    @property
    def genre_ids(self) -> list[int]:
        return sorted(genre.id for genre in self.genres)


class MovieFormat(db.Model):
    """The formats a movie is distributed in; a table (not JSON) so format filters use an index."""

    __tablename__ = "movie_formats"
    __table_args__ = (CheckConstraint(f"format IN {FORMATS}", name="format_known"),)

    movie_id: Mapped[int] = mapped_column(
        ForeignKey("movies.id", ondelete="CASCADE"), primary_key=True
    )
    format: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)


def film_details() -> tuple[Load, ...]:
    """Loader options for reading films with what a film's own answer shows: genres and
    formats, one extra query each whatever the number of films. (A function: options built at
    import time would configure the mappers before every model is defined.)"""
    return selectinload(Movie.genres), selectinload(Movie.format_rows)
