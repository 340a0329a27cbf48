"""What a cinema sells besides seats: its ticket types, booking fees and tax classes.

Each is data the cinema's managers keep (``app.pricing.ticketing``): a ticket type prices a
seat by a multiplier of its category's base price and says who may have it; a booking fee
is charged per ticket or per order on a sales channel; a tax class carries a rate. A ticket
type or fee without a tax class is taxed at the cinema's standard rate (``cinemas.tax_rate``).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.mixins import TimestampMixin
from app.models.types import JSONType

# Where a ticket is sold: online by its customer, or at the cinema's box office by staff.
SALES_CHANNELS = ("online", "box_office")
FEE_PER = ("ticket", "order")
FEE_CHANNELS = ("online", "box_office", "any")

# What a new cinema sells until its managers change it: (code, name, multiplier, max age).
# The child ticket's age limit is the cinema's (``child_ticket_max_age``, 14 by default).
DEFAULT_TICKET_TYPES = (
    ("adult", "Adult", Decimal("1"), None),
    ("child", "Child", Decimal("0.75"), 14),
    ("senior", "Senior", Decimal("0.85"), None),
    ("student", "Student", Decimal("0.9"), None),
)


class TaxClass(TimestampMixin, db.Model):
    __tablename__ = "tax_classes"
    __table_args__ = (
        CheckConstraint("rate >= 0 AND rate < 1", name="rate_range"),
        UniqueConstraint("cinema_id", "code", name="uq_tax_classes_cinema_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"), nullable=False)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    # Fraction, e.g. 0.0500 for 5 %; prices are tax-inclusive.
    rate: Mapped[Decimal] = mapped_column(Numeric(5, 4), nullable=False)


class TicketType(TimestampMixin, db.Model):
    __tablename__ = "ticket_types"
    __table_args__ = (
        CheckConstraint("multiplier > 0 AND multiplier <= 10", name="multiplier_range"),
        CheckConstraint("min_age IS NULL OR min_age BETWEEN 0 AND 120", name="min_age_range"),
        CheckConstraint("max_age IS NULL OR max_age BETWEEN 0 AND 120", name="max_age_range"),
        CheckConstraint("min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="ages_ordered"),
        UniqueConstraint("cinema_id", "code", name="uq_ticket_types_cinema_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"), nullable=False)
    # What bookings, holds and quotes name the type by ("adult", "member").
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    # Times the seat category's base price, before format, time rules and dynamic pricing.
    multiplier: Mapped[Decimal] = mapped_column(Numeric(6, 4), nullable=False)
    # Eligibility. ``max_age``: films rated for an older audience refuse this ticket
    # (app.bookings.age_rules); ``min_age`` and ``proof_required`` are checked at the door.
    min_age: Mapped[int | None] = mapped_column()
    max_age: Mapped[int | None] = mapped_column()
    proof_required: Mapped[str | None] = mapped_column(String(80))
    # The sales channels (SALES_CHANNELS) it is sold on.
    channels: Mapped[list] = mapped_column(JSONType, nullable=False, default=lambda: list(SALES_CHANNELS))
    tax_class_id: Mapped[int | None] = mapped_column(ForeignKey("tax_classes.id", ondelete="RESTRICT"))
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)


class BookingFee(TimestampMixin, db.Model):
    __tablename__ = "booking_fees"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(f"per IN {FEE_PER}", name="per_known"),
        CheckConstraint(f"channel IN {FEE_CHANNELS}", name="channel_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    amount_minor: Mapped[int] = mapped_column(nullable=False)
    per: Mapped[str] = mapped_column(String(8), nullable=False, default="order")
    channel: Mapped[str] = mapped_column(String(12), nullable=False, default="online")
    tax_class_id: Mapped[int | None] = mapped_column(ForeignKey("tax_classes.id", ondelete="RESTRICT"))
    active: Mapped[bool] = mapped_column(nullable=False, default=True)


def default_ticket_types(child_max_age: int) -> list[TicketType]:
    """The ticket types a new cinema starts with (``DEFAULT_TICKET_TYPES``)."""
    return [TicketType(code=code, name=name, multiplier=multiplier, sort_order=order,
                       max_age=child_max_age if max_age is not None else None)
            for order, (code, name, multiplier, max_age) in enumerate(DEFAULT_TICKET_TYPES)]
