"""Domain errors raised by services and mapped to HTTP in one place (``app.common.api``).

Services never import Flask's ``abort``: they raise one of these with a message that says
what was wrong, and optionally a machine-readable ``reason`` and ``details``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400
    default_reason = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or self.default_reason
        self.details = details or {}
        self.headers = headers or {}


class BadRequestError(DomainError):
    status_code = 400
    default_reason = "bad_request"


class AuthenticationError(DomainError):
    status_code = 401
    default_reason = "unauthenticated"


class PaymentRequiredError(DomainError):
    status_code = 402
    default_reason = "payment_declined"


class PermissionDeniedError(DomainError):
    status_code = 403
    default_reason = "forbidden"


class NotFoundError(DomainError):
    status_code = 404
    default_reason = "not_found"


class ConflictError(DomainError):
    status_code = 409
    default_reason = "conflict"


class PreconditionFailedError(DomainError):
    status_code = 412
    default_reason = "precondition_failed"


class ValidationError(DomainError):
    status_code = 422
    default_reason = "invalid"


class RateLimitedError(DomainError):
    status_code = 429
    default_reason = "rate_limited"


class ServiceUnavailableError(DomainError):
    """A momentary overload the client should simply retry (sent with ``Retry-After``)."""

    status_code = 503
    default_reason = "unavailable"
