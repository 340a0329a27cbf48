"""Box-office shifts (a till with an opening float) and the money that moved through them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.mixins import TimestampMixin, VersionedMixin
from app.models.types import UTCDateTime, utcnow

SHIFT_STATUSES = ("open", "closed")
# What a counter movement was, and how it was tendered (gateway: the online card gateway).
ENTRY_KINDS = ("sale", "refund", "void")
TENDERS = ("cash", "terminal", "gateway")


class BoxOfficeShift(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "box_office_shifts"
    __table_args__ = (
        CheckConstraint(f"status IN {SHIFT_STATUSES}", name="status_known"),
        CheckConstraint("opening_float_minor >= 0", name="float_positive"),
        CheckConstraint("counted_cash_minor IS NULL OR counted_cash_minor >= 0", name="counted_positive"),
        CheckConstraint("status = 'open' OR closed_at IS NOT NULL", name="closed_when_closed"),
        # One till per person: a second open shift at the same cinema is refused.
        Index("uq_box_office_shifts_open", "cinema_id", "opened_by_id", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
        Index("ix_box_office_shifts_cinema_opened", "cinema_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="RESTRICT"), nullable=False)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), nullable=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    opening_float_minor: Mapped[int] = mapped_column(nullable=False)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="open")
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The cash-up: what should be in the drawer, what was counted, and counted - expected.
    expected_cash_minor: Mapped[int | None] = mapped_column()
    counted_cash_minor: Mapped[int | None] = mapped_column()
    difference_minor: Mapped[int | None] = mapped_column()


class ShiftEntry(db.Model):
    """One movement of money at the counter: a sale, a refund or a void, and its tender.

    ``amount_minor`` is what the booking was paid or given back; for cash, ``tendered_minor``
    and ``change_minor`` are what the customer handed over and got back.
    """

    __tablename__ = "box_office_entries"
    __table_args__ = (
        CheckConstraint(f"kind IN {ENTRY_KINDS}", name="kind_known"),
        CheckConstraint(f"tender IN {TENDERS}", name="tender_known"),
        CheckConstraint("amount_minor >= 0", name="amount_positive"),
        CheckConstraint("change_minor IS NULL OR change_minor >= 0", name="change_positive"),
        Index("ix_box_office_entries_shift", "shift_id"),
        Index("ix_box_office_entries_booking", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("box_office_shifts.id", ondelete="RESTRICT"),
                                          nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    tender: Mapped[str] = mapped_column(String(10), nullable=False)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="RESTRICT"), nullable=False)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id", ondelete="RESTRICT"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id", ondelete="RESTRICT"))
    amount_minor: Mapped[int] = mapped_column(nullable=False)
    tendered_minor: Mapped[int | None] = mapped_column()
    change_minor: Mapped[int | None] = mapped_column()
    terminal_reference: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
