"""The offline sandbox gateway: Stripe's test mode without a network, for the embedded default.

Payment methods are Stripe's documented test ``PaymentMethod`` ids, with the same outcomes:

====================================================  ==========================================
``pm_card_visa``, ``pm_card_mastercard``,             succeed
``pm_card_amex``, ``tok_visa``
``pm_card_chargeDeclined``                            declined (``card_declined``/generic_decline)
``pm_card_chargeDeclinedInsufficientFunds``           declined (insufficient_funds)
``pm_card_chargeDeclinedExpiredCard``                 declined (``expired_card``)
``pm_card_chargeDeclinedIncorrectCvc``                declined (``incorrect_cvc``)
``pm_card_chargeDeclinedProcessingError``             ``processing_error``: retry the same card
``pm_card_authenticationRequired``,                   ``requires_action`` (3-D Secure); the outcome
``pm_card_threeDSecure2Required``                     arrives later as a signed webhook event
====================================================  ==========================================

Ids derive from the idempotency key, so a retried call returns the same PaymentIntent or
Refund, exactly as Stripe replays a key. Every charge is written to the sandbox's own ledger
(``sandbox_charges``) on a connection of its own, committed before the answer, as a real
gateway's books are kept apart from ours: a retried key replays the recorded outcome, and
:meth:`SandboxGateway.find_charge` answers reconciliation from it.

Webhooks are verified with the same scheme as Stripe's, using ``STRIPE_WEBHOOK_SECRET`` or,
when unset, a secret derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import SandboxCharge
from app.payments.gateways.base import (
    ChargeRequest,
    ChargeResult,
    GatewayEvent,
    RefundRequest,
    RefundResult,
    verify_stripe_event,
)

_SUCCEEDING = {"pm_card_visa", "pm_card_mastercard", "pm_card_amex", "tok_visa"}
_NEEDING_ACTION = {"pm_card_authenticationRequired", "pm_card_threeDSecure2Required"}
# token -> (code, decline code, message, retryable); texts as Stripe words them.
_DECLINES = {
    "pm_card_chargeDeclined": (
        "card_declined", "generic_decline", "Your card was declined.", False),
    "pm_card_chargeDeclinedInsufficientFunds": (
        "card_declined", "insufficient_funds", "Your card has insufficient funds.", False),
    "pm_card_chargeDeclinedExpiredCard": (
        "expired_card", "expired_card", "Your card has expired.", False),
    "pm_card_chargeDeclinedIncorrectCvc": (
        "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect.", False),
    "pm_card_chargeDeclinedProcessingError": (
        "processing_error", "processing_error",
        "An error occurred while processing your card. Try again in a little bit.", True),
}


def _outcome(request: ChargeRequest) -> ChargeResult:
    """What Stripe's test mode answers for this test payment method."""
    intent_id = _derived_id("pi", request.idempotency_key)
    token = request.payment_method
    if token in _SUCCEEDING:
        return ChargeResult(status="succeeded", provider_payment_id=intent_id)
    if token in _NEEDING_ACTION:
        return ChargeResult(status="requires_action", provider_payment_id=intent_id,
                            client_secret=f"{intent_id}_secret_sandbox")
    code, decline_code, message, retryable = _DECLINES.get(token, (
        "resource_missing", "invalid_payment_method",
        f"No such PaymentMethod: '{token}' (sandbox: use a Stripe test card id)", False,
    ))
    return ChargeResult(status="failed", provider_payment_id=intent_id,
                        failure_code=decline_code if code == "card_declined" else code,
                        failure_message=message, retryable=retryable)


def _derived_id(prefix: str, idempotency_key: str) -> str:
    return f"{prefix}_sandbox_{hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]}"


class SandboxGateway:
    name = "sandbox"

    def __init__(self, *, webhook_secret: str | None, secret_key: str) -> None:
        self.webhook_secret = webhook_secret or "whsec_sandbox_" + hmac.new(
            secret_key.encode(), b"cinemaos-sandbox-webhooks", hashlib.sha256
        ).hexdigest()[:32]

    def charge(self, request: ChargeRequest) -> ChargeResult:
        known = self._ledger_entry(request.idempotency_key)
        if known is not None:
            return known  # a replayed key: the first outcome, and no second charge
        result = _outcome(request)
        payment_id = request.metadata.get("payment_id")
        try:
            with db.engine.begin() as books:
                books.execute(insert(SandboxCharge).values(
                    idempotency_key=request.idempotency_key,
                    payment_intent_id=result.provider_payment_id, status=result.status,
                    amount_minor=request.amount_minor, currency=request.currency,
                    payment_id=int(payment_id) if payment_id else None,
                    failure_code=result.failure_code, failure_message=result.failure_message,
                    retryable=result.retryable))
        except IntegrityError:
            return self._ledger_entry(request.idempotency_key)  # a concurrent replay won
        return result

    def find_charge(self, idempotency_key: str, payment_id: int) -> ChargeResult | None:
        return self._ledger_entry(idempotency_key)

    @staticmethod
    def _ledger_entry(idempotency_key: str) -> ChargeResult | None:
        with db.engine.connect() as books:
            row = books.execute(select(SandboxCharge).where(
                SandboxCharge.idempotency_key == idempotency_key)).first()
        if row is None:
            return None
        return ChargeResult(
            status=row.status, provider_payment_id=row.payment_intent_id,
            client_secret=f"{row.payment_intent_id}_secret_sandbox"
            if row.status == "requires_action" else None,
            failure_code=row.failure_code, failure_message=row.failure_message,
            retryable=row.retryable)

    def refund(self, request: RefundRequest) -> RefundResult:
        return RefundResult(status="succeeded",
                            provider_refund_id=_derived_id("re", request.idempotency_key))

    def parse_event(self, payload: bytes, signature: str | None) -> GatewayEvent:
        return verify_stripe_event(payload, signature, self.webhook_secret)
