"""Screens of a cinema: listing, creating, changing and archiving them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.cinemas.retirement import cancel_upcoming_showtimes, ensure_no_booked_showtimes, forget_schedules
from app.cinemas.service import get_cinema
from app.common.access import Principal, ensure_cinema_access
from app.common.clock import now
from app.common.errors import ConflictError
from app.common.lookups import ensure_version, get_at_own_cinema, get_or_404
from app.common.pagination import PageResult, paginate
from app.common.unit_of_work import after_commit, use_case
from app.extensions import db
from app.models import Screen, Showtime


def get_screen(screen_id: int) -> Screen:
    return get_or_404(Screen, screen_id)


def editable_screen(principal: Principal, screen_id: int) -> Screen:
    """The screen, if ``principal`` may manage it (404 first, then 403)."""
    return get_at_own_cinema(principal, Screen, screen_id)


def list_screens(cinema_id: int, args: dict[str, Any]) -> PageResult:
    get_cinema(cinema_id)
    stmt = select(Screen).where(Screen.cinema_id == cinema_id).order_by(Screen.name, Screen.id)
    if not args["include_archived"]:
        stmt = stmt.where(Screen.archived_at.is_(None))
    return paginate(stmt, args["page"], args["page_size"])


@use_case
def create_screen(principal: Principal, cinema_id: int, data: dict[str, Any]) -> Screen:
    """Add a screen (no seats yet: `PUT /api/screens/{id}/seats` lays them out)."""
    cinema = get_cinema(cinema_id)
    ensure_cinema_access(principal, cinema_id)
    if cinema.archived_at is not None:
        raise ConflictError(f"Cinema {cinema_id} is archived", reason="cinema_archived")
    _ensure_name_free(cinema_id, data["name"])
    screen = Screen(cinema_id=cinema_id, capacity=0, **data)
    db.session.add(screen)
    return screen


@use_case
def update_screen(principal: Principal, screen_id: int, expected_version: int,
                  changes: dict[str, Any]) -> Screen:
    screen = lock_screen(principal, screen_id, expected_version)
    if "name" in changes and changes["name"] != screen.name:
        _ensure_name_free(screen.cinema_id, changes["name"])
    for name, value in changes.items():
        setattr(screen, name, value)
    cinema_id = screen.cinema_id
    after_commit(lambda: forget_schedules({cinema_id}))
    return screen


@use_case
def archive_screen(principal: Principal, screen_id: int, expected_version: int) -> None:
    """Refused (409) while upcoming showtimes on it have bookings; else archived, the rest cancelled."""
    screen = lock_screen(principal, screen_id, expected_version)
    ensure_no_booked_showtimes(f"Screen {screen_id}", Showtime.screen_id == screen_id)
    cancel_upcoming_showtimes(Showtime.screen_id == screen_id)
    screen.archived_at = screen.archived_at or now()
    cinema_id = screen.cinema_id
    after_commit(lambda: forget_schedules({cinema_id}))


def lock_screen(principal: Principal, screen_id: int, expected_version: int | None) -> Screen:
    """The screen, row-locked, if the caller may manage it and (when given) the version matches."""
    screen = get_at_own_cinema(principal, Screen, screen_id, lock=True)
    if expected_version is not None:
        ensure_version(screen, expected_version)
    return screen


def _ensure_name_free(cinema_id: int, name: str) -> None:
    taken = select(Screen.id).where(Screen.cinema_id == cinema_id, Screen.name == name)
    if db.session.scalar(taken) is not None:
        raise ConflictError(f"Cinema {cinema_id} already has a screen named {name!r}",
                            reason="screen_exists")
