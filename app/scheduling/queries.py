"""Reading showtimes: one showtime, customers' browsing, a cinema's day (cached 15 min)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select

from app.common.access import Principal, ensure_cinema_access
from app.common.cache import cached_json, invalidate
from app.common.clock import now
from app.common.lookups import get_at_own_cinema, get_or_404
from app.common.pagination import PageResult, paginate
from app.extensions import db
from app.models import Cinema, Screen, Showtime
from app.scheduling.schemas import ScheduleSchema

SCHEDULE_TTL_SECONDS = 15 * 60


def get_showtime(showtime_id: int) -> Showtime:
    return get_or_404(Showtime, showtime_id)


def get_showtime_for_staff(principal: Principal, showtime_id: int) -> Showtime:
    return get_at_own_cinema(principal, Showtime, showtime_id)


def list_showtimes(*, movie_id: int | None = None, cinema_id: int | None = None, date: date | None = None,
                   page: int = 1, page_size: int = 10) -> PageResult:
    """Scheduled showtimes, by start; a ``date`` is each cinema's local day, else upcoming ones."""
    query = select(Showtime).where(Showtime.status == "scheduled")
    if movie_id is not None:
        query = query.where(Showtime.movie_id == movie_id)
    if cinema_id is not None:
        query = query.where(Showtime.cinema_id == cinema_id)
    if date is None:
        query = query.where(Showtime.starts_at >= now())
    else:
        # One UTC window per time zone in use, so "the day" is each cinema's own day.
        zones = db.session.scalars(select(Cinema.timezone).distinct()).all()
        query = query.join(Cinema, Cinema.id == Showtime.cinema_id).where(or_(*(
            and_(Cinema.timezone == zone, Showtime.starts_at >= start, Showtime.starts_at < end)
            for zone in zones for start, end in [local_day_bounds(date, zone)]
        ), False))
    return paginate(query.order_by(Showtime.starts_at, Showtime.id), page, page_size)


def cinema_schedule(principal: Principal, cinema_id: int, day: date) -> dict[str, Any]:
    """Every screen of the cinema and the showtimes starting on its local ``day``."""
    cinema = get_or_404(Cinema, cinema_id)
    ensure_cinema_access(principal, cinema_id)
    return cached_json(schedule_key(cinema_id, day), SCHEDULE_TTL_SECONDS,
                       lambda: _build_schedule(cinema, day))


def _build_schedule(cinema: Cinema, day: date) -> dict[str, Any]:
    start, end = local_day_bounds(day, cinema.timezone)
    showtimes = db.session.scalars(
        select(Showtime).where(Showtime.cinema_id == cinema.id, Showtime.starts_at >= start,
                               Showtime.starts_at < end)
        .order_by(Showtime.starts_at, Showtime.id)
    ).all()
    screens = db.session.scalars(
        select(Screen).where(Screen.cinema_id == cinema.id, Screen.archived_at.is_(None)).order_by(Screen.id)
    ).all()
    return ScheduleSchema().dump({
        "cinema_id": cinema.id, "date": day, "timezone": cinema.timezone,
        "screens": [
            {"screen_id": screen.id, "name": screen.name, "formats": screen.formats,
             "showtimes": [s for s in showtimes if s.screen_id == screen.id]}
            for screen in screens
        ],
    })


def schedule_key(cinema_id: int, day: date) -> str:
    return f"schedule:cinema:{cinema_id}:date:{day.isoformat()}"


def invalidate_schedule(cinema: Cinema, *instants: datetime) -> None:
    """Drop the cached days of ``cinema`` that show any of ``instants`` (old and new starts)."""
    zone = ZoneInfo(cinema.timezone)
    invalidate(*{schedule_key(cinema.id, instant.astimezone(zone).date()) for instant in instants})


def local_day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(timezone)
    return (datetime.combine(day, time(0), zone), datetime.combine(day + timedelta(days=1), time(0), zone))
