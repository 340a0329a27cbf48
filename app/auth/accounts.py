"""Accounts: registration, e-mail verification, forgotten and reset passwords."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.emails import send_password_reset_email, send_verification_email
from app.auth.one_time import consume_one_time_token, issue_one_time_token
from app.auth.passwords import hash_password
from app.auth.policy import normalise_email, password_problems
from app.auth.sessions import publish_revocation, revoke_all_sessions
from app.common.clock import now
from app.common.errors import ConflictError, ValidationError
from app.common.lookups import get_or_404
from app.common.tasks import launch_task
from app.common.unit_of_work import after_commit, use_case
from app.extensions import db
from app.models import User


@use_case
def register_user(email: str, password: str, full_name: str = "") -> User:
    """Create a customer account and e-mail a verification link."""
    email = normalise_email(email)
    ensure_password_acceptable(password, email)
    user = User(email=email, password_hash=hash_password(password), full_name=full_name.strip(),
                role="customer")
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise ConflictError("An account with this e-mail address already exists",
                            reason="email_taken") from exc
    raw = issue_one_time_token(user, "email_verify", current_app.config["EMAIL_VERIFY_TTL_SECONDS"])
    address = user.email
    after_commit(lambda: send_verification_email(address, raw))
    return user


@use_case
def verify_email(raw_token: str) -> User:
    token = consume_one_time_token(raw_token, "email_verify")
    user = db.session.get(User, token.user_id)
    user.email_verified_at = user.email_verified_at or now()
    return user


def request_password_reset(email: str) -> None:
    """Have a reset link e-mailed if an active account has this address.

    The request itself only queues :func:`send_password_reset`, whatever the address: the same
    work, so neither its answer nor its time tells whether an account uses the address.
    """
    launch_task("default", "app.auth.accounts.send_password_reset", normalise_email(email))


@use_case
def send_password_reset(email: str) -> None:
    """The job: e-mail a reset link if an active account has this address; otherwise nothing."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active:
        return
    raw = issue_one_time_token(user, "password_reset", current_app.config["PASSWORD_RESET_TTL_SECONDS"])
    address = user.email
    after_commit(lambda: send_password_reset_email(address, raw))


@use_case
def reset_password(raw_token: str, new_password: str) -> None:
    """Set a new password with a reset link; every existing session of the account ends."""
    token = consume_one_time_token(raw_token, "password_reset")
    user = db.session.get(User, token.user_id)
    # Raising rolls the unit of work back: a rejected password does not burn the link.
    ensure_password_acceptable(new_password, user.email)
    user.password_hash = hash_password(new_password)
    # Whoever could read the mailbox has proved control of the address.
    user.email_verified_at = user.email_verified_at or now()
    publish_revocation(user.id, revoke_all_sessions(user, "password_changed"))


def get_user(user_id: int) -> User:
    return get_or_404(User, user_id)


def ensure_password_acceptable(password: str, email: str) -> None:
    problems = password_problems(password, email)
    if problems:
        raise ValidationError(
            "The password " + "; it ".join(problems),
            reason="weak_password",
            details={"password": [f"Password {p}" for p in problems]},
        )
