"""Errors of the payments service, mapped to HTTP once by ``app.common.api``."""

from __future__ import annotations

from app.common.errors import BadRequestError, ConflictError, DomainError, PaymentRequiredError


class PaymentDeclinedError(PaymentRequiredError):
    """The gateway refused the charge (402); the booking stays payable until it expires."""


class NothingToRefundError(ConflictError):
    """The policy or the payment history leaves nothing to give back (409)."""


class WebhookSignatureError(BadRequestError):
    """A webhook whose signature does not verify (400): never applied."""

    default_reason = "invalid_signature"


class WebhookEventError(BadRequestError):
    """A correctly signed webhook whose body is not an event we can read (400): never applied."""

    default_reason = "invalid_event"


class GatewayUnavailableError(DomainError):
    """The gateway could not be reached or failed (502); retrying with the same key is safe."""

    status_code = 502
    default_reason = "gateway_unavailable"
