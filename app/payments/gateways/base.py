"""The payment-gateway interface: what the payments service needs from Stripe or the sandbox.

Both implementations speak Stripe's vocabulary (PaymentIntents, Refunds, signed events), so
the webhook handler reads one event shape whichever gateway produced it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import marshmallow as ma
import stripe

ChargeStatus = Literal["succeeded", "requires_action", "processing", "failed"]
RefundStatus = Literal["succeeded", "pending", "failed"]


class GatewayError(RuntimeError):
    """The gateway was unreachable or answered with a server error: the outcome is unknown."""


class SignatureError(ValueError):
    """A webhook payload whose signature does not verify."""


class EventFormatError(ValueError):
    """A signed webhook payload that is not an event: no ``id``, ``type`` or ``data.object``."""


@dataclass(frozen=True)
class ChargeRequest:
    amount_minor: int
    currency: str
    payment_method: str
    idempotency_key: str
    description: str
    metadata: dict[str, str]


@dataclass(frozen=True)
class ChargeResult:
    status: ChargeStatus
    provider_payment_id: str | None
    failure_code: str | None = None
    failure_message: str | None = None
    # For declines the gateway says whether the same card may work on a later try.
    retryable: bool = False
    # For requires_action: what the client needs to finish authentication (3-D Secure).
    client_secret: str | None = None


@dataclass(frozen=True)
class RefundRequest:
    provider_payment_id: str
    amount_minor: int
    currency: str
    idempotency_key: str
    reason: str
    metadata: dict[str, str]


@dataclass(frozen=True)
class RefundResult:
    status: RefundStatus
    provider_refund_id: str
    failure_reason: str | None = None


@dataclass(frozen=True)
class GatewayEvent:
    """A verified webhook event: Stripe's id, type and ``data.object``."""

    id: str
    type: str
    object: dict[str, Any] = field(default_factory=dict)


class PaymentGateway(Protocol):
    name: str

    def charge(self, request: ChargeRequest) -> ChargeResult:
        """Create and confirm a payment; raise :class:`GatewayError` when the outcome is unknown."""

    def find_charge(self, idempotency_key: str, payment_id: int) -> ChargeResult | None:
        """What became of the charge asked with this key (None: none was made); raise
        :class:`GatewayError` when the gateway cannot tell now. Reconciliation asks this."""

    def refund(self, request: RefundRequest) -> RefundResult:
        """Refund part or all of a payment; raise :class:`GatewayError` when the outcome is unknown."""

    def parse_event(self, payload: bytes, signature: str | None) -> GatewayEvent:
        """Verify the signature of a webhook and return its event; raise :class:`SignatureError`."""


class _EventDataSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE  # e.g. previous_attributes

    object = ma.fields.Dict(required=True)


class _EventSchema(ma.Schema):
    """The parts of a Stripe event that are read, within their columns in ``payment_events``."""

    class Meta:
        unknown = ma.INCLUDE  # Stripe sends many more keys

    id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    type = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))
    data = ma.fields.Nested(_EventDataSchema, required=True)


_EVENT = _EventSchema()


def verify_stripe_event(payload: bytes, signature: str | None, secret: str | None) -> GatewayEvent:
    """Check a ``Stripe-Signature`` header with Stripe's own verifier, then read the event.

    Only the signature is left to Stripe's library: its event builder fails on a signed body
    that is not a JSON object, and what is read from the event is checked here instead.
    """
    if not secret:
        raise SignatureError("no webhook signing secret is configured")
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret,
                                              tolerance=stripe.Webhook.DEFAULT_TOLERANCE)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise SignatureError(str(exc)) from exc
    try:
        event = _EVENT.load(json.loads(payload))
    except ValueError as exc:
        raise EventFormatError("the body is not JSON") from exc
    except ma.ValidationError as exc:
        raise EventFormatError(f"not a gateway event: {exc.messages}") from exc
    return GatewayEvent(id=event["id"], type=event["type"], object=event["data"]["object"])
