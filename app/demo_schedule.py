"""The demo's showtimes: this week's, planned by its own rules, and past weeks' with sales.

The seeded week keeps every rule the optimiser applies to new shows (films end by closing
time, family films start by 20:00, at most two starts in any ten minutes, a film at most
four times in two hours, the five-minute grid), so a manager generating over it keeps the
demo's shows without a warning. Past weeks come with plausible sales, drawn from the
demand prior (film age, weekday, hour) with a per-film appeal and noise, so the demand fit
of ``app.scheduling.instance`` has a cinema history to learn from. Sales are written in
bulk, one box-office booking per past show: seeding stays quick.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from app.common.clock import now
from app.extensions import db
from app.models import AgeRating, Booking, BookingSeat, Cinema, Movie, Seat, SeatCategoryPrice, Showtime
from optimizer.demand import prior_profile
from optimizer.model import Rules

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RULES = Rules()  # the optimiser's defaults, which the demo's own shows keep too
FIRST_START_AFTER_OPENING = timedelta(minutes=30)
HISTORY_WEEKS = 3
OPENING_WEEK_PEAK = 0.55  # share of seats sold at an opening-week Saturday 19:00


@dataclass(frozen=True)
class PlannedShow:
    movie: Movie
    screen_index: int
    format: str
    starts_at: datetime  # local
    ends_at: datetime  # local, end of the film


def seed_showtimes(cinema: Cinema, movies: list[Movie], walk_in_user_id: int) -> None:
    """This week from today, and ``HISTORY_WEEKS`` of past shows with sales, for days that
    have none yet."""
    zone = ZoneInfo(cinema.timezone)
    today = now().astimezone(zone).date()
    family = set(db.session.scalars(select(AgeRating.code).where(AgeRating.family_friendly)))
    past = []
    for offset in range(-7 * HISTORY_WEEKS, 7):
        day = today + timedelta(days=offset)
        if _cinema_has_shows_on(cinema, day, zone):
            continue
        shows = _write(cinema, plan_day(cinema, movies, day, family))
        if offset < 0:
            past += shows
    db.session.flush()
    _sell(cinema, past, walk_in_user_id)


def plan_day(cinema: Cinema, movies: list[Movie], day: date, family: set[str]) -> list[PlannedShow]:
    """Screens filled from opening, films in turn, within the rules (module docstring)."""
    hours = cinema.opening_hours.get(WEEKDAYS[day.weekday()])
    if not hours:
        return []
    zone = ZoneInfo(cinema.timezone)
    opens = datetime.combine(day, time.fromisoformat(hours["open"]), zone)
    close_at = time(0) if hours["close"] == "24:00" else time.fromisoformat(hours["close"])
    closes = datetime.combine(day, close_at, zone)
    if closes <= opens:
        closes = datetime.combine(day + timedelta(days=1), close_at, zone)
    family_last = datetime.combine(day, time(0), zone) + timedelta(minutes=RULES.family_last_start)
    buffer = timedelta(minutes=cinema.cleaning_buffer_minutes)
    planned: list[PlannedShow] = []
    for index, screen in enumerate(cinema.screens):
        fitting = [m for m in movies if m.release_date <= day and set(m.formats) & set(screen.formats)]
        start = opens + FIRST_START_AFTER_OPENING + index * timedelta(minutes=RULES.stagger_window_minutes)
        turn = index + day.toordinal()
        while fitting and start < closes:
            start = _staggered(start, planned)
            movie = next((m for m in _in_turn(fitting, turn) if _may_start(m, start, planned, closes,
                                                                           family_last, family)), None)
            if movie is None:
                break
            turn += 1
            fmt = max(set(movie.formats) & set(screen.formats), key=["2D", "3D", "4DX", "IMAX"].index)
            ends = start + timedelta(minutes=movie.trailer_minutes + movie.runtime_minutes)
            planned.append(PlannedShow(movie, index, fmt, start, ends))
            start = _on_grid(ends + buffer)
    return planned


def _in_turn(films: list[Movie], turn: int) -> Iterable[Movie]:
    return (films[(turn + k) % len(films)] for k in range(len(films)))


def _may_start(movie: Movie, start: datetime, planned: list[PlannedShow], closes: datetime,
               family_last: datetime, family: set[str]) -> bool:
    if start + timedelta(minutes=movie.trailer_minutes + movie.runtime_minutes) > closes:
        return False
    if movie.age_rating in family and start > family_last:
        return False
    # Fewer than max_shows_per_window others closer than a window's width: no window holds more.
    width = timedelta(minutes=RULES.audience_window_minutes)
    near = sum(1 for p in planned if p.movie.id == movie.id and abs(p.starts_at - start) < width)
    return near < RULES.max_shows_per_window


def _staggered(start: datetime, planned: list[PlannedShow]) -> datetime:
    """The first grid start from ``start`` with fewer than ``stagger_max_starts`` other starts
    closer than a window's width: then no window holds more starts than the rule allows."""
    width = timedelta(minutes=RULES.stagger_window_minutes)
    while sum(1 for p in planned if abs(p.starts_at - start) < width) >= RULES.stagger_max_starts:
        start += timedelta(minutes=RULES.grid_minutes)
    return start


def _on_grid(moment: datetime) -> datetime:
    return moment + timedelta(minutes=(-moment.minute) % RULES.grid_minutes)


def _write(cinema: Cinema, planned: list[PlannedShow]) -> list[Showtime]:
    buffer = timedelta(minutes=cinema.cleaning_buffer_minutes)
    shows = [Showtime(
        movie_id=p.movie.id, screen_id=cinema.screens[p.screen_index].id, cinema_id=cinema.id,
        format=p.format, language=p.movie.language, starts_at=p.starts_at.astimezone(UTC),
        ends_at=p.ends_at.astimezone(UTC), blocked_until=(p.ends_at + buffer).astimezone(UTC),
    ) for p in planned]
    db.session.add_all(shows)
    return shows


def _sell(cinema: Cinema, shows: list[Showtime], user_id: int) -> None:
    """One confirmed box-office booking per past show, its seats sold as demand had it."""
    if not shows:
        return
    zone = ZoneInfo(cinema.timezone)
    prices = dict(db.session.execute(select(SeatCategoryPrice.category, SeatCategoryPrice.amount_minor).where(
        SeatCategoryPrice.cinema_id == cinema.id, SeatCategoryPrice.screen_id.is_(None))).all())
    seats = {screen.id: list(db.session.execute(select(Seat.id, Seat.category).where(
        Seat.screen_id == screen.id, Seat.active, Seat.is_blocked.is_(False)).order_by(Seat.id)).all())
        for screen in cinema.screens}
    movies = {m.id: m for m in db.session.scalars(select(Movie).where(
        Movie.id.in_({s.movie_id for s in shows})))}
    prior, rng = prior_profile(), random.Random(f"demo-sales-{cinema.name}")
    appeal = {movie_id: rng.uniform(0.6, 1.3) for movie_id in sorted(movies)}
    sold_seats = []
    for show in shows:
        local = show.starts_at.astimezone(zone)
        age = (local.date() - movies[show.movie_id].release_date).days // 7
        share = OPENING_WEEK_PEAK * appeal[show.movie_id] * rng.uniform(0.7, 1.3) * float(
            prior.multiplier(age, local.weekday(), local.hour))
        screen_seats = seats[show.screen_id]
        sold = screen_seats[:min(len(screen_seats), round(share * len(screen_seats)))]
        if sold:
            sold_seats.append((show, sold))
    bookings = [Booking(reference=f"BOX{show.id}", user_id=user_id, showtime_id=show.id, status="confirmed",
                        currency=cinema.currency, confirmed_at=show.starts_at - timedelta(hours=2),
                        subtotal_minor=sum(prices.get(c, 0) for _, c in sold),
                        total_minor=sum(prices.get(c, 0) for _, c in sold))
                for show, sold in sold_seats]
    db.session.add_all(bookings)
    db.session.flush()
    db.session.execute(insert(BookingSeat), [
        {"booking_id": booking.id, "showtime_id": show.id, "seat_id": seat_id, "category": category,
         "ticket_type": "adult", "price_minor": prices.get(category, 0), "active": True, "refunded_minor": 0}
        for booking, (show, sold) in zip(bookings, sold_seats, strict=True) for seat_id, category in sold])


def _cinema_has_shows_on(cinema: Cinema, day: date, zone: ZoneInfo) -> bool:
    start = datetime.combine(day, time(0), zone)
    return db.session.execute(select(Showtime.id).where(
        Showtime.cinema_id == cinema.id, Showtime.starts_at >= start,
        Showtime.starts_at < start + timedelta(days=1)).limit(1)).first() is not None
