"""Occupancy and revenue of a cinema over some local days, by day, film or screen, in one SQL query.

A showtime counts when it is not cancelled and starts within the days (the cinema's local
time); its capacity is its screen's; tickets and revenue are the active seats of its confirmed
bookings (a cancelled booking's seats are inactive); fees are those confirmed bookings' booking
fees, kept apart (film rent is a share of the tickets, not of the fees; a partial refund keeps
the fees, a whole booking cancelled returns them). The local day is a CASE over the days' UTC
bounds, so the query is the same on PostgreSQL and on the embedded default's SQLite.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select

from app.common.access import Principal, ensure_cinema_access
from app.common.lookups import get_or_404
from app.extensions import db
from app.models import Booking, BookingFeeLine, BookingSeat, Cinema, Movie, Screen, Showtime
from app.scheduling.queries import local_day_bounds


def sales_report(principal: Principal, cinema_id: int, start_date: date, days: int,
                 group_by: str) -> dict[str, Any]:
    cinema = get_or_404(Cinema, cinema_id, "cinema")
    ensure_cinema_access(principal, cinema_id)
    bounds = [local_day_bounds(start_date + timedelta(days=i), cinema.timezone) for i in range(days)]
    sold = (
        select(BookingSeat.showtime_id, func.count().label("tickets"),
               func.sum(BookingSeat.price_minor).label("revenue"))
        .join(Booking, Booking.id == BookingSeat.booking_id)
        .where(BookingSeat.active.is_(True), Booking.status == "confirmed")
        .group_by(BookingSeat.showtime_id)
        .subquery()
    )
    fees = (
        select(Booking.showtime_id, func.sum(BookingFeeLine.amount_minor).label("fees"))
        .join(BookingFeeLine, BookingFeeLine.booking_id == Booking.id)
        .where(Booking.status == "confirmed")
        .group_by(Booking.showtime_id)
        .subquery()
    )
    key, label = _grouping(group_by, bounds, start_date)
    query = (
        select(key.label("key"), label.label("label"), func.count(Showtime.id).label("showtimes"),
               func.coalesce(func.sum(Screen.capacity), 0).label("capacity"),
               func.coalesce(func.sum(sold.c.tickets), 0).label("tickets"),
               func.coalesce(func.sum(sold.c.revenue), 0).label("revenue"),
               func.coalesce(func.sum(fees.c.fees), 0).label("fees"))
        .select_from(Showtime)
        .join(Screen, Screen.id == Showtime.screen_id)
        .join(Movie, Movie.id == Showtime.movie_id)
        .outerjoin(sold, sold.c.showtime_id == Showtime.id)
        .outerjoin(fees, fees.c.showtime_id == Showtime.id)
        .where(Showtime.cinema_id == cinema_id, Showtime.status != "cancelled",
               Showtime.starts_at >= bounds[0][0], Showtime.starts_at < bounds[-1][1])
        .group_by(key, label)
        .order_by(key)
    )
    rows = {str(row.key): _row(row) for row in db.session.execute(query)}
    if group_by == "day":
        # Every day of the range, a day without showtimes as zeros: a chart's axis has no holes.
        empty = {"showtimes": 0, "capacity": 0, "tickets_sold": 0, "occupancy": 0.0, "revenue_minor": 0,
                 "fees_minor": 0}
        rows = {day: rows.get(day, {"key": day, "label": day, **empty})
                for day in (str(start_date + timedelta(days=i)) for i in range(days))}
    return {"cinema_id": cinema_id, "currency": cinema.currency, "start_date": start_date, "days": days,
            "group_by": group_by, "rows": list(rows.values())}


def _grouping(group_by: str, bounds: list, start_date: date) -> tuple[Any, Any]:
    if group_by == "film":
        return Movie.id, Movie.title
    if group_by == "screen":
        return Screen.id, Screen.name
    day = case(*[(Showtime.starts_at < end, literal(str(start_date + timedelta(days=i))))
                 for i, (_, end) in enumerate(bounds)])
    return day, day


def _row(row: Any) -> dict[str, Any]:
    capacity, tickets = int(row.capacity), int(row.tickets)
    return {"key": str(row.key), "label": str(row.label), "showtimes": int(row.showtimes),
            "capacity": capacity,
            "tickets_sold": tickets, "occupancy": round(tickets / capacity, 4) if capacity else 0.0,
            "revenue_minor": int(row.revenue), "fees_minor": int(row.fees)}
