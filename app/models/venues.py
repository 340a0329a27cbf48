"""Cinemas, screens, seats and screen closures."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.mixins import TimestampMixin, VersionedMixin
from app.models.ticketing import TicketType, default_ticket_types
from app.models.types import JSONType, UTCDateTime, utcnow

# The seat categories CinemaOS starts with (rows of ``seat_categories``; admins add more).
SEAT_CATEGORIES = ("standard", "premium", "vip", "wheelchair", "companion", "love_seat")
# Categories a screen layout gives by itself (its default row, wheelchair spaces and their
# companion seats): they stay.
STRUCTURAL_CATEGORIES = ("standard", "wheelchair", "companion")


class SeatCategory(db.Model):
    """A kind of seat sold at its own base price (``seat_category_prices``)."""

    __tablename__ = "seat_categories"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)


def category_column(**options) -> Mapped[str]:
    """A column naming a seat category; a category something names cannot be deleted."""
    return mapped_column(String(12), ForeignKey("seat_categories.code", ondelete="RESTRICT"), nullable=False,
                         **options)


class Cinema(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "cinemas"
    __table_args__ = (
        CheckConstraint("cleaning_buffer_minutes BETWEEN 0 AND 120", name="cleaning_range"),
        CheckConstraint("tax_rate >= 0 AND tax_rate < 1", name="tax_rate_range"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
        CheckConstraint("refund_cutoff_hours >= 0", name="refund_cutoff_positive"),
        CheckConstraint(
            "price_multiplier_min > 0 AND price_multiplier_min <= price_multiplier_max",
            name="multiplier_grid",
        ),
        CheckConstraint("concession_per_visitor_minor >= 0", name="concession_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    address_line: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    city: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    postal_code: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="GB")
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="EUR")
    # Fraction, e.g. 0.2000 for 20 % VAT; prices are tax-inclusive.
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4), nullable=False, default=Decimal("0"))
    vat_number: Mapped[str | None] = mapped_column(String(40))
    cleaning_buffer_minutes: Mapped[int] = mapped_column(nullable=False, default=20)
    # {"mon": {"open": "10:00", "close": "23:30"}, ...}; close may be past midnight ("01:00").
    opening_hours: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    # Refuse holds that leave a single seat stranded (off by default).
    prevent_single_seat_gaps: Mapped[bool] = mapped_column(nullable=False, default=False)
    # Customers get a full refund until this many hours before the show, none after.
    refund_cutoff_hours: Mapped[int] = mapped_column(nullable=False, default=2)
    # Whether staff may sell a ticket whose age limit is below the film's rating after checking
    # an ID (app.bookings.age_rules); the limits are the ticket types'.
    id_check_allowed: Mapped[bool] = mapped_column(nullable=False, default=False, server_default="false")
    price_multiplier_min: Mapped[Decimal] = mapped_column(
        Numeric(4, 3), nullable=False, default=Decimal("0.8")
    )
    price_multiplier_max: Mapped[Decimal] = mapped_column(
        Numeric(4, 3), nullable=False, default=Decimal("1.3")
    )
    price_floor_minor: Mapped[int | None] = mapped_column()
    price_cap_minor: Mapped[int | None] = mapped_column()
    # What a visitor is expected to spend at the concessions (minor units): the scheduler's
    # objective "kept" counts it with the cinema's share of the ticket.
    concession_per_visitor_minor: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    screens: Mapped[list[Screen]] = relationship(back_populates="cinema", order_by="Screen.id")
    ticket_types: Mapped[list[TicketType]] = relationship(
        cascade="all, delete-orphan", order_by="(TicketType.sort_order, TicketType.id)")

    def __init__(self, *, child_ticket_max_age: int = 14, **fields) -> None:
        # A new cinema sells the default ticket types until its managers change them.
        fields.setdefault("ticket_types", default_ticket_types(child_ticket_max_age))
        super().__init__(**fields)

    @property
    def child_ticket_max_age(self) -> int | None:
        """The age limit of the ``child`` ticket type, for clients of the cinema's settings;
        the ticket type is its home (``PATCH /api/cinemas/{id}/ticket-types/{id}`` too)."""
        child = self._child_ticket()
        return child.max_age if child is not None else None

    @child_ticket_max_age.setter
    def child_ticket_max_age(self, age: int) -> None:
        child = self._child_ticket()
        if child is not None:
            child.max_age = age

    def _child_ticket(self) -> TicketType | None:
        return next((t for t in self.ticket_types if t.code == "child"), None)


class Screen(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "screens"
    __table_args__ = (UniqueConstraint("cinema_id", "name", name="uq_screens_cinema_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cinema_id: Mapped[int] = mapped_column(
        ForeignKey("cinemas.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    formats: Mapped[list] = mapped_column(JSONType, nullable=False, default=lambda: ["2D"])
    wheelchair_accessible: Mapped[bool] = mapped_column(nullable=False, default=True)
    hearing_loop: Mapped[bool] = mapped_column(nullable=False, default=False)
    # Number of sellable seats; kept in step with the layout so lists need no COUNT.
    capacity: Mapped[int] = mapped_column(nullable=False, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cinema: Mapped[Cinema] = relationship(back_populates="screens")


class Seat(db.Model):
    """One place of a screen's layout.

    ``grid_row``/``grid_col`` place the seat on a drawing grid where aisles are empty columns,
    so two seats are neighbours exactly when their ``grid_col`` differ by one. Seats are never
    deleted while a booking refers to them; a layout change retires them (``active=False``).
    """

    __tablename__ = "seats"
    __table_args__ = (
        CheckConstraint("number > 0", name="number_positive"),
        Index(
            "uq_seats_active_label", "screen_id", "row_label", "number", unique=True,
            postgresql_where=text("active"), sqlite_where=text("active"),
        ),
        Index("ix_seats_screen_active", "screen_id", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    screen_id: Mapped[int] = mapped_column(
        ForeignKey("screens.id", ondelete="CASCADE"), nullable=False
    )
    row_label: Mapped[str] = mapped_column(String(4), nullable=False)
    number: Mapped[int] = mapped_column(nullable=False)
    grid_row: Mapped[int] = mapped_column(nullable=False)
    grid_col: Mapped[int] = mapped_column(nullable=False)
    category: Mapped[str] = category_column(default="standard")
    is_wheelchair: Mapped[bool] = mapped_column(nullable=False, default=False)
    is_companion: Mapped[bool] = mapped_column(nullable=False, default=False)
    is_blocked: Mapped[bool] = mapped_column(nullable=False, default=False)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)

    @property
    def label(self) -> str:
        return f"{self.row_label}{self.number}"


class ScreenClosure(db.Model):
    """A time a screen cannot show films: maintenance, private hire, a festival block."""

    __tablename__ = "screen_closures"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_screen_closures_screen_time", "screen_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    screen_id: Mapped[int] = mapped_column(
        ForeignKey("screens.id", ondelete="CASCADE"), nullable=False
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
