"""Taking payment for a booking.

An attempt is written down (a ``pending`` payment, committed) before the gateway is called,
so the gateway's metadata can name it and a webhook arriving before our own answer finds it.
Success confirms the booking in the transaction that records the payment. A success that
can no longer be kept (the booking expired, or another payment confirmed it meanwhile) is
refunded at once, never silently kept.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from app.common import events
from app.common.access import STAFF_ROLES, Principal, ensure_cinema_access
from app.common.clock import now
from app.common.errors import ConflictError, NotFoundError
from app.common.reasons import decline_reason
from app.common.unit_of_work import after_commit, use_case
from app.extensions import db
from app.models import Booking, Payment
from app.payments.errors import GatewayUnavailableError, PaymentDeclinedError
from app.payments.events import PaymentCaptured
from app.payments.gateways import gateway_for, get_gateway
from app.payments.gateways.base import ChargeRequest, ChargeResult, GatewayError, PaymentGateway
from app.payments.refund_settlement import execute_refund
from app.payments.refunds import reverse_payment
from app.payments.row_locks import get_payment, lock_booking, lock_payment
from app.pricing.promos import redeem_promo

log = logging.getLogger(__name__)

# A pending attempt younger than this is still talking to the gateway: a second attempt on
# the same booking waits for it instead of charging the card twice.
IN_FLIGHT = timedelta(minutes=2)


def process_payment(
    *, user_id: int, booking_id: int, payment_method: str, idempotency_key: str | None,
    gateway: PaymentGateway | None = None,
) -> tuple[Payment, str | None]:
    """Charge a booking's owner for it; returns the payment and, when the card needs
    authentication (3-D Secure), the client secret to complete it with.

    The payer is the booking's customer, or for a walk-in the staff member who sold it.
    ``gateway`` is the online gateway unless given (a box-office counter gives its tender).

    Raises 404 (not the caller's booking), 409 (not payable: paid, cancelled, expired or an
    attempt in flight), 402 (declined; the booking stays payable), 502 (gateway unreachable).
    """
    started = now()
    # Namespaced per user: two customers who both pick "1" as a key must not collide at Stripe.
    gateway_key = (f"cinemaos-payment-{user_id}-{idempotency_key}" if idempotency_key
                   else f"cinemaos-payment-{uuid.uuid4()}")
    gateway = gateway or get_gateway()
    _reconcile_earlier_attempts(user_id, booking_id, gateway_key)
    payment_id, request = _start_attempt(user_id, booking_id, payment_method, gateway_key, gateway.name)
    try:
        result = gateway.charge(request)
    except GatewayError as exc:
        # Unknown outcome: let the customer retry. If the charge did happen, its webhook
        # arrives and is settled like any late success (kept or refunded).
        record_charge_result(payment_id, ChargeResult(
            status="failed", provider_payment_id=None, failure_code="gateway_unreachable",
            failure_message=str(exc)), attempt_started=started)
        raise GatewayUnavailableError(
            "The payment provider could not be reached. Retry with the same Idempotency-Key: "
            "it never charges twice, and a charge that did go through is settled by its webhook"
        ) from exc
    payment = record_charge_result(payment_id, result, attempt_started=started)
    if payment.booking.status == "pending_payment" and payment.status in ("refunded", "partially_refunded"):
        raise ConflictError(
            "The last use of this booking's promo code went to another customer a moment ago; your "
            "payment was refunded. Hold the seats again without the code", reason="promo_used_up",
            details={"payment_id": payment.id, "booking_id": booking_id})
    if payment.status == "failed":
        raise PaymentDeclinedError(
            payment.failure_message or "The payment was declined",
            reason=decline_reason(payment.failure_code),
            details={"payment_id": payment.id, "decline_code": payment.failure_code,
                     "retryable": result.retryable, "booking_id": booking_id,
                     "booking_expires_at": _iso(payment.booking.expires_at)},
        )
    return payment, result.client_secret


@use_case
def _start_attempt(
    user_id: int, booking_id: int, payment_method: str, gateway_key: str, provider: str,
) -> tuple[int, ChargeRequest]:
    booking = lock_booking(booking_id)
    if booking is None or booking.holder_id != user_id:
        raise NotFoundError("Booking not found")
    _ensure_payable(booking)
    attempts = db.session.scalars(
        select(Payment).where(Payment.booking_id == booking.id).with_for_update(of=Payment)
    ).all()
    # Any other attempt still pending may have charged the card: a new charge waits until it is
    # settled (by its own answer, its webhook, or reconciliation with the gateway).
    if any(p.status == "pending" and p.idempotency_key != gateway_key for p in attempts):
        raise ConflictError("Another payment for this booking is being processed; wait for it",
                            reason="payment_in_progress", headers={"Retry-After": "2"})
    # A key retried after an unknown outcome reuses its attempt: the gateway replays that key.
    payment = next((p for p in attempts if p.idempotency_key == gateway_key), None)
    if payment is None:
        payment = Payment(booking_id=booking.id, user_id=user_id, amount_minor=booking.total_minor,
                          currency=booking.currency, provider=provider,
                          idempotency_key=gateway_key)
        db.session.add(payment)
    payment.status = "pending"
    payment.failure_code = payment.failure_message = None
    db.session.flush()
    request = ChargeRequest(
        amount_minor=payment.amount_minor, currency=payment.currency,
        payment_method=payment_method, idempotency_key=gateway_key,
        description=f"CinemaOS booking {booking.reference}",
        metadata={"payment_id": str(payment.id), "booking_id": str(booking.id),
                  "booking_reference": booking.reference, "user_id": str(user_id),
                  "showtime_id": str(booking.showtime_id)},
    )
    return payment.id, request


def _reconcile_earlier_attempts(user_id: int, booking_id: int, gateway_key: str) -> None:
    """Settle the booking's other attempts left pending past ``IN_FLIGHT`` (their request
    died between the gateway's answer and our write) before anyone is charged again. An
    attempt retried with its own key needs none: the gateway replays that key's outcome."""
    stale = db.session.scalars(select(Payment.id).where(
        Payment.booking_id == booking_id, Payment.user_id == user_id, Payment.status == "pending",
        Payment.idempotency_key != gateway_key, Payment.updated_at <= now() - IN_FLIGHT)).all()
    db.session.rollback()
    for payment_id in stale:
        try:
            reconcile_payment(payment_id)
        except GatewayError:
            log.warning("payment %s still unsettled: the gateway cannot be asked now", payment_id)


def reconcile_payment(payment_id: int) -> Payment:
    """Settle a payment left pending from what the gateway knows of its charge: a charge it
    made is recorded (confirming or reversing as any late answer), none at all after
    ``IN_FLIGHT`` means the attempt died before charging and it fails. Raises GatewayError
    when the gateway cannot be asked (the payment then stays pending, for the next try)."""
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.status != "pending":
        db.session.rollback()
        return payment
    attempt_started, key, provider = payment.updated_at, payment.idempotency_key, payment.provider
    db.session.rollback()
    result = gateway_for(provider).find_charge(key, payment_id)
    if result is None:
        if attempt_started > now() - IN_FLIGHT:
            return db.session.get(Payment, payment_id)
        result = ChargeResult(status="failed", provider_payment_id=None, failure_code="abandoned",
                              failure_message="The payment was interrupted before the card was charged")
    return record_charge_result(payment_id, result, attempt_started=attempt_started)


def reconcile_pending_payments() -> list[int]:
    """The recurring job: reconcile every payment pending past ``IN_FLIGHT``; returns their ids."""
    ids = db.session.scalars(select(Payment.id).where(
        Payment.status == "pending", Payment.updated_at <= now() - IN_FLIGHT)).all()
    db.session.rollback()
    settled = []
    for payment_id in ids:
        try:
            if reconcile_payment(payment_id).status != "pending":
                settled.append(payment_id)
        except GatewayError:
            log.warning("payment %s still unsettled: the gateway cannot be asked now", payment_id)
    return settled


def _ensure_payable(booking: Booking) -> None:
    if booking.status == "confirmed":
        raise ConflictError("This booking is already paid", reason="booking_already_paid")
    if booking.status != "pending_payment":
        raise ConflictError(f"This booking is {booking.status} and can no longer be paid",
                            reason="booking_not_payable")
    if booking.expires_at is not None and booking.expires_at <= now():
        raise ConflictError("The time to pay for this booking has run out; book again",
                            reason="booking_expired")
    if booking.total_minor <= 0:
        raise ConflictError("This booking has nothing to pay", reason="nothing_to_pay")


@use_case
def record_charge_result(payment_id: int, result: ChargeResult, *, attempt_started: datetime) -> Payment:
    """Write the gateway's synchronous answer, unless a webhook has already settled it.

    A success counts as in time if the booking was payable when the attempt started: the
    customer paid before the deadline even if the gateway answered after it.
    """
    booking_id = db.session.get(Payment, payment_id).booking_id
    booking = lock_booking(booking_id)
    payment = lock_payment(payment_id)
    if payment.status == "pending":
        payment.provider_payment_id = result.provider_payment_id or payment.provider_payment_id
        if result.status == "succeeded":
            settle_success(booking, payment, payable_at=attempt_started)
        elif result.status == "requires_action":
            payment.status = "requires_action"
        elif result.status == "failed":
            settle_failure(payment, result.failure_code, result.failure_message)
    return payment


def settle_success(booking: Booking, payment: Payment, *, payable_at: datetime) -> None:
    """Mark a payment succeeded: it confirms its booking if that was still payable at
    ``payable_at``, otherwise it is reversed. Caller holds both locks and commits."""
    payment.status = "succeeded"
    payment.succeeded_at = now()
    payment.failure_code = payment.failure_message = None
    still_payable = booking.status == "pending_payment" and (
        booking.expires_at is None or booking.expires_at > payable_at)
    if still_payable and not _redeem_promo_of(booking):
        _reverse(booking, payment, "promo_used_up")
        return
    if still_payable:
        booking.status = "confirmed"
        booking.confirmed_at = now()
        booking.expires_at = None
        events.record(PaymentCaptured(payment.id))
        return
    reason = "duplicate" if booking.status == "confirmed" else "booking_expired"
    _reverse(booking, payment, reason)


def _reverse(booking: Booking, payment: Payment, reason: str) -> None:
    """Money that arrived for a booking it can no longer confirm goes back: the refund is
    reserved in this unit of work and sent to the gateway once it has committed."""
    refund_id = reverse_payment(booking, payment, reason).id
    after_commit(lambda: execute_refund(refund_id))


def _redeem_promo_of(booking: Booking) -> bool:
    """Count the booking's promo-code use now that it is paid; False when the last use went to
    someone else meanwhile (the charge is then reversed: the discount was never earned)."""
    try:
        with db.session.begin_nested():
            redeem_promo(booking)
    except ConflictError:
        return False
    return True


def settle_failure(payment: Payment, code: str | None, message: str | None) -> None:
    payment.status = "failed"
    payment.failure_code = (code or "payment_failed")[:60]
    payment.failure_message = (message or "The payment failed")[:300]


def read_payment(payment_id: int, principal: Principal) -> Payment:
    """A payment for its payer, for staff of its cinema and for admins; 404 for other customers."""
    payment = get_payment(payment_id)
    ensure_may_read(principal, payment)
    return payment


def ensure_may_read(principal: Principal, payment: Payment) -> None:
    if principal.id == payment.user_id:
        return
    if principal.role in STAFF_ROLES:
        ensure_cinema_access(principal, payment.booking.showtime.cinema_id)
        return
    raise NotFoundError("Payment not found")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
