"""Stripe through its official SDK: PaymentIntents confirmed server-side, Refunds, signed webhooks.

Every call carries an idempotency key, so a retry after a timeout never charges or refunds
twice. ``STRIPE_API_BASE`` points the client elsewhere (the tests' local Stripe double).
"""

from __future__ import annotations

import stripe

from app.payments.gateways.base import (
    ChargeRequest,
    ChargeResult,
    GatewayError,
    GatewayEvent,
    RefundRequest,
    RefundResult,
    verify_stripe_event,
)

# Stripe accepts only these refund reasons; anything else travels in the metadata.
_STRIPE_REFUND_REASONS = {"duplicate", "fraudulent", "requested_by_customer"}
# Errors after which the charge may or may not exist: the caller must not assume a decline.
_TRANSIENT = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError,
              stripe.AuthenticationError, stripe.PermissionError)


class StripeGateway:
    name = "stripe"

    def __init__(self, *, secret_key: str, webhook_secret: str | None, api_base: str | None) -> None:
        self.webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            # Our own idempotency keys make the SDK's retries safe.
            max_network_retries=2,
        )

    def charge(self, request: ChargeRequest) -> ChargeResult:
        params = {
            "amount": request.amount_minor,
            "currency": request.currency.lower(),
            "payment_method": request.payment_method,
            "payment_method_types": ["card"],
            "confirm": True,
            "description": request.description,
            "metadata": request.metadata,
        }
        try:
            intent = self._client.v1.payment_intents.create(
                params=params, options={"idempotency_key": request.idempotency_key}
            )
        except stripe.CardError as exc:
            return _declined(exc)
        except stripe.InvalidRequestError as exc:
            # e.g. an unknown or already-used payment method: the customer's to fix, not ours.
            return ChargeResult(status="failed", provider_payment_id=None,
                                failure_code=exc.code or "invalid_request",
                                failure_message=exc.user_message or "The payment method was refused")
        except _TRANSIENT as exc:
            raise GatewayError(f"Stripe: {exc.user_message or exc}") from exc
        # Stripe omits null fields: read a plain dict rather than the SDK object.
        return _intent_result(intent.to_dict())

    def find_charge(self, idempotency_key: str, payment_id: int) -> ChargeResult | None:
        # Every PaymentIntent carries our payment id in its metadata (ChargeRequest.metadata).
        # Stripe's search is eventually consistent (about a minute): reconciliation only asks
        # about attempts older than that.
        try:
            found = self._client.v1.payment_intents.search(
                params={"query": f"metadata['payment_id']:'{payment_id}'", "limit": 1})
        except (stripe.InvalidRequestError, *_TRANSIENT) as exc:
            raise GatewayError(f"Stripe could not be asked about payment {payment_id}: {exc}") from exc
        intents = found.to_dict().get("data") or []
        return _intent_result(intents[0]) if intents else None

    def refund(self, request: RefundRequest) -> RefundResult:
        params = {
            "payment_intent": request.provider_payment_id,
            "amount": request.amount_minor,
            "metadata": {**request.metadata, "reason": request.reason},
        }
        if request.reason in _STRIPE_REFUND_REASONS:
            params["reason"] = request.reason
        try:
            refund = self._client.v1.refunds.create(
                params=params, options={"idempotency_key": request.idempotency_key}
            )
        except (stripe.InvalidRequestError, *_TRANSIENT) as exc:
            raise GatewayError(f"Stripe refused the refund: {exc.user_message or exc}") from exc
        data = refund.to_dict()
        status = data["status"] if data["status"] in ("succeeded", "failed") else "pending"
        return RefundResult(status=status, provider_refund_id=data["id"],
                            failure_reason=data.get("failure_reason"))

    def parse_event(self, payload: bytes, signature: str | None) -> GatewayEvent:
        return verify_stripe_event(payload, signature, self.webhook_secret)


def _intent_result(data: dict) -> ChargeResult:
    """A PaymentIntent (as a plain dict) as the outcome of its charge."""
    status = data["status"]
    if status == "succeeded":
        return ChargeResult(status="succeeded", provider_payment_id=data["id"])
    if status in ("requires_action", "requires_confirmation"):
        return ChargeResult(status="requires_action", provider_payment_id=data["id"],
                            client_secret=data.get("client_secret"))
    if status == "processing":
        return ChargeResult(status="processing", provider_payment_id=data["id"])
    error = data.get("last_payment_error") or {}
    return ChargeResult(
        status="failed", provider_payment_id=data["id"],
        failure_code=error.get("decline_code") or error.get("code") or status,
        failure_message=error.get("message") or f"PaymentIntent is {status}",
    )


def _declined(exc: stripe.CardError) -> ChargeResult:
    error = exc.error
    intent = error.payment_intent if error else None
    code = (error.decline_code if error else None) or exc.code or "card_declined"
    return ChargeResult(
        status="failed",
        provider_payment_id=intent.id if intent else None,
        failure_code=code,
        failure_message=exc.user_message or "Your card was declined.",
        # Stripe's advice for these codes is to try the same card again shortly.
        retryable=code in ("processing_error", "try_again_later", "approve_with_id"),
    )
