"""Login sessions: log in, rotate the refresh token (with reuse detection), log out, revoke all."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import select

from app.auth.passwords import hash_password, verify_password
from app.auth.policy import normalise_email
from app.auth.tokens import SessionTokens, block_families, block_token, issue_session_tokens
from app.common.clock import now
from app.common.errors import AuthenticationError
from app.common.revocations import forget_user_session
from app.common.unit_of_work import after_commit, unit_of_work, use_case
from app.extensions import db
from app.models import RefreshTokenFamily, User


@dataclass(frozen=True)
class Session:
    user: User
    tokens: SessionTokens


@use_case
def log_in(email: str, password: str, user_agent: str | None = None) -> Session:
    """Check the credentials and open a session (a new refresh-token family)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    # Hash even for an unknown address, so response time does not tell which accounts exist.
    password_ok = verify_password(password, user.password_hash if user else _dummy_hash())
    if user is None or not password_ok:
        raise AuthenticationError("E-mail or password is wrong", reason="invalid_credentials")
    if not user.is_active:
        raise AuthenticationError("This account is disabled", reason="account_inactive")
    family_id = str(uuid.uuid4())
    tokens = issue_session_tokens(user.id, user.role, family_id)
    db.session.add(RefreshTokenFamily(
        id=family_id, user_id=user.id, current_jti=tokens.refresh_jti,
        expires_at=now() + timedelta(seconds=tokens.refresh_expires_in),
        user_agent=(user_agent or "")[:200] or None,
    ))
    return Session(user=user, tokens=tokens)


def rotate_refresh_token(user_id: int, family_id: str | None, jti: str) -> Session:
    """Exchange the family's current refresh token for a new pair.

    Presenting any older token of the family means a copy is in someone else's hands: the
    whole family is revoked (both the thief and the victim must log in again).
    """
    with unit_of_work():
        session = _rotate(user_id, family_id, jti)
    if session is None:
        raise AuthenticationError(
            "This refresh token was already used: the session is revoked; log in again",
            reason="refresh_token_reused",
        )
    return session


def _rotate(user_id: int, family_id: str | None, jti: str) -> Session | None:
    """The new pair, or None when ``jti`` was reused (the family is then revoked, and that
    revocation committed although the caller is refused)."""
    family = db.session.scalar(
        select(RefreshTokenFamily).where(RefreshTokenFamily.id == family_id).with_for_update()
    ) if family_id else None
    if family is None or family.user_id != user_id:
        raise AuthenticationError("This session does not exist; log in again", reason="token_invalid")
    if family.revoked_at is not None or family.expires_at <= now():
        raise AuthenticationError("This session has ended; log in again", reason="token_revoked")
    if family.current_jti != jti:
        _revoke(family, "refresh_token_reused")
        revoked = family.id
        after_commit(lambda: block_families([revoked]))
        return None
    user = db.session.get(User, user_id)
    tokens = issue_session_tokens(user.id, user.role, family.id)
    family.current_jti = tokens.refresh_jti
    family.last_rotated_at = now()
    family.expires_at = now() + timedelta(seconds=tokens.refresh_expires_in)
    return Session(user=user, tokens=tokens)


@use_case
def log_out(access_jti: str, access_expires_at: int, family_id: str | None) -> None:
    """Revoke the presented access token and, when it belongs to one, its whole session."""
    family = db.session.get(RefreshTokenFamily, family_id) if family_id else None
    if family is not None and family.revoked_at is None:
        _revoke(family, "logout")
    family_ids = [family.id] if family is not None else []
    after_commit(lambda: (block_token(access_jti, access_expires_at), block_families(family_ids)))


def revoke_all_sessions(user: User, reason: str) -> list[str]:
    """End every session of ``user`` inside the caller's transaction; returns the family ids.

    Tokens issued before now are refused from here on (``sessions_valid_after``); the caller
    passes the ids to :func:`publish_revocation`.
    """
    user.sessions_valid_after = now()
    families = db.session.scalars(
        select(RefreshTokenFamily).where(
            RefreshTokenFamily.user_id == user.id, RefreshTokenFamily.revoked_at.is_(None)
        )
    ).all()
    for family in families:
        _revoke(family, reason)
    return [family.id for family in families]


def publish_revocation(user_id: int, family_ids: list[str]) -> None:
    """Once the unit of work commits, make its change to a user effective at once: drop the
    cached principal, block the sessions' tokens (after the commit, so that no request can
    re-cache the old state)."""
    after_commit(lambda: (block_families(family_ids), forget_user_session(user_id)))


def _revoke(family: RefreshTokenFamily, reason: str) -> None:
    family.revoked_at = now()
    family.revoked_reason = reason


@cache
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-0")
