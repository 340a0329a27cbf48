"""Revocations of login sessions: durable in PostgreSQL, mirrored in Redis as the fast path.

A session is revoked in PostgreSQL (``refresh_token_families.revoked_at``: logout, refresh
token reuse, password change, disabled account); after the commit its mark is set in Redis,
which every authenticated request reads (through the worker's near cache). Redis may lose the
marks (restarted empty, flushed): ``REVOCATIONS_LOADED_KEY`` is then missing, and the first
request to notice refills them from PostgreSQL. With Redis down, requests ask PostgreSQL.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.common.clock import now
from app.extensions import db, redis_client

# Key prefixes of what authentication reads on every request (the near cache tracks them).
SESSION_PREFIX = "user:"
REVOKED_PREFIX = "jwt:revoked"


def session_key(user_id: int) -> str:
    return f"{SESSION_PREFIX}{user_id}:session"


def forget_user_session(user_id: int) -> None:
    """Drop the cached principal; call after any change to a user's role, cinemas or password."""
    redis_client.client.delete(session_key(user_id))


def revoked_token_key(jti: str) -> str:
    return f"{REVOKED_PREFIX}:{jti}"


def revoked_family_key(family_id: str) -> str:
    """Marks a revoked login session: its access tokens (claim ``fam``) die with its refresh tokens."""
    return f"{REVOKED_PREFIX}-family:{family_id}"


# Present while Redis holds every revocation mark PostgreSQL knows of; a Redis that lost its
# data lacks it (named under REVOKED_PREFIX, so the near cache tracks it too).
REVOCATIONS_LOADED_KEY = f"{REVOKED_PREFIX}-loaded"


def recently_revoked_families() -> list[str]:
    """Sessions revoked recently enough that an access token of theirs may still be alive
    (one is never older than the access-token lifetime)."""
    from app.models import RefreshTokenFamily

    since = now() - current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    return list(db.session.scalars(
        select(RefreshTokenFamily.id).where(RefreshTokenFamily.revoked_at >= since)))


def reload_revocations() -> set[str]:
    """Refill Redis's revocation marks from PostgreSQL after Redis lost them; returns the ids.

    Marks are only ever added, so a revocation made while this runs is kept either way; the
    ``loaded`` mark is written last, so a reload cut short is simply done again.
    """
    families = recently_revoked_families()
    ttl = int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds())
    with redis_client.client.pipeline(transaction=False) as pipe:
        for family_id in families:
            pipe.set(revoked_family_key(family_id), "1", ex=ttl)
        pipe.set(REVOCATIONS_LOADED_KEY, "1")
        pipe.execute()
    return set(families)


def session_revoked_in_database(family_id: str) -> bool:
    from app.models import RefreshTokenFamily

    family = db.session.get(RefreshTokenFamily, family_id)
    return family is not None and family.revoked_at is not None
