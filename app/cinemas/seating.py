"""Seat layouts of screens: reading them as a drawable map, replacing them safely.

A new layout keeps the ids of the seats it keeps (same row and number), so bookings and
prices still point at them. A seat that disappears or becomes blocked while it is sold for
an upcoming showtime makes the whole change fail (409); seats that disappear are deleted,
or retired (``active=False``) when past bookings refer to them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from app.cinemas.events import ScreenSeatingChanged
from app.cinemas.layout import LayoutError, build_layout, describe_layout
from app.cinemas.retirement import LIVE_BOOKING_STATUSES
from app.cinemas.screens import get_screen, lock_screen
from app.cinemas.seat_categories import known_categories
from app.common import events
from app.common.access import Principal
from app.common.clock import now
from app.common.errors import ConflictError, ValidationError
from app.common.unit_of_work import unit_of_work
from app.extensions import db
from app.models import Booking, BookingSeat, Seat, Showtime


def read_seat_map(screen_id: int) -> dict[str, Any]:
    screen = get_screen(screen_id)
    seats = _active_seats(screen_id)
    return {
        "screen_id": screen.id, "version": screen.version, "capacity": screen.capacity,
        "grid": {"rows": max((s.grid_row for s in seats), default=-1) + 1,
                 "columns": max((s.grid_col for s in seats), default=-1) + 1},
        "seats": seats, "layout": describe_layout(seats),
    }


def replace_layout(principal: Principal, screen_id: int, expected_version: int | None,
                   description: dict[str, Any]) -> dict[str, Any]:
    """Build the screen's seats from ``description`` (see ``app.cinemas.layout``)."""
    try:
        with unit_of_work():
            _replace_seats(principal, screen_id, expected_version, description)
    except IntegrityError as exc:
        # A booking took one of the removed seats after the check (its foreign key keeps the
        # seat): the whole change is abandoned rather than half applied.
        raise ConflictError("A seat of the old layout was just sold; read the seats again and "
                            "retry", reason="seats_sold") from exc
    return read_seat_map(screen_id)


def _replace_seats(principal: Principal, screen_id: int, expected_version: int | None,
                   description: dict[str, Any]) -> None:
    screen = lock_screen(principal, screen_id, expected_version)
    if screen.archived_at is not None:
        raise ConflictError(f"Screen {screen_id} is archived", reason="screen_archived")
    try:
        specs = build_layout(description, known_categories())
    except LayoutError as exc:
        raise ValidationError(f"The layout is invalid: {exc}", details={"rows": [str(exc)]}) from exc
    current = {(s.row_label, s.number): s for s in _active_seats(screen_id)}
    wanted = {(spec.row_label, spec.number): spec for spec in specs}
    gone = [seat for key, seat in current.items() if key not in wanted]
    newly_blocked = [seat for key, seat in current.items()
                     if key in wanted and wanted[key].is_blocked and not seat.is_blocked]
    _ensure_unsold(gone + newly_blocked)
    referenced = _referenced({seat.id for seat in gone})

    for key, spec in wanted.items():
        seat = current.get(key)
        if seat is None:
            db.session.add(Seat(screen_id=screen_id, **vars(spec)))
        else:
            for name, value in vars(spec).items():
                setattr(seat, name, value)
    for seat in gone:
        if seat.id in referenced:
            seat.active = False
        else:
            db.session.delete(seat)
    screen.capacity = sum(1 for spec in specs if not spec.is_blocked)
    # Touching the row bumps its version even when the capacity stays the same.
    screen.updated_at = now()
    # Upcoming showtimes on this screen show the new seats once they are committed.
    events.record(ScreenSeatingChanged(screen.id))


def _active_seats(screen_id: int) -> list[Seat]:
    return list(db.session.scalars(select(Seat).where(Seat.screen_id == screen_id, Seat.active)
                                   .order_by(Seat.grid_row, Seat.grid_col)))


def _ensure_unsold(seats: list[Seat]) -> None:
    if not seats:
        return
    by_id = {seat.id: seat for seat in seats}
    sold = db.session.execute(
        select(BookingSeat.seat_id, BookingSeat.showtime_id)
        .join(Booking, Booking.id == BookingSeat.booking_id)
        .join(Showtime, Showtime.id == BookingSeat.showtime_id)
        .where(BookingSeat.seat_id.in_(by_id), BookingSeat.active,
               Booking.status.in_(LIVE_BOOKING_STATUSES), Showtime.status == "scheduled",
               Showtime.ends_at > now())
    ).all()
    if sold:
        labels = sorted({by_id[seat_id].label for seat_id, _ in sold})
        raise ConflictError(
            f"Seats {', '.join(labels)} are sold for upcoming showtimes; the new layout would "
            "remove or block them", reason="seats_sold",
            details={"seats": labels, "showtime_ids": sorted({st for _, st in sold})},
        )


def _referenced(seat_ids: set[int]) -> set[int]:
    if not seat_ids:
        return set()
    return set(db.session.scalars(select(Seat.id).where(
        Seat.id.in_(seat_ids), exists().where(BookingSeat.seat_id == Seat.id))))
