"""The flask-smorest ``Api`` with CinemaOS's single JSON error shape.

Every error the service returns — raised by a service, by webargs validation, by Flask
routing, by the rate limiter or an unexpected crash — has the body documented by
:class:`ErrorSchema`, so clients parse one thing.
"""

from __future__ import annotations

import logging
from contextlib import suppress

import marshmallow as ma
from flask import Flask, current_app, g, jsonify
from flask_smorest import Api
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError, PreconditionFailed

from app.common.errors import DomainError
from app.common.reasons import FALLBACK_REASON, REASONS, STATUS_REASONS, STATUSES, ensure_listed
from app.common.spec_conventions import OperationConventions

log = logging.getLogger(__name__)

# How long a client should wait before retrying when a backing service is down: a Redis
# restart takes seconds, a PostgreSQL restart or failover a few more.
REDIS_RETRY_AFTER_SECONDS = 5
DATABASE_RETRY_AFTER_SECONDS = 5


class ErrorSchema(ma.Schema):
    """The one error body of this API."""

    code = ma.fields.Integer(required=True, metadata={"description": "HTTP status code",
                                                      "enum": list(STATUSES)})
    status = ma.fields.String(required=True, metadata={"description": "HTTP status name"})
    reason = ma.fields.String(required=True, metadata={
        "description": "Machine-readable cause, e.g. `seats_taken` (app/common/reasons.py)",
        "enum": list(REASONS)})
    message = ma.fields.String(required=True, metadata={"description": "What was wrong"})
    errors = ma.fields.Dict(
        metadata={"description": "Details: field errors for 422, conflicting ids for 409..."}
    )
    request_id = ma.fields.String(metadata={"description": "Echo of the X-Request-ID header"})


def error_response(
    status: int, message: str, *, reason: str | None = None, errors: dict | None = None,
    headers: dict | None = None,
):
    """Build the JSON error response; used by every handler so the shape never drifts."""
    from werkzeug.http import HTTP_STATUS_CODES

    reason = reason or STATUS_REASONS.get(status, FALLBACK_REASON)
    if current_app.testing and status >= 400:  # a 304 carries no body
        ensure_listed(status, reason)
    body = {
        "code": status,
        "status": HTTP_STATUS_CODES.get(status, "Error"),
        "reason": reason,
        "message": message,
    }
    if errors:
        body["errors"] = _with_text_keys(errors)
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


class CinemaApi(Api):
    ERROR_SCHEMA = ErrorSchema
    # No catch-all `default` response on every operation: it would hide the statuses an
    # operation really answers, which each one documents (see ServiceBlueprint).
    DEFAULT_ERROR_RESPONSE_NAME = None

    def init_app(self, app: Flask, *, spec_kwargs: dict | None = None) -> None:
        """flask-smorest's, with the document's conventions (``app.common.spec_conventions``),
        then every error answered in the one error body (flask-smorest's own handler of HTTP
        errors is ``handle_http_exception`` below)."""
        spec_kwargs = dict(spec_kwargs or {})
        spec_kwargs["extra_plugins"] = [OperationConventions(), *spec_kwargs.get("extra_plugins", ())]
        super().init_app(app, spec_kwargs=spec_kwargs)
        app.register_error_handler(HTTPException, self.handle_http_exception)
        app.register_error_handler(DomainError, self.handle_domain_error)
        app.register_error_handler(StaleDataError, self.handle_stale_data)
        app.register_error_handler(IntegrityError, self.handle_integrity_error)
        app.register_error_handler(RedisError, self.handle_redis_unavailable)
        app.register_error_handler(OperationalError, self.handle_database_unavailable)
        app.register_error_handler(InterfaceError, self.handle_database_unavailable)
        app.register_error_handler(Exception, self.handle_unexpected)

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        if isinstance(errors, dict) and set(errors) <= {"json", "query", "headers", "files", "form"}:
            # webargs nests messages by location; one level less is easier to read
            flat: dict = {}
            for location_errors in errors.values():
                flat.update(location_errors)
            errors = flat
        message = data.get("message") or error.description or error.name
        if error.code == 422 and errors and "message" not in data:
            message = "The request is invalid: " + "; ".join(
                f"{field}: {_first(msg)}" for field, msg in errors.items()
            )
        if isinstance(error, PreconditionFailed) and "message" not in data:
            message = "The resource changed since you read it: fetch it again and retry"
        headers = dict(data.get("headers") or {})
        # werkzeug's TooManyRequests has retry_after=None unless given; never send "None"
        if error.code == 429 and getattr(error, "retry_after", None) is not None:
            headers.setdefault("Retry-After", str(error.retry_after))
        response = error_response(error.code or 500, message, errors=errors, headers=headers)
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        if error.code == 429:
            original = error.get_response()
            for key in ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                        "X-RateLimit-Reset"):
                if key in original.headers:
                    response.headers[key] = original.headers[key]
        return response

    def handle_domain_error(self, error: DomainError):
        return error_response(
            error.status_code, error.message, reason=error.reason, errors=error.details,
            headers=error.headers,
        )

    def handle_stale_data(self, error: StaleDataError):
        return error_response(
            409, "Someone else changed this record at the same moment: fetch it again and retry",
            reason="concurrent_update",
        )

    def handle_integrity_error(self, error: IntegrityError):
        """A write that lost a race: services check "is this name free?" before writing, and
        two requests can both pass the check; the database's constraint then refuses the later
        one. That is a 409 to retry (the retry meets the service's own, more precise refusal).
        Any other integrity error is a bug, answered 500 and logged as one."""
        if not _lost_race(error):
            return self.handle_unexpected(error)
        log.info("write refused by a constraint after a race: %s", error.orig)
        return error_response(
            409, "Someone else wrote the same record at the same moment: fetch it again and retry",
            reason="concurrent_update",
        )

    def handle_redis_unavailable(self, error: RedisError):
        """Redis holds seat locks, live seat maps and caches: what needs it waits for it.

        Reads that PostgreSQL can answer do not get here (caches and authentication fall back
        to it); a seat map without live holds would invite holds that fail, so it is refused.
        """
        log.warning("Redis unavailable: %s", type(error).__name__)
        return error_response(
            503, "Seat holds and live seat maps are unavailable for a moment; retry shortly",
            reason="redis_unavailable", headers={"Retry-After": str(REDIS_RETRY_AFTER_SECONDS)},
        )

    def handle_database_unavailable(self, error: DBAPIError):
        """PostgreSQL down or restarting: a JSON 503, and the session is reset for the next try."""
        from app.extensions import db

        with suppress(Exception):  # the connection is already broken; only reset the session
            db.session.rollback()
        log.warning("database unavailable: %s (SQLSTATE %s)", type(error.orig).__name__,
                    getattr(error.orig, "sqlstate", None))
        return error_response(
            503, "The database is unavailable for a moment; retry shortly",
            reason="database_unavailable",
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )

    def handle_unexpected(self, error: Exception):
        if isinstance(error, HTTPException):
            return self.handle_http_exception(error)
        log.exception("unhandled error", extra={"request_id": g.get("request_id")})
        return self.handle_http_exception(InternalServerError())


# Constraint violations a concurrent write explains: unique, exclusion, and a foreign key whose
# row another request deleted. (Checks and NOT NULL are the code's own mistakes.)
_RACE_SQLSTATES = {"23505", "23P01", "23503"}
_RACE_SQLITE_ERRORS = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY",
                       "SQLITE_CONSTRAINT_FOREIGNKEY"}


def _lost_race(error: IntegrityError) -> bool:
    return (getattr(error.orig, "sqlstate", None) in _RACE_SQLSTATES
            or getattr(error.orig, "sqlite_errorname", None) in _RACE_SQLITE_ERRORS)


def _first(messages) -> str:
    if isinstance(messages, list) and messages:
        return str(messages[0])
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_first(v)}" for k, v in messages.items())
    return str(messages)


def _with_text_keys(details):
    """marshmallow names a list's items by index beside the list's own ``_schema`` errors; JSON
    keys are text, and a mix of int and str keys cannot even be sorted for the encoder."""
    if isinstance(details, dict):
        return {str(key): _with_text_keys(value) for key, value in details.items()}
    if isinstance(details, list):
        return [_with_text_keys(value) for value in details]
    return details
