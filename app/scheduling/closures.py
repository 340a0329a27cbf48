"""Screen closures: maintenance, private hire, a festival block.

A closure may not swallow a showtime that has sold or reserved seats (409 naming it); live
showtimes without bookings inside it are cancelled, so the screen really is free. Manual
showtimes and the optimiser then see the closure through ``availability.find_obstacles``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.cinemas.screens import editable_screen
from app.common.access import Principal
from app.common.clock import now
from app.common.errors import ConflictError, NotFoundError, ValidationError
from app.common.unit_of_work import after_commit, use_case
from app.extensions import db
from app.models import Booking, ScreenClosure, Showtime
from app.scheduling.availability import describe
from app.scheduling.queries import invalidate_schedule

LIVE_BOOKINGS = ("pending_payment", "confirmed")


def list_closures(principal: Principal, screen_id: int) -> list[ScreenClosure]:
    editable_screen(principal, screen_id)
    return list(db.session.scalars(
        select(ScreenClosure).where(ScreenClosure.screen_id == screen_id).order_by(ScreenClosure.starts_at)
    ))


@use_case
def create_closure(principal: Principal, screen_id: int, starts_at: datetime, ends_at: datetime,
                   reason: str) -> ScreenClosure:
    if ends_at <= starts_at:
        raise ValidationError("ends_at must be after starts_at", reason="closure_ends_before_start",
                              details={"ends_at": ["not after starts_at"]})
    screen = editable_screen(principal, screen_id)
    # Lock the screen's showtimes in the window so a booking cannot slip in between check and write.
    inside = list(db.session.scalars(
        select(Showtime).where(
            Showtime.screen_id == screen_id, Showtime.status == "scheduled",
            Showtime.starts_at < ends_at, Showtime.blocked_until > starts_at,
        ).with_for_update(of=Showtime)
    ))
    booked = set(db.session.scalars(
        select(Booking.showtime_id).where(
            Booking.showtime_id.in_([s.id for s in inside]), Booking.status.in_(LIVE_BOOKINGS))
    )) if inside else set()
    if booked:
        clash = next(s for s in inside if s.id in booked)
        raise ConflictError(
            f"Showtime {clash.id} in this window has bookings; cancel it first",
            reason="closure_over_booked_showtime",
            details={"conflicting_showtime": describe(clash), "showtime_ids": sorted(booked)},
        )
    for showtime in inside:
        showtime.status = "cancelled"
        showtime.cancelled_at = now()
    closure = ScreenClosure(screen_id=screen_id, starts_at=starts_at, ends_at=ends_at, reason=reason,
                            created_by_id=principal.id)
    db.session.add(closure)
    days = [starts_at + timedelta(days=k) for k in range((ends_at - starts_at).days + 1)]
    instants, cinema = [*days, ends_at, *(s.starts_at for s in inside)], screen.cinema
    after_commit(lambda: invalidate_schedule(cinema, *instants))
    return closure


@use_case
def delete_closure(principal: Principal, screen_id: int, closure_id: int) -> None:
    editable_screen(principal, screen_id)
    closure = db.session.get(ScreenClosure, closure_id)
    if closure is None or closure.screen_id != screen_id:
        raise NotFoundError(f"Closure {closure_id} of screen {screen_id} not found")
    db.session.delete(closure)
