"""Between the database and the optimiser: build its ``Instance``, write its schedule back.

The optimiser works in local (day, minute) time; this module is the one edge where local
times become UTC instants and back. The forecast is the shared demand model of
``optimizer.demand``, fitted on this cinema's own past shows (shrunk toward the prior where
they are few), so the scheduler and the pricing worker agree on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.common.clock import now
from app.common.localtime import local_parts, with_local_parts
from app.extensions import db
from app.models import (
    AgeRating,
    Booking,
    BookingSeat,
    Cinema,
    Movie,
    Screen,
    ScreenClosure,
    SeatCategoryPrice,
    Showtime,
)
from app.scheduling.availability import find_obstacles
from optimizer.demand import ProfileForecast, fit_profile
from optimizer.model import DistributorTerms, FixedShow, Instance, OpeningHours, Rules, ScheduleResult
from optimizer.model import Movie as PlanMovie
from optimizer.model import Screen as PlanScreen


class GenerationFailed(Exception):
    """A run that produced no schedule, in a manager's words, with the optimiser's warnings."""

    def __init__(self, message: str, warnings: list[str] | None = None) -> None:
        super().__init__(message)
        self.warnings = warnings or []


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LIVE_BOOKINGS = ("pending_payment", "confirmed")
HISTORY_WEEKS = 26


@dataclass
class Horizon:
    cinema: Cinema
    start_date: date
    days: int

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.cinema.timezone)

    def local_midnight(self, day: int) -> datetime:
        return datetime.combine(self.start_date + timedelta(days=int(day)), time(0), self.zone)

    def instant(self, day: int, minute: int) -> datetime:
        """UTC instant of a local (day, minute); minutes past 1440 are after midnight."""
        return (self.local_midnight(day) + timedelta(minutes=int(minute))).astimezone(UTC)

    def day_minute(self, instant: datetime) -> tuple[int, int]:
        local = instant.astimezone(self.zone)
        return (local.date() - self.start_date).days, local.hour * 60 + local.minute

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return self.local_midnight(0).astimezone(UTC), self.local_midnight(self.days).astimezone(UTC)


def opening_hours(cinema: Cinema, day: date) -> OpeningHours:
    spec = (cinema.opening_hours or {}).get(WEEKDAYS[day.weekday()])
    if cinema.opening_hours and not spec:
        return OpeningHours(0, 0)  # closed all day
    spec = spec or {"open": "00:00", "close": "24:00"}
    opens = _minutes(spec["open"])
    closes = _minutes(spec["close"])
    return OpeningHours(opens, closes if closes > opens else closes + 1440)


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def build_instance(horizon: Horizon, movie_ids: list[int] | None, rules: Rules) -> Instance:
    cinema = horizon.cinema
    first, last = horizon.bounds
    screens = list(db.session.scalars(
        select(Screen).where(Screen.cinema_id == cinema.id, Screen.archived_at.is_(None), Screen.capacity > 0)
        .order_by(Screen.id)))
    closures = db.session.execute(select(ScreenClosure).where(
        ScreenClosure.screen_id.in_([s.id for s in screens]),
        ScreenClosure.starts_at < last, ScreenClosure.ends_at > first)).scalars().all()
    kept = kept_showtimes(horizon)[0]
    movies = _movies(horizon, movie_ids)
    # A kept show's film is in the instance even when it is no longer on offer (archived,
    # run over, or left out of ``movie_ids``): the show stays, but no new one is added.
    kept_only = _kept_only_movies(kept, {m.id for m in movies})
    price = db.session.scalar(select(SeatCategoryPrice.amount_minor).where(
        SeatCategoryPrice.cinema_id == cinema.id, SeatCategoryPrice.screen_id.is_(None),
        SeatCategoryPrice.category == "standard")) or 1000
    family = frozenset(db.session.scalars(select(AgeRating.code).where(AgeRating.family_friendly)))
    return Instance(
        start_date=horizon.start_date,
        screens=tuple(
            PlanScreen(id=str(s.id), name=s.name, capacity=s.capacity, formats=frozenset(s.formats),
                       cleaning_minutes=cinema.cleaning_buffer_minutes,
                       closures=tuple(_closure_minutes(horizon, c) for c in closures if c.screen_id == s.id))
            for s in screens),
        movies=tuple(_plan_movie(m, price, on_offer=True) for m in movies)
        + tuple(_plan_movie(m, price, on_offer=False) for m in kept_only),
        hours=tuple(opening_hours(cinema, horizon.start_date + timedelta(days=d))
                    for d in range(horizon.days)),
        forecast=_forecast(horizon, movies + kept_only, screens),
        # The film must end by closing time, exactly as availability.find_obstacles demands of
        # manual showtimes: one notion of "open".
        rules=Rules(**{**rules.__dict__, "family_ratings": family or rules.family_ratings,
                       "max_overrun_minutes": 0}),
        fixed=tuple(_fixed_shows(horizon, kept)),
        concession_per_visitor_minor=cinema.concession_per_visitor_minor,
    )


def _plan_movie(movie: Movie, price: int, *, on_offer: bool) -> PlanMovie:
    """The optimiser's view of a film; one no longer on offer is there for its kept shows only,
    without the distributor's limits (they are for the run being planned)."""
    terms = {k: v for k, v in movie.distributor_terms.items()
             if on_offer and k in DistributorTerms.__dataclass_fields__}
    terms["rent_by_week"] = tuple(bp / 10_000 for bp in movie.rent_by_week_bp or ())
    return PlanMovie(id=str(movie.id), title=movie.title, runtime=movie.runtime_minutes,
                     trailer_minutes=movie.trailer_minutes, formats=frozenset(movie.formats),
                     rating=movie.age_rating, release_date=movie.release_date, price_minor=price,
                     priority=float(movie.distributor_terms.get("priority", 1.0)),
                     terms=DistributorTerms(**terms), kept_only=not on_offer)


def _movies(horizon: Horizon, movie_ids: list[int] | None) -> list[Movie]:
    last_day = horizon.start_date + timedelta(days=horizon.days - 1)
    query = select(Movie).where(
        Movie.status == "active", Movie.release_date <= last_day,
        or_(Movie.end_of_run.is_(None), Movie.end_of_run >= horizon.start_date)
    ).order_by(Movie.id).options(selectinload(Movie.format_rows))
    if movie_ids:
        query = query.where(Movie.id.in_(movie_ids))
    return list(db.session.scalars(query))


def _kept_only_movies(kept: list[Showtime], offered: set[int]) -> list[Movie]:
    missing = {s.movie_id for s in kept} - offered
    if not missing:
        return []
    return list(db.session.scalars(select(Movie).where(Movie.id.in_(missing)).order_by(Movie.id)
                                   .options(selectinload(Movie.format_rows))))


def _closure_minutes(horizon: Horizon, closure: ScreenClosure) -> tuple[int, int]:
    def horizon_minute(instant: datetime) -> int:
        day, minute = horizon.day_minute(instant)
        return day * 1440 + minute

    return horizon_minute(closure.starts_at), horizon_minute(closure.ends_at)


def kept_showtimes(horizon: Horizon) -> tuple[list[Showtime], list[Showtime]]:
    """Showtimes of the horizon that stay (manual, or selling) and generated ones to replace."""
    first, last = horizon.bounds
    showtimes = list(db.session.scalars(select(Showtime).where(
        Showtime.cinema_id == horizon.cinema.id, Showtime.status == "scheduled",
        Showtime.starts_at >= first, Showtime.starts_at < last).order_by(Showtime.starts_at)))
    selling = set(db.session.scalars(select(Booking.showtime_id).where(
        Booking.showtime_id.in_([s.id for s in showtimes]), Booking.status.in_(LIVE_BOOKINGS)))) \
        if showtimes else set()
    keep = [s for s in showtimes if s.source == "manual" or s.id in selling]
    replace = [s for s in showtimes if s.source == "generated" and s.id not in selling]
    return keep, replace


def _fixed_shows(horizon: Horizon, kept: list[Showtime]) -> list[FixedShow]:
    fixed = []
    for showtime in kept:
        day, minute = horizon.day_minute(showtime.starts_at)
        # A show just after midnight belongs to the previous business day's late opening.
        if day > 0 and minute < opening_hours(horizon.cinema, horizon.start_date + timedelta(days=day)).open:
            day, minute = day - 1, minute + 1440
        fixed.append(FixedShow(movie_id=str(showtime.movie_id), screen_id=str(showtime.screen_id),
                               day=day, start=minute, format=showtime.format))
    return fixed


def _forecast(horizon: Horizon, movies: list[Movie], screens: list[Screen]) -> ProfileForecast:
    since = now() - timedelta(weeks=HISTORY_WEEKS)
    sold = (select(BookingSeat.showtime_id, func.count().label("sold"))
            .where(BookingSeat.active.is_(True)).group_by(BookingSeat.showtime_id).subquery())
    query = (
        select(Showtime.starts_at, Cinema.timezone, Movie.release_date, Screen.capacity,
               func.coalesce(sold.c.sold, 0).label("sold"))
        .join(Cinema, Cinema.id == Showtime.cinema_id).join(Movie, Movie.id == Showtime.movie_id)
        .join(Screen, Screen.id == Showtime.screen_id)
        .outerjoin(sold, sold.c.showtime_id == Showtime.id)
        .where(and_(Showtime.cinema_id == horizon.cinema.id, Showtime.status == "scheduled",
                    Showtime.starts_at < now(), Showtime.starts_at >= since, Screen.capacity > 0))
    )
    history = db.session.execute(
        with_local_parts(query, Showtime.starts_at, Cinema.timezone, Movie.release_date)).all()
    weekday, hour, age = local_parts(history)
    profile = fit_profile(age, weekday, hour, np.array([r.sold for r in history], dtype=float),
                          np.array([r.capacity for r in history], dtype=float))
    typical_screen = median(s.capacity for s in screens) if screens else 0
    base = {str(m.id): profile.level * typical_screen * float(m.distributor_terms.get("appeal", 1.0))
            for m in movies}
    return ProfileForecast(profile, horizon.start_date,
                           release={str(m.id): m.release_date for m in movies}, base=base)


def proposal(horizon: Horizon, result: ScheduleResult) -> list[dict]:
    """The new (non-fixed) shows as API-ready dicts with UTC start times."""
    return [
        {"movie_id": int(show.movie_id), "screen_id": int(show.screen_id), "format": show.format,
         "starts_at": horizon.instant(show.day, show.start).isoformat(),
         "expected_visitors": round(show.expected_visitors, 1),
         "expected_revenue_minor": show.expected_revenue_minor,
         "expected_kept_minor": show.expected_kept_minor}
        for show in result.shows if not show.fixed
    ]


def write_schedule(horizon: Horizon, result: ScheduleResult, run_id: str) -> list[Showtime]:
    """Replace the horizon's unsold generated showtimes with the new ones, in the caller's
    transaction (PostgreSQL's exclusion constraint still guards against any overlap)."""
    movies = {str(m.id): m for m in db.session.scalars(
        select(Movie).where(Movie.id.in_({int(s.movie_id) for s in result.shows})))}
    for old in kept_showtimes(horizon)[1]:
        bookings = select(func.count()).select_from(Booking).where(Booking.showtime_id == old.id)
        if db.session.scalar(bookings):
            old.status, old.cancelled_at = "cancelled", now()
        else:
            db.session.delete(old)
    db.session.flush()
    buffer = timedelta(minutes=horizon.cinema.cleaning_buffer_minutes)
    created = []
    for show in result.shows:
        if show.fixed:
            continue
        movie = movies[show.movie_id]
        starts = horizon.instant(show.day, show.start)
        ends = starts + timedelta(minutes=movie.trailer_minutes + movie.runtime_minutes)
        created.append(Showtime(
            movie_id=movie.id, screen_id=int(show.screen_id), cinema_id=horizon.cinema.id, starts_at=starts,
            ends_at=ends, blocked_until=ends + buffer, format=show.format, language=movie.language,
            source="generated", optimisation_run_id=run_id))
    db.session.add_all(created)
    db.session.flush()
    _ensure_free(horizon, created)
    return created


def _ensure_free(horizon: Horizon, created: list[Showtime]) -> None:
    """Ask the one function that decides what is free (the manual endpoints' too) about every
    new showtime; a disagreement with the optimiser fails the run before anything is kept."""
    screens = {s.id: s for s in db.session.scalars(
        select(Screen).where(Screen.cinema_id == horizon.cinema.id))}
    for showtime in created:
        obstacles = find_obstacles(screens[showtime.screen_id], horizon.cinema, showtime.starts_at,
                                   showtime.ends_at, showtime.blocked_until, showtime.format,
                                   ignore_showtime_id=showtime.id)
        if obstacles:
            raise GenerationFailed(f"The proposed showtime of {showtime.movie.title} on "
                                   f"{screens[showtime.screen_id].name} at "
                                   f"{showtime.starts_at.astimezone(horizon.zone):%a %d %b %Y %H:%M} "
                                   f"is not free: {obstacles[0].message}")
