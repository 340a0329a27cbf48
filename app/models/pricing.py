"""Seat-category prices, pricing rules, promo codes, dynamic-pricing guard rails and the price log."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.mixins import TimestampMixin, VersionedMixin
from app.models.types import JSONType, UTCDateTime, utcnow
from app.models.venues import category_column

# format rules set a cinema's multiplier for one format (ticket types are rows of their own);
# the time kinds are conditional multipliers (see pricing_engine's order of application).
RULE_KINDS = ("format", "weekday", "holiday", "matinee", "late_night")


class SeatCategoryPrice(TimestampMixin, db.Model):
    """Base price of a seat category at a cinema; a row with ``screen_id`` overrides it there."""

    __tablename__ = "seat_category_prices"
    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="amount_positive"),
        Index(
            "uq_seat_category_prices_scope", "cinema_id", "screen_id", "category", unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"), nullable=False)
    screen_id: Mapped[int | None] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"))
    category: Mapped[str] = category_column()
    amount_minor: Mapped[int] = mapped_column(nullable=False)


class PricingRule(TimestampMixin, VersionedMixin, db.Model):
    """A multiplier applied when its conditions match (kind decides the order of application)."""

    __tablename__ = "pricing_rules"
    __table_args__ = (
        CheckConstraint(f"kind IN {RULE_KINDS}", name="kind_known"),
        CheckConstraint("multiplier > 0 AND multiplier <= 10", name="multiplier_range"),
        Index("ix_pricing_rules_cinema_kind", "cinema_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL = applies to every cinema.
    cinema_id: Mapped[int | None] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    multiplier: Mapped[Decimal] = mapped_column(Numeric(6, 4), nullable=False)
    conditions: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    priority: Mapped[int] = mapped_column(nullable=False, default=0)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PromoCode(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "promo_codes"
    __table_args__ = (
        CheckConstraint("kind IN ('percent', 'fixed')", name="kind_known"),
        CheckConstraint("scope IN ('ticket', 'basket')", name="scope_known"),
        CheckConstraint("value > 0", name="value_positive"),
        CheckConstraint("kind <> 'percent' OR value <= 100", name="percent_bounded"),
        CheckConstraint("uses_count >= 0", name="uses_positive"),
        CheckConstraint("max_uses IS NULL OR uses_count <= max_uses", name="uses_within_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored upper-case; codes are matched case-insensitively.
    code: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    description: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    # "basket": the discount applies once to the order; "ticket": to every ticket.
    scope: Mapped[str] = mapped_column(String(8), nullable=False, default="basket")
    # Percent (1-100) or an amount in minor units of ``currency``.
    value: Mapped[int] = mapped_column(nullable=False)
    currency: Mapped[str | None] = mapped_column(String(3))
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_uses: Mapped[int | None] = mapped_column()
    max_uses_per_customer: Mapped[int | None] = mapped_column()
    uses_count: Mapped[int] = mapped_column(nullable=False, default=0)
    min_tickets: Mapped[int] = mapped_column(nullable=False, default=1)
    movie_ids: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    cinema_ids: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    combinable: Mapped[bool] = mapped_column(nullable=False, default=False)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)


class PromoRedemption(db.Model):
    __tablename__ = "promo_redemptions"
    __table_args__ = (
        Index("ix_promo_redemptions_code_user", "promo_code_id", "user_id"),
        Index("uq_promo_redemptions_booking", "booking_id", "promo_code_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    promo_code_id: Mapped[int] = mapped_column(
        ForeignKey("promo_codes.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # Set when a refund gives the use back.
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PriceChange(db.Model):
    """Every change of a showtime's dynamic multiplier, for the price history."""

    __tablename__ = "price_changes"
    __table_args__ = (Index("ix_price_changes_showtime_time", "showtime_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    showtime_id: Mapped[int] = mapped_column(
        ForeignKey("showtimes.id", ondelete="CASCADE"), nullable=False
    )
    old_multiplier: Mapped[Decimal] = mapped_column(Numeric(4, 3), nullable=False)
    new_multiplier: Mapped[Decimal] = mapped_column(Numeric(4, 3), nullable=False)
    reason: Mapped[str] = mapped_column(String(60), nullable=False)
    details: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


# Largest change per day a manager may set, in basis points of the multiplier (x10 = the
# multiplier's own ceiling); the smallest is one step of the stored multiplier (0.001).
DAILY_CHANGE_BP_RANGE = (10, 100_000)
# No increase within this many hours of the show: at most a week.
NO_RISE_HOURS_MAX = 168


class PricingGuardRails(TimestampMixin, db.Model):
    """Guard rails a cinema's managers set on its dynamic prices (``pricing_engine.rails``).

    No row: no rails beyond the cinema's multiplier range.
    """

    __tablename__ = "pricing_guard_rails"
    __table_args__ = (
        CheckConstraint(
            "max_daily_change_bp IS NULL OR max_daily_change_bp BETWEEN "
            f"{DAILY_CHANGE_BP_RANGE[0]} AND {DAILY_CHANGE_BP_RANGE[1]}", name="daily_change_range"),
        CheckConstraint(f"no_rise_hours BETWEEN 0 AND {NO_RISE_HOURS_MAX}", name="no_rise_hours_range"),
    )

    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"), primary_key=True)
    # Largest span of the multiplier within any 24 hours, in basis points; NULL = no limit.
    max_daily_change_bp: Mapped[int | None] = mapped_column()
    no_rise_hours: Mapped[int] = mapped_column(nullable=False, default=0)
    # Once on sale, a showtime's multiplier only ever falls.
    only_fall: Mapped[bool] = mapped_column(nullable=False, default=False)

    category_bounds: Mapped[list[CategoryPriceBound]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CategoryPriceBound.category")


class CategoryPriceBound(db.Model):
    """Floor and ceiling of one seat category's full (adult) price at a cinema, minor units."""

    __tablename__ = "pricing_category_bounds"
    __table_args__ = (
        CheckConstraint("floor_minor IS NULL OR floor_minor >= 0", name="floor_positive"),
        CheckConstraint("ceiling_minor IS NULL OR ceiling_minor > 0", name="ceiling_positive"),
        CheckConstraint("floor_minor IS NULL OR ceiling_minor IS NULL OR floor_minor <= ceiling_minor",
                        name="floor_below_ceiling"),
    )

    cinema_id: Mapped[int] = mapped_column(
        ForeignKey("pricing_guard_rails.cinema_id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = category_column(primary_key=True)
    floor_minor: Mapped[int | None] = mapped_column()
    ceiling_minor: Mapped[int | None] = mapped_column()
