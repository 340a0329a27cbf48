"""Cinemas: listing, creating, changing and archiving them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.cinemas.retirement import cancel_upcoming_showtimes, ensure_no_booked_showtimes, forget_schedules
from app.common.access import Principal, ensure_cinema_access
from app.common.clock import now
from app.common.errors import ConflictError, ValidationError
from app.common.lookups import get_or_404, lock_at_version
from app.common.pagination import PageResult, paginate
from app.common.unit_of_work import after_commit, use_case
from app.extensions import db
from app.models import Cinema, Screen, Showtime


def get_cinema(cinema_id: int) -> Cinema:
    return get_or_404(Cinema, cinema_id)


def editable_cinema(principal: Principal, cinema_id: int) -> Cinema:
    """The cinema, if ``principal`` may change it (404 first, then 403)."""
    cinema = get_cinema(cinema_id)
    ensure_cinema_access(principal, cinema_id)
    return cinema


def list_cinemas(args: dict[str, Any]) -> PageResult:
    stmt = select(Cinema).order_by(Cinema.name, Cinema.id)
    if not args["include_archived"]:
        stmt = stmt.where(Cinema.archived_at.is_(None))
    if args.get("city"):
        stmt = stmt.where(func.lower(Cinema.city) == args["city"].lower())
    return paginate(stmt, args["page"], args["page_size"])


@use_case
def create_cinema(data: dict[str, Any]) -> Cinema:
    _ensure_name_free(data["name"])
    cinema = Cinema(**data)
    _check_price_bounds(cinema)
    db.session.add(cinema)
    return cinema


@use_case
def update_cinema(principal: Principal, cinema_id: int, expected_version: int,
                  changes: dict[str, Any]) -> Cinema:
    """Change a cinema's settings (admins, or managers of this cinema)."""
    ensure_cinema_access(principal, cinema_id)
    cinema = lock_at_version(Cinema, cinema_id, expected_version)
    if "name" in changes and changes["name"] != cinema.name:
        _ensure_name_free(changes["name"])
    for name, value in changes.items():
        setattr(cinema, name, value)
    _check_price_bounds(cinema)
    # Local days, opening hours and cleaning buffers shape every cached schedule.
    after_commit(lambda: forget_schedules({cinema_id}))
    return cinema


@use_case
def archive_cinema(cinema_id: int, expected_version: int) -> None:
    """Close a cinema for good: refused (409) while upcoming showtimes there have bookings."""
    cinema = lock_at_version(Cinema, cinema_id, expected_version)
    ensure_no_booked_showtimes(f"Cinema {cinema_id}", Showtime.cinema_id == cinema_id)
    cancel_upcoming_showtimes(Showtime.cinema_id == cinema_id)
    closed_at = now()
    cinema.archived_at = cinema.archived_at or closed_at
    for screen in db.session.scalars(select(Screen).where(
            Screen.cinema_id == cinema_id, Screen.archived_at.is_(None))):
        screen.archived_at = closed_at
    after_commit(lambda: forget_schedules({cinema_id}))


def _ensure_name_free(name: str) -> None:
    if db.session.scalar(select(Cinema.id).where(Cinema.name == name)) is not None:
        raise ConflictError(f"A cinema named {name!r} already exists", reason="cinema_exists")


def _check_price_bounds(cinema: Cinema) -> None:
    if cinema.price_multiplier_min > cinema.price_multiplier_max:
        raise ValidationError("price_multiplier_min is above price_multiplier_max",
                              details={"price_multiplier_min": ["above price_multiplier_max"]})
    floor, cap = cinema.price_floor_minor, cinema.price_cap_minor
    if floor is not None and cap is not None and floor > cap:
        raise ValidationError("price_floor_minor is above price_cap_minor",
                              details={"price_floor_minor": ["above price_cap_minor"]})
