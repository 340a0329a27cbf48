"""Reading bookings, and who may: a customer their own, staff those of their cinemas."""

from __future__ import annotations

from sqlalchemy import select

from app.bookings.references import normalise_reference
from app.common.access import (
    STAFF_ROLES,
    Principal,
    ensure_cinema_access,
    ensure_owner,
    within_cinemas,
    works_at,
)
from app.common.errors import NotFoundError
from app.common.lookups import get_or_404
from app.common.pagination import PageResult, paginate
from app.extensions import db
from app.models import Booking, Showtime


def get_booking(principal: Principal, booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise NotFoundError("Booking not found")
    relation_to(principal, booking)
    return booking


def list_bookings(principal: Principal, *, showtime_id: int | None = None, status: str | None = None,
                  reference: str | None = None, page: int = 1,
                  page_size: int = 20) -> PageResult:
    """The caller's bookings; staff with a showtime or a reference see every customer's there."""
    query = select(Booking)
    staff_view = principal.role in STAFF_ROLES and (showtime_id is not None or reference)
    if not staff_view:
        query = query.where(Booking.user_id == principal.id)
    if showtime_id is not None:
        if staff_view:
            # Read the row itself: the scheduling service sits above bookings (it cancels them).
            ensure_cinema_access(principal, get_or_404(Showtime, showtime_id).cinema_id)
        query = query.where(Booking.showtime_id == showtime_id)
    if reference:
        query = query.where(Booking.reference == normalise_reference(reference))
        if staff_view:
            query = within_cinemas(query.join(Showtime, Showtime.id == Booking.showtime_id),
                                   Showtime.cinema_id, principal)
    if status:
        query = query.where(Booking.status == status)
    return paginate(query.order_by(Booking.created_at.desc(), Booking.id.desc()), page, page_size)


def relation_to(principal: Principal, booking: Booking) -> str:
    """'staff' if the caller works at the booking's cinema, 'owner' if it is theirs.

    Another customer's booking looks as if it did not exist (404); staff of another cinema
    are told they are not assigned there (403).
    """
    cinema_id = booking.showtime.cinema_id
    if works_at(principal, cinema_id):
        return "staff"
    if principal.role in STAFF_ROLES and booking.user_id != principal.id:
        ensure_cinema_access(principal, cinema_id)
    ensure_owner(principal, booking.user_id, "Booking")
    return "owner"
