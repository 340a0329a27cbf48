"""JSON caching in Redis with a TTL; writers delete (or mark stale) the keys their change affects.

A cache is only a fast path: with Redis unreachable a read builds its value from PostgreSQL
(and does not store it), and a committed write whose invalidation fails is not undone or
refused; the failure is logged (the entry then ages out with its TTL).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from redis.exceptions import RedisError

from app.extensions import redis_client

log = logging.getLogger(__name__)


def _built_without_redis(read: Callable[..., Any]) -> Callable[..., Any]:
    """A cached read that, with Redis unreachable, simply builds its value."""

    @wraps(read)
    def reading(key: str, ttl_seconds: int, build: Callable[[], Any]) -> Any:
        try:
            return read(key, ttl_seconds, build)
        except RedisError as exc:
            log.warning("cache %s unreachable (%s): built from the database", key, type(exc).__name__)
            return build()

    return reading


def _logged_if_redis_fails(write: Callable[..., None]) -> Callable[..., None]:
    """An invalidation after a committed change: its failure must not turn that change into
    an error answer (a retry would repeat a write that happened)."""

    @wraps(write)
    def writing(*args: Any, **kwargs: Any) -> None:
        try:
            write(*args, **kwargs)
        except RedisError as exc:
            log.error("cache invalidation %s%r failed (%s)", write.__name__, args, type(exc).__name__)

    return writing


@_built_without_redis
def cached_json(key: str, ttl_seconds: int, build: Callable[[], Any]) -> Any:
    """Return the cached value of ``key`` or build, store and return it."""
    raw = redis_client.client.get(key)
    if raw is not None:
        return json.loads(raw)
    value = build()
    redis_client.client.set(key, json.dumps(value, default=str), ex=ttl_seconds)
    return value


@_logged_if_redis_fails
def invalidate(*keys: str) -> None:
    if keys:
        redis_client.client.delete(*keys)


@_logged_if_redis_fails
def invalidate_pattern(pattern: str) -> None:
    """Delete every key matching ``pattern`` (SCAN, never KEYS, so Redis is not blocked)."""
    batch = []
    for key in redis_client.client.scan_iter(match=pattern, count=500):
        batch.append(key)
        if len(batch) >= 500:
            redis_client.client.delete(*batch)
            batch.clear()
    if batch:
        redis_client.client.delete(*batch)


# Left in place of a value by mark_stale(): a build that began before the write sees the key
# change under it and does not store what it read.
_STALE_PREFIX = "~stale:"
_SET_IF_UNCHANGED = """
if (redis.call('GET', KEYS[1]) or '') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
return 0
"""


@_built_without_redis
def consistent_cached_json(key: str, ttl_seconds: int, build: Callable[[], Any]) -> Any:
    """Like :func:`cached_json`, but never stores data older than the last :func:`mark_stale`.

    With plain delete-on-write, a reader that loaded the row just before a writer committed
    can store the old value after the writer's delete, and it stays for the whole TTL. Here
    the value is stored only if the key still holds what the reader saw before building
    (compare-and-set on that one key, so it also works on Redis Cluster).
    """
    client = redis_client.client
    raw = client.get(key)
    if raw is not None and not raw.startswith(_STALE_PREFIX):
        return json.loads(raw)
    value = build()
    client.register_script(_SET_IF_UNCHANGED)(
        keys=[key], args=[raw or "", json.dumps(value, default=str), ttl_seconds]
    )
    return value


@_logged_if_redis_fails
def mark_stale(*keys: str, ttl_seconds: int = 3600) -> None:
    """Invalidate keys read through :func:`consistent_cached_json` (call after the commit)."""
    pipe = redis_client.client.pipeline(transaction=False)
    for key in keys:
        pipe.set(key, f"{_STALE_PREFIX}{uuid.uuid4().hex}", ex=ttl_seconds)
    pipe.execute()


@_logged_if_redis_fails
def mark_stale_pattern(pattern: str) -> None:
    """:func:`mark_stale` every key matching ``pattern`` (SCAN, never KEYS)."""
    batch: list[str] = []
    for key in redis_client.client.scan_iter(match=pattern, count=500):
        batch.append(key)
        if len(batch) >= 500:
            mark_stale(*batch)
            batch.clear()
    if batch:
        mark_stale(*batch)
