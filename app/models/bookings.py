"""Bookings and the seats they hold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.mixins import TimestampMixin, VersionedMixin
from app.models.scheduling import Showtime
from app.models.ticketing import SALES_CHANNELS
from app.models.types import JSONType, UTCDateTime
from app.models.venues import Seat, category_column

BOOKING_STATUSES = ("pending_payment", "confirmed", "cancelled", "expired")


class Booking(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint(f"status IN {BOOKING_STATUSES}", name="status_known"),
        CheckConstraint("total_minor >= 0", name="total_positive"),
        CheckConstraint("discount_minor >= 0", name="discount_positive"),
        CheckConstraint("refund_due_minor >= 0", name="refund_due_positive"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
        CheckConstraint(f"sales_channel IN {SALES_CHANNELS}", name="sales_channel_known"),
        # A walk-in customer has no account: the booking then names the staff member who sold it.
        CheckConstraint("user_id IS NOT NULL OR sold_by_id IS NOT NULL", name="customer_or_seller"),
        Index("ix_bookings_user_created", "user_id", "created_at"),
        Index("ix_bookings_showtime_status", "showtime_id", "status"),
        # The expiry sweep reads only unpaid bookings.
        Index(
            "ix_bookings_pending_expiry", "expires_at",
            postgresql_where=text("status = 'pending_payment'"),
            sqlite_where=text("status = 'pending_payment'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short code for the box office, e.g. "K7Q-4MZ"; no 0/O/1/I to misread.
    reference: Mapped[str] = mapped_column(String(12), nullable=False, unique=True)
    # The customer's account; none for a walk-in sold at the box office.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # A walk-in customer's e-mail, when they gave one (for the confirmation and invoice).
    customer_email: Mapped[str | None] = mapped_column(String(254))
    sales_channel: Mapped[str] = mapped_column(String(12), nullable=False, default="online",
                                               server_default="online")
    sold_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # Staff who confirmed the holder's age from an ID (app.bookings.age_rules), and when.
    id_checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    id_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    showtime_id: Mapped[int] = mapped_column(
        ForeignKey("showtimes.id", ondelete="RESTRICT"), nullable=False
    )
    hold_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending_payment")
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    subtotal_minor: Mapped[int] = mapped_column(nullable=False, default=0)
    discount_minor: Mapped[int] = mapped_column(nullable=False, default=0)
    total_minor: Mapped[int] = mapped_column(nullable=False, default=0)
    promo_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("promo_codes.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(40))
    # What the customer is owed after a cancellation, and what has actually gone back.
    refund_due_minor: Mapped[int] = mapped_column(nullable=False, default=0)
    refunded_minor: Mapped[int] = mapped_column(nullable=False, default=0)

    showtime: Mapped[Showtime] = relationship(lazy="joined")
    seats: Mapped[list[BookingSeat]] = relationship(
        back_populates="booking", lazy="selectin", order_by="BookingSeat.id"
    )
    fees: Mapped[list[BookingFeeLine]] = relationship(
        lazy="selectin", order_by="BookingFeeLine.id", cascade="all, delete-orphan"
    )

    @property
    def holder_id(self) -> int:
        """Whose booking it is to pay and count: the customer's, or a walk-in's seller's."""
        return self.user_id if self.user_id is not None else self.sold_by_id


class BookingSeat(db.Model):
    """A seat of a booking at the price quoted for it.

    ``uq_booking_seats_active`` (partial unique on showtime + seat where active) is the last
    line of defence against selling a seat twice, whatever Redis said.
    """

    __tablename__ = "booking_seats"
    __table_args__ = (
        CheckConstraint("price_minor >= 0", name="price_positive"),
        CheckConstraint("refunded_minor >= 0 AND refunded_minor <= price_minor", name="refund_bounded"),
        Index(
            "uq_booking_seats_active", "showtime_id", "seat_id", unique=True,
            postgresql_where=text("active"), sqlite_where=text("active"),
        ),
        Index("ix_booking_seats_booking", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False
    )
    showtime_id: Mapped[int] = mapped_column(
        ForeignKey("showtimes.id", ondelete="RESTRICT"), nullable=False
    )
    seat_id: Mapped[int] = mapped_column(ForeignKey("seats.id", ondelete="RESTRICT"), nullable=False)
    category: Mapped[str] = category_column()
    # The code of one of the cinema's ticket types (app.models.ticketing), as it was sold.
    ticket_type: Mapped[str] = mapped_column(String(20), nullable=False, default="adult")
    price_minor: Mapped[int] = mapped_column(nullable=False)
    # The ticket type's tax class when sold; none = the cinema's standard rate.
    tax_class_id: Mapped[int | None] = mapped_column(ForeignKey("tax_classes.id", ondelete="RESTRICT"))
    # The pricing trace of the quote, kept so the invoice can explain the price.
    price_trace: Mapped[list | None] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    refunded_minor: Mapped[int] = mapped_column(nullable=False, default=0)

    booking: Mapped[Booking] = relationship(back_populates="seats")
    seat: Mapped[Seat] = relationship(lazy="joined")


class BookingFeeLine(db.Model):
    """A booking fee charged on a booking, as quoted on its hold (``app.models.ticketing.BookingFee``)."""

    __tablename__ = "booking_fee_lines"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_booking_fee_lines_booking", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False)
    # The fee it was charged under, for reference only (no foreign key): a fee deleted while a
    # hold quoting it is still live must not fail that hold's booking; the line keeps its terms.
    fee_id: Mapped[int | None] = mapped_column()
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    # Tickets it was charged for (1 for a fee per order), and the amount for all of them.
    quantity: Mapped[int] = mapped_column(nullable=False, default=1)
    amount_minor: Mapped[int] = mapped_column(nullable=False)
    tax_class_id: Mapped[int | None] = mapped_column(ForeignKey("tax_classes.id", ondelete="RESTRICT"))
