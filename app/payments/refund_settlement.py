"""Settling reserved refunds: sent to the gateway with a key derived from their id, and the
gateway's verdict recorded (a failed refund's amounts taken back). Refunds are reserved by
``app.payments.refunds``; a refund left pending (gateway unreachable, a crash between the
steps) is sent again by :func:`retry_pending_refunds` with the same key, never paid twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from app.common import events
from app.common.clock import now
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import Booking, Payment, Refund
from app.payments.events import RefundSucceeded
from app.payments.gateways import gateway_for
from app.payments.gateways.base import GatewayError, RefundRequest
from app.payments.row_locks import lock_booking, lock_payment, lock_refund

log = logging.getLogger(__name__)

# Refunds the gateway has not settled after this long are sent again (same idempotency key).
RETRY_PENDING_AFTER = timedelta(minutes=5)


def execute_refund(refund_id: int) -> Refund:
    """Send a reserved refund to the gateway and settle it with the answer."""
    refund = db.session.get(Refund, refund_id)
    if refund.status != "pending":
        return refund
    payment = db.session.get(Payment, refund.payment_id)
    request = RefundRequest(
        provider_payment_id=payment.provider_payment_id, amount_minor=refund.amount_minor,
        currency=payment.currency, idempotency_key=f"cinemaos-refund-{refund.id}",
        reason=refund.reason,
        metadata={"refund_id": str(refund.id), "payment_id": str(payment.id),
                  "booking_id": str(payment.booking_id)},
    )
    try:
        result = gateway_for(payment.provider).refund(request)
    except GatewayError:
        # The outcome is unknown: keep it pending. The gateway's webhook or the retry job
        # (same idempotency key) settles it; marking it failed could pay the customer twice.
        log.warning("refund %s left pending: gateway unreachable", refund.id, exc_info=True)
        return refund
    return settle_refund(refund.id, result.status, result.provider_refund_id, result.failure_reason)


@use_case
def settle_refund(refund_id: int, status: str, provider_refund_id: str | None,
                  failure_reason: str | None = None) -> Refund:
    """Record the gateway's verdict on a refund; a failed refund's amounts are taken back."""
    refund = db.session.get(Refund, refund_id)
    payment = db.session.get(Payment, refund.payment_id)
    booking = lock_booking(payment.booking_id)
    payment = lock_payment(payment.id)
    refund = lock_refund(refund_id)
    if refund.status == "pending":
        refund.provider_refund_id = provider_refund_id or refund.provider_refund_id
        if status == "succeeded":
            refund.status = "succeeded"
            events.record(RefundSucceeded(refund.id))
        elif status == "failed":
            refund.status = "failed"
            _undo_counts(booking, payment, refund)
            log.warning("refund %s failed at the gateway: %s", refund.id, failure_reason)
    return refund


def _undo_counts(booking: Booking, payment: Payment, refund: Refund) -> None:
    """The money did not go back: lower the counters again. Released seats stay released and
    the amount stays due, so staff (or the retry) can pay it out another way."""
    payment.refunded_minor -= refund.amount_minor
    payment.status = "partially_refunded" if payment.refunded_minor else "succeeded"
    booking.refunded_minor -= refund.amount_minor
    seats = {str(s.id): s for s in booking.seats}
    for seat_id, share in refund.seat_amounts.items():
        seats[seat_id].refunded_minor -= share


def retry_pending_refunds() -> list[int]:
    """Send again refunds still pending after :data:`RETRY_PENDING_AFTER` (same key: no double)."""
    stale = db.session.scalars(
        select(Refund.id).where(Refund.status == "pending",
                                Refund.created_at < now() - RETRY_PENDING_AFTER)
    ).all()
    return [execute_refund(refund_id).id for refund_id in stale]
