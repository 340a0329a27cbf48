"""The catalogue query behind ``GET /api/movies``: filters, text search and order.

Text search is a case-insensitive substring match of every word on ``lower(title)`` or
``lower(original_title)``. On PostgreSQL those expressions have trigram GIN indexes
(pg_trgm, see the migration), which serve ``LIKE '%word%'``, and results are ranked by
trigram similarity; SQLite runs the same LIKE without an index and ranks prefix matches first.
Multi-valued filters use EXISTS subqueries, so a movie never appears twice and counts stay right.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, or_, select

from app.common.clock import now
from app.common.ids import id_from_text
from app.extensions import db
from app.models import AgeRating, Cinema, Genre, Movie, MovieFormat, Showtime, film_details, movie_genres


def showing_state(movie: Movie, today: date | None = None) -> str:
    """``coming_soon`` before release, ``ended`` after the end of run, else ``now_showing``."""
    today = today or now().date()
    if movie.release_date > today:
        return "coming_soon"
    if movie.end_of_run is not None and movie.end_of_run < today:
        return "ended"
    return "now_showing"


def search_statement(args: dict[str, Any]) -> Select:
    """An ordered SELECT of the movies matching ``args`` (a loaded MovieQueryArgsSchema)."""
    status = args.get("status", "active")
    conditions = [] if status == "all" else [Movie.status == status]
    if args.get("q"):
        conditions.extend(_word_matches(word) for word in args["q"].lower().split())
    if args.get("genre"):
        conditions.append(_has_genre(args["genre"]))
    if args.get("age_rating"):
        codes = set(args["age_rating"]) | {code.upper() for code in args["age_rating"]}
        conditions.append(Movie.age_rating.in_(codes))
    if args.get("suitable_for_age") is not None:
        conditions.append(Movie.age_rating.in_(
            select(AgeRating.code).where(AgeRating.min_age <= args["suitable_for_age"])))
    if args.get("language"):
        conditions.append(Movie.language.in_(set(args["language"]) | {
            lang.lower() for lang in args["language"]}))
    if args.get("format"):
        conditions.append(exists().where(
            MovieFormat.movie_id == Movie.id, MovieFormat.format.in_(args["format"])))
    if args.get("released_from"):
        conditions.append(Movie.release_date >= args["released_from"])
    if args.get("released_to"):
        conditions.append(Movie.release_date <= args["released_to"])
    if args.get("showing"):
        conditions.append(_showing(args["showing"], now().date()))
    if args.get("cinema_id") is not None or args.get("date"):
        conditions.append(_has_showtime(args.get("cinema_id"), args.get("date")))
    sort = args.get("sort") or ("relevance" if args.get("q") else "-release_date")
    return (select(Movie).where(*conditions).order_by(*_order(sort, args.get("q", "")), Movie.id)
            .options(*film_details()))


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(column, word: str) -> ColumnElement[bool]:
    return func.lower(column).like(f"%{_escape(word)}%", escape="\\")


def _word_matches(word: str) -> ColumnElement[bool]:
    return or_(_like(Movie.title, word), _like(Movie.original_title, word))


def _has_genre(values: list[str]) -> ColumnElement[bool]:
    matches = []
    for value in values:
        value = value.strip().lower()
        genre_id = id_from_text(value)
        if genre_id is not None:
            matches.append(Genre.id == genre_id)
        else:
            matches.extend((Genre.slug == value, func.lower(Genre.name) == value))
    return exists().where(
        movie_genres.c.movie_id == Movie.id, movie_genres.c.genre_id == Genre.id, or_(*matches)
    )


def _showing(showing: str, today: date) -> ColumnElement[bool]:
    if showing == "coming_soon":
        return Movie.release_date > today
    return and_(Movie.release_date <= today,
                or_(Movie.end_of_run.is_(None), Movie.end_of_run >= today))


def _has_showtime(cinema_id: int | None, day: date | None) -> ColumnElement[bool]:
    """A scheduled showtime at the cinema (any if None), on its local ``day`` or from now on."""
    where = [Showtime.movie_id == Movie.id, Showtime.status == "scheduled"]
    if cinema_id is not None:
        where.append(Showtime.cinema_id == cinema_id)
    if day is None:
        where.append(Showtime.starts_at >= now())
        return exists().where(*where)
    # A local day starts at a different UTC instant in each time zone: one window per zone.
    zones = select(Cinema.timezone, Cinema.id)
    if cinema_id is not None:
        zones = zones.where(Cinema.id == cinema_id)
    cinemas_by_zone: dict[str, list[int]] = {}
    for zone, cid in db.session.execute(zones):
        cinemas_by_zone.setdefault(zone, []).append(cid)
    if not cinemas_by_zone:
        return false()
    windows = []
    for zone, cinema_ids in cinemas_by_zone.items():
        start, end = local_day_bounds(day, zone)
        windows.append(and_(Showtime.cinema_id.in_(cinema_ids),
                            Showtime.starts_at >= start, Showtime.starts_at < end))
    return exists().where(*where, or_(*windows))


def local_day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The UTC instants at which local ``day`` starts and the next one starts (DST-aware)."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def _order(sort: str, q: str) -> list:
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    if sort == "relevance":
        phrase = q.lower()
        if postgresql:
            score = func.greatest(
                func.similarity(func.lower(Movie.title), phrase),
                func.similarity(func.lower(func.coalesce(Movie.original_title, "")), phrase),
            )
            return [score.desc(), _title_key(postgresql)]
        prefix = case((func.lower(Movie.title).like(f"{_escape(phrase)}%", escape="\\"), 0), else_=1)
        return [prefix, _title_key(postgresql)]
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    column = _title_key(postgresql) if name == "title" else {
        "release_date": Movie.release_date, "runtime": Movie.runtime_minutes,
        "created_at": Movie.created_at,
    }[name]
    return [column.desc() if descending else column.asc()]


def _title_key(postgresql: bool):
    # Byte order of the lowercased title on both backends: predictable, and the same as
    # Python's sorted(key=str.lower), whatever locale the PostgreSQL cluster was created with.
    title = func.lower(Movie.title)
    return title.collate("C") if postgresql else title
