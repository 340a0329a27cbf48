"""Who the caller of a valid token is: whether the token was revoked, and its principal.

The principal (role, cinemas, active flag) is cached in Redis under ``user:{id}:session`` so
an authenticated request costs no database query; every change to a user clears it. With a
real Redis, each worker also keeps revocations and principals in a near cache that Redis keeps
coherent (``app.common.near_cache``), so most authenticated requests cost no Redis round trip
either. ``app.common.access`` checks the token and decides what the principal may do.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import asdict, dataclass, field

from flask import Flask, current_app
from redis.exceptions import RedisError

from app.common.near_cache import NearCache
from app.common.revocations import (
    REVOCATIONS_LOADED_KEY,
    REVOKED_PREFIX,
    SESSION_PREFIX,
    reload_revocations,
    revoked_family_key,
    revoked_token_key,
    session_key,
    session_revoked_in_database,
)
from app.extensions import db, redis_client


@dataclass(frozen=True)
class Principal:
    id: int
    role: str
    email: str
    is_active: bool
    cinema_ids: list[int] = field(default_factory=list)
    sessions_valid_after: float | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"



def _principal_from_postgresql(user_id: int) -> Principal | None:
    from app.models import User

    user = db.session.get(User, user_id)
    if user is None:
        return None
    valid_after = user.sessions_valid_after.timestamp() if user.sessions_valid_after else None
    principal = Principal(
        id=user.id, role=user.role, email=user.email, is_active=user.is_active,
        cinema_ids=user.cinema_ids, sessions_valid_after=valid_after,
    )
    ttl = int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds())
    with suppress(RedisError):  # Redis down: answer from PostgreSQL without caching
        redis_client.client.set(session_key(user_id), json.dumps(asdict(principal)), ex=ttl)
    return principal


def revocation_and_principal(claims: dict) -> tuple[bool, Principal | None]:
    """Whether the token was revoked, and its principal.

    Every authenticated request asks both questions. The answers come from the worker's
    near cache of these keys (``app.common.near_cache``, kept coherent by Redis) or else from
    Redis in one round trip; only a principal missing from Redis costs a database query.
    Redis is only the fast path: revocations are durable in PostgreSQL (a revoked session's
    ``refresh_token_families.revoked_at``), so with Redis down they are read from there, and a
    Redis that lost its data (restarted empty, flushed) is refilled from there first.
    """
    user_id = int(claims["sub"])
    keys = [REVOCATIONS_LOADED_KEY, revoked_token_key(claims["jti"]), session_key(user_id)]
    if claims.get("fam"):
        keys.append(revoked_family_key(claims["fam"]))
    cache = current_app.extensions.get("auth_near_cache")
    try:
        values = cache.read_through(keys, _read_keys) if cache is not None else _read_keys(keys)
        loaded, revoked_token, cached, *revoked_family = values
        if loaded is None:
            revoked_family = [claims.get("fam") in reload_revocations()]
    except RedisError:
        return _revocation_and_principal_from_postgresql(claims)
    if revoked_token or any(revoked_family):
        return True, None
    return False, Principal(**json.loads(cached)) if cached else _principal_from_postgresql(user_id)


def _read_keys(keys: list[str]) -> list[str | None]:
    pipe = redis_client.client.pipeline(transaction=False)
    for key in keys:
        pipe.get(key)
    return pipe.execute()


def _revocation_and_principal_from_postgresql(claims: dict) -> tuple[bool, Principal | None]:
    """The same answers with Redis unreachable: the session's revocation and the user, from
    PostgreSQL (two primary-key reads)."""
    if claims.get("fam") and session_revoked_in_database(claims["fam"]):
        return True, None
    return False, _principal_from_postgresql(int(claims["sub"]))


def init_auth_near_cache(app: Flask) -> None:
    """Give the app its near cache of revocations and principals (real Redis only: fakeredis
    cannot announce changes, and the embedded default is one process anyway)."""
    if app.config.get("REDIS_URL") and app.config["AUTH_NEAR_CACHE"]:
        app.extensions["auth_near_cache"] = NearCache(
            app.config["REDIS_URL"], (REVOKED_PREFIX, SESSION_PREFIX))
