"""Retiring movies, screens and cinemas without losing anything a customer paid for.

A movie, screen or cinema with upcoming showtimes that carry live bookings cannot go (409,
naming the showtimes); otherwise it is archived, and its upcoming showtimes, which nobody
has booked, are cancelled so the schedule stops offering them.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select

from app.common.cache import invalidate_pattern
from app.common.clock import now
from app.common.errors import ConflictError
from app.extensions import db
from app.models import Booking, Showtime

LIVE_BOOKING_STATUSES = ("pending_payment", "confirmed")


def _upcoming(*where: ColumnElement[bool]):
    return select(Showtime).where(
        Showtime.status == "scheduled", Showtime.starts_at > now(), *where
    )


def ensure_no_booked_showtimes(what: str, *where: ColumnElement[bool]) -> None:
    """Raise 409 if an upcoming showtime matching ``where`` has a live booking."""
    booked = _upcoming(*where).where(exists().where(
        Booking.showtime_id == Showtime.id, Booking.status.in_(LIVE_BOOKING_STATUSES)
    )).with_only_columns(Showtime.id).order_by(Showtime.starts_at)
    ids = list(db.session.scalars(booked))
    if ids:
        raise ConflictError(
            f"{what} has {len(ids)} upcoming showtime(s) with bookings; cancel or move those "
            "showtimes first", reason="has_booked_showtimes", details={"showtime_ids": ids},
        )


def cancel_upcoming_showtimes(*where: ColumnElement[bool]) -> set[int]:
    """Cancel the upcoming showtimes matching ``where``; return the cinemas whose schedule changed."""
    cancelled_at = now()
    cinemas = set()
    for showtime in db.session.scalars(_upcoming(*where)):
        showtime.status = "cancelled"
        showtime.cancelled_at = cancelled_at
        cinemas.add(showtime.cinema_id)
    return cinemas


def forget_schedules(cinema_ids: set[int]) -> None:
    """Drop the cached daily schedules of these cinemas (after the commit)."""
    for cinema_id in cinema_ids:
        invalidate_pattern(f"schedule:cinema:{cinema_id}:*")
