"""JSON caching in Redis with a TTL; writers delete the keys their change affects."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from app.extensions import redis_client


def cached_json(key: str, ttl_seconds: int, build: Callable[[], Any]) -> Any:
    """Return the cached value of ``key`` or build, store and return it."""
    raw = redis_client.client.get(key)
    if raw is not None:
        return json.loads(raw)
    value = build()
    redis_client.client.set(key, json.dumps(value, default=str), ex=ttl_seconds)
    return value


def invalidate(*keys: str) -> None:
    if keys:
        redis_client.client.delete(*keys)


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
