"""A booking's tickets: one per booked seat, each with its signed code and the code's QR."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

import segno
from sqlalchemy import select

from app.bookings.booking_reads import get_booking
from app.common.access import Principal
from app.extensions import db
from app.models import Booking, BookingSeat, TicketCheckin
from app.tickets.admission import ticket_state
from app.tickets.codes import ticket_code


@dataclass(frozen=True)
class Ticket:
    id: int
    booking_id: int
    reference: str
    showtime_id: int
    seat_id: int
    seat: str
    category: str
    ticket_type: str
    starts_at: datetime
    valid_until: datetime
    status: str
    code: str

    @property
    def qr_svg(self) -> str:
        return qr_svg(self.code)


def code_of(line: BookingSeat) -> str:
    """The code of a booked seat's ticket (valid until its show ends)."""
    return ticket_code(line.id, line.showtime_id, line.seat_id, line.booking.showtime.ends_at)


def tickets_of(booking: Booking) -> list[Ticket]:
    """Every seat of the booking as a ticket, with its state now (valid, admitted, cancelled...)."""
    admitted = set(db.session.scalars(select(TicketCheckin.booking_seat_id).where(
        TicketCheckin.booking_seat_id.in_([line.id for line in booking.seats]))))
    showtime = booking.showtime
    tickets = []
    for line in booking.seats:
        state = ticket_state(booking, line)
        tickets.append(Ticket(
            id=line.id, booking_id=booking.id, reference=booking.reference, showtime_id=showtime.id,
            seat_id=line.seat_id, seat=line.seat.label, category=line.category,
            ticket_type=line.ticket_type, starts_at=showtime.starts_at, valid_until=showtime.ends_at,
            status="admitted" if line.id in admitted else state.reason if state else "valid",
            code=code_of(line),
        ))
    return tickets


def booking_tickets(principal: Principal, booking_id: int) -> tuple[Booking, list[Ticket]]:
    """The tickets of a booking its owner or the staff of its cinema may see."""
    booking = get_booking(principal, booking_id)
    return booking, tickets_of(booking)


def qr_svg(code: str) -> str:
    """A standalone SVG of the code's QR (medium error correction: survives a scuffed print)."""
    out = io.BytesIO()
    segno.make(code, error="m", micro=False).save(out, kind="svg", scale=4, border=2, xmldecl=False)
    return out.getvalue().decode()
