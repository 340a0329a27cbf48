"""Who may call what: JWT validation, the principal of a request, role and cinema checks.

Every view declares its audience with ``@blp.access(...)`` (see ``app.common.blueprint``);
services then check resources with :func:`ensure_cinema_access` / :func:`ensure_owner`, and
narrow lists to the caller's cinemas with :func:`within_cinemas`.
Who a valid token's caller is (revoked or not, role, cinemas) is read by
``app.common.principals``.
"""

from __future__ import annotations

import time
from contextlib import suppress
from functools import wraps

import marshmallow as ma
from flask import g, request
from flask_jwt_extended import JWTManager, get_jwt, verify_jwt_in_request
from flask_jwt_extended.exceptions import (
    CSRFError,
    JWTExtendedException,
    NoAuthorizationError,
    UserClaimsVerificationError,
    WrongTokenError,
)
from jwt import ExpiredSignatureError, PyJWTError
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from app.common.api import error_response
from app.common.bounded_memory import app_memory
from app.common.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from app.common.ids import id_from_text
from app.common.principals import Principal, revocation_and_principal

ANY_USER = ("customer", "staff", "manager", "admin")
STAFF_ROLES = ("staff", "manager", "admin")
MANAGERS = ("manager", "admin")
ADMIN = ("admin",)


def _user_id(subject: str) -> None:
    if id_from_text(subject) is None:
        raise ma.ValidationError("not a user id")


class _ClaimsSchema(ma.Schema):
    """The claims every token of ours carries (``app.auth.tokens``), in the types the checks
    after the signature rely on: a token signed with our key but shaped otherwise is invalid,
    not a crash in ``int(sub)`` or a Redis key made of a list."""

    class Meta:
        unknown = ma.INCLUDE

    sub = ma.fields.String(required=True, validate=_user_id)
    jti = ma.fields.String(required=True)
    iat = ma.fields.Integer(required=True, strict=True)
    exp = ma.fields.Integer(required=True, strict=True)
    fam = ma.fields.String()


_CLAIMS = _ClaimsSchema()


def _claims_well_formed(_header: dict, claims: dict) -> bool:
    return not _CLAIMS.validate(claims)


def authenticate(*, refresh: bool = False) -> Principal:
    """Validate the token of the current request and return its principal.

    Access tokens are read from the ``Authorization`` header only; ``refresh=True`` reads the
    refresh token from its httpOnly cookie and demands the matching ``X-CSRF-TOKEN`` header.
    """
    claims = None if refresh else _remembered_access_claims()
    if claims is None:
        location = "cookies" if refresh else "headers"
        try:
            verify_jwt_in_request(refresh=refresh, locations=[location])
        except (JWTExtendedException, PyJWTError) as exc:
            message, reason = _token_problem(exc, refresh)
            raise AuthenticationError(message, reason=reason) from exc
        claims = get_jwt()
        if not refresh:
            _remember_access_claims(claims)
    revoked, principal = revocation_and_principal(claims)
    if revoked:
        raise AuthenticationError("This token was revoked; log in again", reason="token_revoked")
    if principal is None or not principal.is_active:
        raise AuthenticationError("This account no longer exists or is disabled",
                                  reason="account_inactive")
    if principal.sessions_valid_after and claims["iat"] < int(principal.sessions_valid_after):
        raise AuthenticationError("This token was revoked; log in again", reason="token_revoked")
    g.jwt_claims = claims
    g.principal = principal
    g.user_id = principal.id
    return principal


def current_claims() -> dict:
    """The verified claims of the current request's token (after :func:`authenticate`)."""
    return g.jwt_claims


# A client sends the same access token with every request of its 15-minute life, and checking
# its signature and claims again each time is a fair share of a cheap request (PyJWT decodes
# it several times over). So each worker remembers the claims of tokens it verified, per app
# (the signing key), re-checking only the expiry; revocation is checked on every request (in
# the near cache Redis keeps coherent, or in Redis).
_REMEMBERED_TOKENS_MAX = 4096


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token if scheme == "Bearer" and token else None


def _remembered_access_claims() -> dict | None:
    token = _bearer_token()
    claims = app_memory("verified_tokens", _REMEMBERED_TOKENS_MAX).get(token) if token else None
    if claims is None or claims["exp"] <= time.time():
        return None
    return claims


def _remember_access_claims(claims: dict) -> None:
    token = _bearer_token()
    if token is not None and claims.get("type") == "access":
        app_memory("verified_tokens", _REMEMBERED_TOKENS_MAX).put(token, claims)


def _token_problem(exc: Exception, refresh: bool) -> tuple[str, str]:
    """A message a client developer can act on, and the machine-readable reason."""
    kind = "refresh token" if refresh else "access token"
    if isinstance(exc, NoAuthorizationError):
        if refresh:
            return "Log in first: the refresh-token cookie is missing", "token_missing"
        return "Authentication required: send 'Authorization: Bearer <access token>'", "token_missing"
    if isinstance(exc, CSRFError):
        return (f"CSRF check failed ({exc}): send the csrf_refresh_token cookie's value "
                "in the X-CSRF-TOKEN header", "csrf_failed")
    if isinstance(exc, ExpiredSignatureError):
        return f"The {kind} has expired; " + ("log in again" if refresh else "refresh it"), "token_expired"
    if isinstance(exc, WrongTokenError):
        return f"Only an {kind} is accepted here", "token_invalid"
    if isinstance(exc, UserClaimsVerificationError):
        return f"The {kind} is not one this service issued (its claims are malformed)", "token_invalid"
    return f"The {kind} is not valid ({exc})", "token_invalid"


def current_principal() -> Principal:
    principal = g.get("principal")
    if principal is None:
        raise AuthenticationError("Authentication required")
    return principal


def optional_principal() -> Principal | None:
    """The caller if a valid access token was sent, else None (for public views that personalise).

    Public views run :func:`identify_if_possible` first (``ServiceBlueprint.access``), so
    this is set there; a missing or bad token on a public view is simply anonymous.
    """
    return g.get("principal")


def identify_if_possible() -> None:
    """On a public view, remember the caller when a valid access token came along."""
    # ``g`` outlives a request when an app context was already pushed (tests): start clean.
    g.pop("principal", None)
    g.pop("user_id", None)
    if "Authorization" not in request.headers:
        return
    with suppress(AuthenticationError):  # a bad token on a public view is simply anonymous
        authenticate()


def require_roles(roles: tuple[str, ...], *, refresh: bool = False):
    """Decorator enforcing that the caller is authenticated (401) and has one of ``roles`` (403)."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            principal = authenticate(refresh=refresh)
            if principal.role not in roles:
                raise PermissionDeniedError(
                    f"This operation is for {', '.join(roles)}; you are signed in as {principal.role}",
                    reason="role_not_allowed",
                )
            return func(*args, **kwargs)

        return wrapper

    return decorator


def allow_anonymous(func):
    """Decorator for public views: no check, but a valid token still identifies the caller."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        identify_if_possible()
        return func(*args, **kwargs)

    return wrapper


def _assigned_cinemas(principal: Principal) -> list[int]:
    return principal.cinema_ids if principal.role in ("staff", "manager") else []


def works_at(principal: Principal, cinema_id: int) -> bool:
    """The cinema rule: admins act everywhere; staff and managers only at the cinemas they are
    assigned to; customers at none."""
    return principal.is_admin or cinema_id in _assigned_cinemas(principal)


def ensure_cinema_access(principal: Principal, cinema_id: int) -> None:
    """403 unless the caller :func:`works_at` the cinema."""
    if not works_at(principal, cinema_id):
        raise PermissionDeniedError(
            f"You are not assigned to cinema {cinema_id}", reason="cinema_not_assigned"
        )


def within_cinemas(stmt: Select, cinema_column: InstrumentedAttribute[int], principal: Principal,
                   cinema_id: int | None = None) -> Select:
    """Narrow a list query to the cinemas the caller :func:`works_at`: the one named (403 if
    not theirs), else all of theirs (every cinema for admins; rows of no cinema, like role
    changes in the audit trail, for admins only)."""
    if cinema_id is not None:
        ensure_cinema_access(principal, cinema_id)
        return stmt.where(cinema_column == cinema_id)
    if principal.is_admin:
        return stmt
    return stmt.where(cinema_column.in_(_assigned_cinemas(principal)))


def ensure_owner(principal: Principal, owner_id: int, what: str) -> None:
    """A customer sees only their own records; others' look like they do not exist (404)."""
    if principal.id != owner_id:
        raise NotFoundError(f"{what} not found")


def register_jwt_callbacks(jwt: JWTManager) -> None:
    # Revocation is checked in ``authenticate`` together with the principal (one round trip).
    def unauthorized(message: str, reason: str):
        return error_response(401, message, reason=reason)

    jwt.expired_token_loader(lambda _h, _p: unauthorized(
        "The token has expired; refresh it or log in again", "token_expired"))
    jwt.invalid_token_loader(lambda msg: unauthorized(f"The token is not valid: {msg}", "token_invalid"))
    jwt.unauthorized_loader(lambda msg: unauthorized(f"Authentication required: {msg}", "token_missing"))
    jwt.needs_fresh_token_loader(lambda _h, _p: unauthorized(
        "A fresh login is required", "fresh_token_required"))
    jwt.user_lookup_error_loader(lambda _h, _p: unauthorized(
        "This account no longer exists", "account_inactive"))
    jwt.token_verification_loader(_claims_well_formed)
