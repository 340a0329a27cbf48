"""Shifts: a till opened by a staff member of a cinema with an opening float, and its cash-up.

A shift is its opener's drawer: only they, or a manager of the cinema (an admin anywhere),
sell, refund, void and cash up on it. One open shift per person and cinema (a partial unique
index in PostgreSQL keeps it so).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.bookings.integrity import violated_constraint
from app.boxoffice.cash_up import summarise
from app.boxoffice.till_guard import wait_for_counter_actions
from app.common.access import MANAGERS, Principal, ensure_cinema_access, within_cinemas
from app.common.clock import now
from app.common.errors import ConflictError, PermissionDeniedError
from app.common.lookups import get_at_own_cinema, get_or_404
from app.common.pagination import PageResult, paginate
from app.common.unit_of_work import unit_of_work, use_case
from app.extensions import db
from app.models import BoxOfficeShift, Cinema, ShiftEntry


def open_shift(principal: Principal, cinema_id: int, opening_float_minor: int) -> BoxOfficeShift:
    """Open the caller's till at a cinema of theirs; 409 while they have one open there."""
    cinema = get_or_404(Cinema, cinema_id)
    ensure_cinema_access(principal, cinema.id)
    shift = BoxOfficeShift(cinema_id=cinema.id, opened_by_id=principal.id, opened_at=now(),
                           currency=cinema.currency, opening_float_minor=opening_float_minor, status="open")
    try:
        with unit_of_work():
            db.session.add(shift)
    except IntegrityError as exc:
        if violated_constraint(exc) == "uq_box_office_shifts_open":
            raise ConflictError("You already have a shift open at this cinema; close it first",
                                reason="shift_already_open") from exc
        raise
    return shift


def read_shift(principal: Principal, shift_id: int) -> BoxOfficeShift:
    """A shift for staff of its cinema."""
    return get_at_own_cinema(principal, BoxOfficeShift, shift_id, "Shift")


def list_shifts(principal: Principal, *, cinema_id: int | None = None, status: str | None = None,
                page: int = 1, page_size: int = 20) -> PageResult:
    """Shifts at the caller's cinemas (every cinema for admins), newest first."""
    query = within_cinemas(select(BoxOfficeShift), BoxOfficeShift.cinema_id, principal, cinema_id)
    if status:
        query = query.where(BoxOfficeShift.status == status)
    return paginate(query.order_by(BoxOfficeShift.opened_at.desc(), BoxOfficeShift.id.desc()),
                    page, page_size)


def till_of(principal: Principal, shift_id: int, *, lock: bool = False) -> BoxOfficeShift:
    """An open shift the caller may work on: their own, or any at their cinema for a manager."""
    shift = get_at_own_cinema(principal, BoxOfficeShift, shift_id, "Shift", lock=lock)
    if shift.opened_by_id != principal.id and principal.role not in MANAGERS:
        raise PermissionDeniedError("This till is another staff member's shift", reason="shift_not_yours")
    if shift.status != "open":
        raise ConflictError("This shift is closed", reason="shift_closed")
    return shift


@use_case
def close_shift(principal: Principal, shift_id: int, counted_cash_minor: int) -> BoxOfficeShift:
    """Cash up: compare the counted cash with what the drawer should hold, record the
    difference (counted - expected) and close the shift."""
    wait_for_counter_actions(shift_id)
    shift = till_of(principal, shift_id, lock=True)
    entries = db.session.scalars(select(ShiftEntry).where(ShiftEntry.shift_id == shift.id)).all()
    expected = summarise(shift.opening_float_minor, entries).expected_cash_minor
    shift.expected_cash_minor = expected
    shift.counted_cash_minor = counted_cash_minor
    shift.difference_minor = counted_cash_minor - expected
    shift.status = "closed"
    shift.closed_by_id = principal.id
    shift.closed_at = now()
    if shift.difference_minor:
        audit.record(principal, "box_office.cash_up_difference", shift.cinema_id, ("shift", shift.id), None,
                     {"expected_minor": expected, "counted_minor": counted_cash_minor,
                      "difference_minor": shift.difference_minor})
    return shift


def shift_report(principal: Principal, shift_id: int) -> dict:
    """Sales, refunds and voids by tender, change given, and expected against counted cash."""
    shift = read_shift(principal, shift_id)
    entries = db.session.scalars(
        select(ShiftEntry).where(ShiftEntry.shift_id == shift.id).order_by(ShiftEntry.id)).all()
    summary = summarise(shift.opening_float_minor, entries)
    return {
        "shift": shift, "sales": summary.by_kind["sale"], "refunds": summary.by_kind["refund"],
        "voids": summary.by_kind["void"], "change_given_minor": summary.change_given_minor,
        "expected_cash_minor": summary.expected_cash_minor,
        "counted_cash_minor": shift.counted_cash_minor, "difference_minor": shift.difference_minor,
        "entries": entries,
    }
