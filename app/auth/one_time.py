"""Single-use tokens for password reset and e-mail verification.

The raw token only ever exists in the e-mail; the database keeps its SHA-256 digest, so a
leaked table cannot be replayed. A token works once, until it expires, and issuing a new one
voids the older ones of the same purpose.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from app.common.clock import now
from app.common.errors import BadRequestError
from app.extensions import db
from app.models import OneTimeToken, User


def digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def issue_one_time_token(user: User, purpose: str, ttl_seconds: int) -> str:
    """Add a token to the caller's transaction and return the raw value to e-mail."""
    db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose,
               OneTimeToken.used_at.is_(None))
        .values(used_at=now())
    )
    raw = secrets.token_urlsafe(32)
    db.session.add(OneTimeToken(user_id=user.id, purpose=purpose, token_hash=digest(raw),
                                expires_at=now() + timedelta(seconds=ttl_seconds)))
    return raw


def consume_one_time_token(raw_token: str, purpose: str) -> OneTimeToken:
    """Mark the token used (row-locked, so two concurrent uses cannot both pass) and return it."""
    token = db.session.scalar(
        select(OneTimeToken)
        .where(OneTimeToken.token_hash == digest(raw_token), OneTimeToken.purpose == purpose)
        .with_for_update()
    )
    if token is None or token.used_at is not None or token.expires_at <= now():
        db.session.rollback()
        raise BadRequestError(
            "This link is invalid, was already used or has expired; ask for a new one",
            reason="token_invalid",
        )
    token.used_at = now()
    return token
