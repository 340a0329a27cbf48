"""JWTs of a login session and their revocation in Redis.

An access token (15 min) and a refresh token (7 days) are issued together for one
``RefreshTokenFamily``; both carry its id in the ``fam`` claim, so revoking the family
(logout, refresh-token reuse, password change) kills the access tokens it issued too.
Expiry times of JWTs follow the wall clock (PyJWT checks ``exp`` against it), so the Redis
TTLs here do as well, not the application's test clock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token, get_csrf_token, get_jti

from app.common.revocations import revoked_family_key, revoked_token_key
from app.extensions import redis_client


@dataclass(frozen=True)
class SessionTokens:
    access_token: str
    refresh_token: str
    refresh_jti: str
    access_expires_in: int
    refresh_expires_in: int

    @property
    def refresh_csrf_token(self) -> str:
        return get_csrf_token(self.refresh_token)


def issue_session_tokens(user_id: int, role: str, family_id: str) -> SessionTokens:
    """A fresh access/refresh pair for one session (``sub`` is the user id as a string)."""
    claims = {"role": role, "fam": family_id}
    access = create_access_token(identity=str(user_id), additional_claims=claims)
    refresh = create_refresh_token(identity=str(user_id), additional_claims=claims)
    config = current_app.config
    return SessionTokens(
        access_token=access,
        refresh_token=refresh,
        refresh_jti=get_jti(refresh),
        access_expires_in=int(config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds()),
        refresh_expires_in=int(config["JWT_REFRESH_TOKEN_EXPIRES"].total_seconds()),
    )


def block_token(jti: str, expires_at: int) -> None:
    """Blocklist one token until it would have expired anyway (then the key vanishes by itself)."""
    remaining = expires_at - int(time.time())
    if remaining > 0:
        redis_client.client.set(revoked_token_key(jti), "1", ex=remaining)


def block_families(family_ids: list[str]) -> None:
    """Refuse every token of these sessions; the refresh side is also revoked in the database,
    so the Redis mark only has to outlive the family's last access token."""
    if not family_ids:
        return
    ttl = int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds())
    with redis_client.client.pipeline(transaction=False) as pipe:
        for family_id in family_ids:
            pipe.set(revoked_family_key(family_id), "1", ex=ttl)
        pipe.execute()
