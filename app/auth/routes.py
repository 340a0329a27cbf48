"""HTTP routes of the auth service: /api/auth/..."""

from __future__ import annotations

from flask import Response, after_this_request, request
from flask_jwt_extended import set_refresh_cookies, unset_refresh_cookies

from app.auth.accounts import get_user, register_user, request_password_reset, reset_password, verify_email
from app.auth.policy import normalise_email
from app.auth.schemas import (
    ForgotPasswordSchema,
    LoginSchema,
    MessageSchema,
    RegisterSchema,
    ResetPasswordSchema,
    TokenSchema,
    UserSchema,
    VerifyEmailSchema,
)
from app.auth.sessions import Session, log_in, log_out, rotate_refresh_token
from app.common.access import ANY_USER, current_claims, current_principal
from app.common.blueprint import ServiceBlueprint
from app.common.ratelimits import client_address, rate_limited

blp = ServiceBlueprint(
    "auth", __name__, url_prefix="/api/auth",
    description="Registration, login, token refresh and logout, password reset, e-mail verification.",
)


def _account_key() -> str:
    """Rate-limit bucket of the account named in the body (a body without one counts per address)."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    if isinstance(email, str) and email.strip():
        return "account:" + normalise_email(email)
    return "account-unnamed:" + client_address()


def _limited(setting: str, *, per_account: bool = True):
    """``setting`` per client address and, separately, per account named in the body: guessing
    one account from many addresses trips the second, spraying many accounts from one address
    the first. Registration counts per address only, as every attempt names a new address."""

    def decorator(view):
        if per_account:
            view = rate_limited(setting, _account_key)(view)
        view = rate_limited(setting, client_address)(view)
        return blp.alt_response(429, response="TOO_MANY_REQUESTS")(view)

    return decorator


def _session_body(session: Session) -> dict:
    """The token body, with the refresh token put in its httpOnly cookie on the way out."""
    tokens = session.tokens

    @after_this_request
    def set_cookie(response: Response) -> Response:
        set_refresh_cookies(response, tokens.refresh_token, max_age=tokens.refresh_expires_in)
        return response

    return {
        "access_token": tokens.access_token, "token_type": "Bearer",
        "expires_in": tokens.access_expires_in, "refresh_expires_in": tokens.refresh_expires_in,
        "refresh_csrf_token": tokens.refresh_csrf_token, "user": session.user,
    }


@blp.route("/register", methods=["POST"])
@blp.access()
@_limited("REGISTER_RATE_LIMIT", per_account=False)
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
@blp.alt_response(409, response="CONFLICT", description="An account already uses this e-mail address")
def register(data: dict):
    """Create a customer account

    The password policy is checked (422 names every rule broken) and a verification link is
    e-mailed. Log in afterwards with `POST /api/auth/login`. Registrations are limited per
    client address (`REGISTER_RATE_LIMIT`); over the limit the answer is 429 with `Retry-After`.
    """
    return register_user(data["email"], data["password"], data["full_name"])


@blp.route("/login", methods=["POST"])
@blp.access()
@_limited("LOGIN_RATE_LIMIT")
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, response="UNAUTHORIZED", description="Wrong credentials or a disabled account")
def login(data: dict):
    """Log in: access token in the body, refresh token in an httpOnly cookie

    Wrong e-mail or password gives the same 401. Attempts are limited per client IP and per
    account (`LOGIN_RATE_LIMIT`); over the limit the answer is 429 with `Retry-After`.
    """
    return _session_body(log_in(data["email"], data["password"], request.user_agent.string))


@blp.route("/refresh", methods=["POST"])
@blp.access(refresh_cookie=True)
@blp.response(200, TokenSchema)
def refresh():
    """Exchange the refresh cookie for a new access token and a new refresh cookie

    Needs the `refresh_token_cookie` cookie and its CSRF value in the `X-CSRF-TOKEN` header.
    Each refresh token works once: presenting an already-exchanged one revokes the whole
    session (theft detection), and both holders must log in again.
    """
    claims = current_claims()
    return _session_body(rotate_refresh_token(current_principal().id, claims.get("fam"), claims["jti"]))


@blp.route("/logout", methods=["POST"])
@blp.access(*ANY_USER)
@blp.response(204)
def logout():
    """Log out: revoke this access token and the session's refresh token, clear the cookie"""
    claims = current_claims()
    log_out(claims["jti"], claims["exp"], claims.get("fam"))

    @after_this_request
    def clear_cookie(response: Response) -> Response:
        unset_refresh_cookies(response)
        return response


@blp.route("/forgot-password", methods=["POST"])
@blp.access()
@_limited("FORGOT_PASSWORD_RATE_LIMIT")
@blp.arguments(ForgotPasswordSchema)
@blp.response(202, MessageSchema)
def forgot_password(data: dict):
    """E-mail a password-reset link

    Answers the same, in the same time, whether or not an account uses the address: the link
    is made and sent in the background. It works once and expires after
    `PASSWORD_RESET_TTL_SECONDS` (one hour). Requests are limited per client address and per
    address asked for (`FORGOT_PASSWORD_RATE_LIMIT`); over the limit the answer is 429 with
    `Retry-After`.
    """
    request_password_reset(data["email"])
    return {"message": "If an account uses this address, a reset link is on its way"}


@blp.route("/reset-password", methods=["POST"])
@blp.access()
@blp.arguments(ResetPasswordSchema)
@blp.response(200, MessageSchema)
@blp.alt_response(400, response="BAD_REQUEST", description="The link is invalid, used or expired")
def reset_password_view(data: dict):
    """Set a new password with the token from the reset e-mail

    The token works once. Every session of the account ends (log in again everywhere).
    """
    reset_password(data["token"], data["password"])
    return {"message": "Password changed; log in with the new password"}


@blp.route("/verify-email", methods=["POST"])
@blp.access()
@blp.arguments(VerifyEmailSchema)
@blp.response(200, MessageSchema)
@blp.alt_response(400, response="BAD_REQUEST", description="The link is invalid, used or expired")
def verify_email_view(data: dict):
    """Confirm the e-mail address with the token from the verification e-mail"""
    verify_email(data["token"])
    return {"message": "E-mail address confirmed"}


@blp.route("/me", methods=["GET"])
@blp.access(*ANY_USER)
@blp.response(200, UserSchema)
def me():
    """The signed-in user's account"""
    return get_user(current_principal().id)
