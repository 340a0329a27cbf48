"""Door check-in: a scanned code admitted exactly once, refused with its reason, or undone.

PostgreSQL decides "exactly once": ``uq_ticket_checkins_booking_seat`` lets one admission row per
ticket exist, so of any number of scanners reading one ticket at the same instant one INSERT
wins and every other is told who was first and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.common.access import Principal
from app.common.clock import now
from app.common.errors import ConflictError, NotFoundError, ValidationError
from app.common.lookups import get_at_own_cinema
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import Booking, BookingSeat, Cinema, Showtime, TicketCheckin
from app.tickets.admission import Refusal, refusal
from app.tickets.codes import CodeRefused, TicketClaim, read_code


@dataclass(frozen=True)
class Scan:
    code: str
    at: datetime
    device: str | None = None


def door_showtime(principal: Principal, showtime_id: int) -> Showtime:
    """The showtime a door admits to, if the caller works at its cinema."""
    return get_at_own_cinema(principal, Showtime, showtime_id, "Showtime")


def doors_open() -> timedelta:
    return timedelta(minutes=current_app.config["DOORS_OPEN_MINUTES"])


def ticket_of(claim: TicketClaim) -> BookingSeat:
    """The booked seat a verified code names (a code of ours always names one that exists)."""
    line = db.session.get(BookingSeat, claim.ticket_id)
    if line is None or (line.showtime_id, line.seat_id) != (claim.showtime_id, claim.seat_id):
        raise ValidationError("This ticket code names no ticket", reason="invalid_ticket_code")
    return line


def verified_ticket(code: str) -> BookingSeat:
    try:
        return ticket_of(read_code(code))
    except CodeRefused as refused:
        raise ValidationError(refused.message, reason=refused.reason) from refused


@use_case
def admit(principal: Principal, showtime_id: int, code: str, *, device: str | None = None,
          override_too_early: bool = False) -> TicketCheckin:
    """Let a scanned ticket in at the door of ``showtime_id``, or refuse it with the reason (409,
    422 for a code that is not ours)."""
    door = door_showtime(principal, showtime_id)
    line = verified_ticket(code)
    at = now()
    refused = refusal(line, door, at, doors_open(), early_allowed=override_too_early)
    if refused is not None:
        raise ConflictError(refused.message, reason=refused.reason, details=refused.details)
    checkin, first = record_admission(line, Scan(code, at, device), principal, source="online")
    if checkin is None:
        raise _already_admitted(first, ZoneInfo(db.session.get(Cinema, door.cinema_id).timezone))
    if override_too_early and refusal(line, door, at, doors_open()) is not None:
        audit.record(principal, "checkin.overridden", door.cinema_id, ("ticket", line.id), None,
                     {"overridden": "too_early", "admitted_at": at, "device": device})
    return checkin


def record_admission(line: BookingSeat, scan: Scan, principal: Principal, *,
                     source: str) -> tuple[TicketCheckin | None, TicketCheckin | None]:
    """(the new admission, None), or (None, the admission that was there first).

    The INSERT is a savepoint: the losing scan's unique violation rolls back only it, and the
    caller's unit of work reads the winner and goes on (the next scan of an upload, say)."""
    checkin = TicketCheckin(booking_seat_id=line.id, showtime_id=line.showtime_id, admitted_at=scan.at,
                            admitted_by=principal.id, device=scan.device, source=source)
    try:
        with db.session.begin_nested():
            db.session.add(checkin)
    except IntegrityError:
        return None, db.session.scalar(select(TicketCheckin).where(TicketCheckin.booking_seat_id == line.id))
    return checkin, None


def _already_admitted(first: TicketCheckin, zone: ZoneInfo) -> ConflictError:
    """The refusal of a second scan, saying when (the cinema's time) and who let it in first."""
    where = f" on {first.device}" if first.device else ""
    return ConflictError(
        f"Already admitted at {first.admitted_at.astimezone(zone):%H:%M} by user {first.admitted_by}{where}",
        reason="already_admitted", details=admission_details(first))


def admission_details(checkin: TicketCheckin) -> dict:
    return {"ticket_id": checkin.booking_seat_id, "admitted_at": checkin.admitted_at.isoformat(),
            "admitted_by": checkin.admitted_by, "device": checkin.device, "source": checkin.source}


@use_case
def undo_admission(principal: Principal, ticket_id: int) -> None:
    """Undo a mistaken scan: the ticket may go in again; the audit trail keeps what was undone."""
    checkin = db.session.scalar(
        select(TicketCheckin).where(TicketCheckin.booking_seat_id == ticket_id).with_for_update())
    if checkin is None:
        raise NotFoundError(f"Ticket {ticket_id} has not been admitted")
    showtime = door_showtime(principal, checkin.showtime_id)
    audit.record(principal, "checkin.undone", showtime.cinema_id, ("ticket", ticket_id),
                 admission_details(checkin), None)
    db.session.delete(checkin)


def admission_counts(principal: Principal, showtime_id: int) -> dict:
    """Tickets sold (paid, not cancelled) and admitted so far for one showtime."""
    showtime = door_showtime(principal, showtime_id)
    sold = db.session.scalar(
        select(func.count(BookingSeat.id)).join(Booking, Booking.id == BookingSeat.booking_id)
        .where(BookingSeat.showtime_id == showtime.id, BookingSeat.active, Booking.status == "confirmed"))
    admitted = db.session.scalar(
        select(func.count(TicketCheckin.id)).where(TicketCheckin.showtime_id == showtime.id))
    return {"showtime_id": showtime.id, "sold": sold, "admitted": admitted,
            "not_yet_admitted": max(sold - admitted, 0)}


def refusal_entry(refused: Refusal) -> dict:
    return {"reason": refused.reason, "message": refused.message, "details": refused.details}
