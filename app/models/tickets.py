"""Admissions at the door: one row per ticket (booked seat) let in.

``uq_ticket_checkins_booking_seat`` makes PostgreSQL the judge of "exactly once": however many
scanners read one ticket at the same instant, one INSERT wins and the others see the winner.
Undoing a mistaken scan deletes the row (and the audit trail keeps what was undone).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

CHECKIN_SOURCES = ("online", "offline")


class TicketCheckin(db.Model):
    __tablename__ = "ticket_checkins"
    __table_args__ = (
        CheckConstraint(f"source IN {CHECKIN_SOURCES}", name="source_known"),
        Index("uq_ticket_checkins_booking_seat", "booking_seat_id", unique=True),
        Index("ix_ticket_checkins_showtime", "showtime_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_seat_id: Mapped[int] = mapped_column(
        ForeignKey("booking_seats.id", ondelete="CASCADE"), nullable=False)
    showtime_id: Mapped[int] = mapped_column(
        ForeignKey("showtimes.id", ondelete="CASCADE"), nullable=False)
    # When the ticket was scanned (by an offline scanner: when it says it scanned it).
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    admitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    device: Mapped[str | None] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(8), nullable=False, default="online")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
