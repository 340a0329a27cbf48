"""Payments, refunds, gateway events, idempotency records and invoices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.bookings import Booking
from app.models.mixins import TimestampMixin, VersionedMixin
from app.models.types import JSONType, UTCDateTime, utcnow

PAYMENT_STATUSES = (
    "pending", "requires_action", "succeeded", "failed", "refunded", "partially_refunded",
)


class Payment(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(f"status IN {PAYMENT_STATUSES}", name="status_known"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "refunded_minor >= 0 AND refunded_minor <= amount_minor", name="refund_bounded"
        ),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
        Index("ix_payments_booking", "booking_id"),
        Index("ix_payments_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="RESTRICT"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), nullable=False)
    amount_minor: Mapped[int] = mapped_column(nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    provider: Mapped[str] = mapped_column(String(10), nullable=False)
    provider_payment_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    failure_code: Mapped[str | None] = mapped_column(String(60))
    failure_message: Mapped[str | None] = mapped_column(String(300))
    refunded_minor: Mapped[int] = mapped_column(nullable=False, default=0)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking: Mapped[Booking] = relationship(lazy="joined")
    refunds: Mapped[list[Refund]] = relationship(
        back_populates="payment", lazy="selectin", order_by="Refund.id"
    )


class Refund(db.Model):
    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name="status_known"),
        Index("ix_refunds_payment", "payment_id"),
        Index("ix_refunds_request_key", "created_by_id", "request_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id", ondelete="RESTRICT"), nullable=False
    )
    amount_minor: Mapped[int] = mapped_column(nullable=False)
    reason: Mapped[str] = mapped_column(String(60), nullable=False, default="requested_by_customer")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    provider_refund_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    booking_seat_ids: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    # How the amount was spread over the booking's seats ({booking_seat_id: minor}), so a
    # refund the gateway later fails can be taken back off exactly those seats.
    seat_amounts: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The Idempotency-Key it was asked with: a retry within the key's retention finds this refund
    # instead of making another, even when the first request died before its answer was stored.
    # (Concurrent requests with one key are already serialised by the key's claim.)
    request_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    payment: Mapped[Payment] = relationship(back_populates="refunds", lazy="joined")


class PaymentEvent(db.Model):
    """Gateway webhook events already applied: each event id changes state once."""

    __tablename__ = "payment_events"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(60), nullable=False)
    payload: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class SandboxCharge(db.Model):
    """The offline sandbox gateway's own ledger: every charge it was asked for, by key.

    Written on a connection of its own and committed at once, apart from the payment's
    transaction, as a real gateway's books are: a charge the API never recorded (it died
    mid-request) is still known here, so reconciliation can find it.
    """

    __tablename__ = "sandbox_charges"

    idempotency_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    payment_intent_id: Mapped[str] = mapped_column(String(100), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    amount_minor: Mapped[int] = mapped_column(nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    payment_id: Mapped[int | None] = mapped_column(index=True)
    failure_code: Mapped[str | None] = mapped_column(String(60))
    failure_message: Mapped[str | None] = mapped_column(String(300))
    retryable: Mapped[bool] = mapped_column(nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class IdempotencyRecord(db.Model):
    """The first answer given to an Idempotency-Key, replayed for every retry with that key."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    key: Mapped[str] = mapped_column(String(100), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status_code: Mapped[int | None] = mapped_column()
    response_body: Mapped[dict | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class InvoiceCounter(db.Model):
    """Per cinema and year, the last invoice number issued; locked row = gapless numbering."""

    __tablename__ = "invoice_counters"

    cinema_id: Mapped[int] = mapped_column(
        ForeignKey("cinemas.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(nullable=False, default=0)


class Invoice(db.Model):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("cinema_id", "year", "sequence", name="uq_invoices_cinema_year_seq"),
        CheckConstraint("kind IN ('invoice', 'credit_note')", name="kind_known"),
        Index("ix_invoices_payment", "payment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="RESTRICT"), nullable=False)
    year: Mapped[int] = mapped_column(nullable=False)
    sequence: Mapped[int] = mapped_column(nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False, default="invoice")
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id", ondelete="RESTRICT"), nullable=False
    )
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id", ondelete="RESTRICT"))
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    total_minor: Mapped[int] = mapped_column(nullable=False)
    tax_minor: Mapped[int] = mapped_column(nullable=False)
    lines: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    seller: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    # Tax per rate in force when issued: [{"rate": "0.2000", "gross_minor", "tax_minor"}].
    taxes: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    storage_key: Mapped[str | None] = mapped_column(String(300))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    notes: Mapped[str | None] = mapped_column(Text)

    payment: Mapped[Payment] = relationship(lazy="joined")
