"""A per-process copy of a few Redis keys that Redis itself keeps coherent.

Every authenticated request asks Redis whether its token was revoked and who its user is:
a round trip that costs a cheap request more CPU than everything else it does (two context
switches plus the client library). Those answers change a few times a day per user, so each
worker keeps them, using Redis's client-side caching protocol ("tracking") in broadcasting
mode: one connection per worker asks Redis to announce every change to keys under some
prefixes, and subscribes to the announcements.

Why a request does not see a stale value: Redis sends a change's announcement in the same
turn of its event loop as its answer to the change, and every lookup here first reads the
announcements already delivered (a non-blocking poll of a local socket, no round trip). So a
logout, a revocation or a role change that finished before a request began has reached the
worker by the time that request is read, whichever worker serves it.

- A value read from Redis is kept only if no announcement for its key was processed while it
  was being read (a ticket per key, which an announcement cancels).
- The cache is trusted only while the tracking connection answered a PING sent within the
  last ``LIVENESS_SECONDS``: past that, a lookup sends a new PING and reads Redis itself until
  the pong arrives (Redis answers in order, so the pong also means every announcement made
  before the PING has been read). No pong in time, or any socket error: the connection is
  dropped, everything is forgotten, and a new one is tried at most once a second. So even a
  connection that dies without the socket noticing cannot keep a stale value in use.
- An entry is also dropped after ``max_age`` seconds.

Why not redis-py's own client-side caching (``Redis(protocol=3, cache_config=CacheConfig())``,
redis-py 8.1 here): it keeps coherence while its connections work (it even drains the
connection that cached a key before serving it), but not the two guarantees the tests pin
(tests/integration/test_near_cache.py: a logout or a disabled account refused at once by
every worker, a dead tracking link never trusted):

- It never doubts a quiet link. Its cache entries have no age limit (``CacheConfig`` has a
  size and an eviction policy, no TTL) and nothing pings the tracking connection, so a link
  that dies without the socket noticing (a partition, a paused Redis, a NAT that forgot the
  flow) serves what it cached until the process restarts. Measured through a TCP proxy that
  stops forwarding: a key changed in Redis was still read as its old value 3 s and 13 s later;
  ``test_redis_py_s_own_client_side_caching_would_trust_a_silent_link`` pins it, and fails
  the day redis-py starts doubting such a link. Here the same link is distrusted within
  ``LIVENESS_SECONDS`` and every entry within ``max_age``: a revocation is never missed
  for longer.
- It refuses servers older than 7.4 (``CacheProxyConnection.MIN_ALLOWED_VERSION``: "client-side
  caching is supported by Redis 7.4 or later"), though tracking exists since 6.0; the tests'
  and developers' Redis (7.0 from the distribution) would run without it, i.e. untested.
- It needs RESP3 on the client that caches and caches every allowed read made through it:
  the auth lookups would need a client of their own (another pool per worker) beside the
  app's RESP2 one, so it would not even save the tracking connection this module opens.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import redis
from redis.exceptions import RedisError

log = logging.getLogger("cinemaos.near_cache")

INVALIDATION_CHANNEL = "__redis__:invalidate"
CLIENT_NAME = "near-cache"  # how the tracking connections show in CLIENT LIST
RECONNECT_PAUSE_SECONDS = 1.0
LIVENESS_SECONDS = 2.0


class NearCache:
    def __init__(self, url: str, prefixes: tuple[str, ...], *, max_entries: int = 8192,
                 max_age: float = 15.0) -> None:
        self._url = url
        self._prefixes = prefixes
        self._max_entries = max_entries
        self._max_age = max_age
        self._lock = threading.Lock()  # guards everything below
        self._connecting = threading.Lock()  # one thread at a time opens a connection
        self._values: OrderedDict[str, tuple[Any, float]] = OrderedDict()
        self._tickets: dict[str, object] = {}
        self._connection: redis.Connection | None = None
        self._alive_at = 0.0  # when the link was last known to work (a PING later answered)
        self._pinged_at: float | None = None
        self._retry_at = 0.0
        self._failing = False
        os.register_at_fork(after_in_child=_call_if_alive(weakref.ref(self), "_after_fork_in_child"))

    def read_through(self, keys: list[str], load: Callable[[list[str]], list[Any]]) -> list[Any]:
        """The values of ``keys``: from this process when all are known, else ``load(keys)``.

        ``load`` reads them from Redis (one value per key, in order); what it returns is kept
        for the next requests unless a key changed meanwhile.
        """
        self._refuse_bad_keys(keys)
        self._connect_if_needed()
        with self._lock:
            if not self._catch_up():
                tickets = None
            else:
                known = self._known(keys)
                if known is not None:
                    return known
                tickets = {key: object() for key in keys}
                self._tickets.update(tickets)
        if tickets is None:
            return load(keys)
        values = None
        try:
            values = load(keys)
            return values
        finally:
            self._settle(keys, tickets, values)

    @property
    def tracking(self) -> bool:
        """Whether a tracking connection is open and has been heard from lately (for tests)."""
        self._connect_if_needed()
        with self._lock:
            return self._catch_up()

    def _known(self, keys: list[str]) -> list[Any] | None:
        expired_before = time.monotonic() - self._max_age
        found = []
        for key in keys:
            entry = self._values.get(key)
            if entry is None or entry[1] < expired_before:
                return None
            found.append(entry[0])
        for key in keys:
            self._values.move_to_end(key)
        return found

    def _settle(self, keys: list[str], tickets: dict[str, object], values: list[Any] | None) -> None:
        """Keep what was loaded for keys whose ticket survived; give the tickets back."""
        stored_at = time.monotonic()
        with self._lock:
            for index, key in enumerate(keys):
                if self._tickets.get(key) is not tickets[key]:
                    continue  # announced meanwhile (or a newer read holds it): not kept
                del self._tickets[key]
                if values is not None:
                    self._values[key] = (values[index], stored_at)
                    self._values.move_to_end(key)
            while len(self._values) > self._max_entries:
                self._values.popitem(last=False)

    def _catch_up(self) -> bool:
        """Apply every announcement delivered so far; True when the cache may be trusted now."""
        if self._connection is None:
            return False
        try:
            while self._connection.can_read():
                self._apply(self._connection.read_response())
            return self._alive()
        except (RedisError, OSError):
            self._forget_connection()
            return False

    def _alive(self) -> bool:
        """Proven alive lately; else ask (PING) and distrust the cache until the pong is read.

        Only a pong proves the link, and it proves it as of when its PING was sent: a message
        read now may have sat in the socket since before the link died.
        """
        moment = time.monotonic()
        if moment - self._alive_at <= LIVENESS_SECONDS:
            return True
        if self._pinged_at is None:
            self._connection.send_command("PING")
            self._pinged_at = moment
        elif moment - self._pinged_at > LIVENESS_SECONDS:
            self._forget_connection()  # asked and never answered: the connection is dead
        return False

    def _apply(self, message: list) -> None:
        kind = message[0]
        if kind == "pong":
            if self._pinged_at is not None:
                self._alive_at, self._pinged_at = self._pinged_at, None
            return
        if kind != "message" or message[1] != INVALIDATION_CHANNEL:
            return
        keys = message[2]
        if keys is None:  # FLUSHDB, FLUSHALL, or Redis dropped the tracking table
            self._forget_values()
            return
        for key in keys:
            self._values.pop(key, None)
            self._tickets.pop(key, None)

    def _connect_if_needed(self) -> None:
        """Open the tracking connection when there is none, outside the lock: lookups carry on
        (reading Redis) while one thread waits on the network."""
        if self._connection is not None or time.monotonic() < self._retry_at:
            return
        if not self._connecting.acquire(blocking=False):
            return
        try:
            if self._connection is not None:  # another thread got there first
                return
            opened_at = time.monotonic()
            connection = self._open()
            if connection is not None:
                with self._lock:
                    # Nothing known before this moment can be trusted: changes were not announced.
                    self._forget_values()
                    self._connection, self._alive_at, self._pinged_at = connection, opened_at, None
        finally:
            self._connecting.release()

    def _after_fork_in_child(self) -> None:
        """A forked child owns neither its parent's socket nor what was learnt through it, and
        a lock held by another of the parent's threads would never be released here."""
        self._lock, self._connecting = threading.Lock(), threading.Lock()
        self._connection = None
        self._forget_values()

    def _open(self) -> redis.Connection | None:
        connection = redis.ConnectionPool.from_url(
            self._url, protocol=2, decode_responses=True, socket_timeout=0.5, socket_connect_timeout=2,
            client_name=CLIENT_NAME,
        ).make_connection()
        try:
            connection.connect()
            # Announcements go to this same connection, which then subscribes to them (RESP2).
            connection.send_command("CLIENT", "ID")
            client_id = connection.read_response()
            prefixes = [part for prefix in self._prefixes for part in ("PREFIX", prefix)]
            connection.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST", *prefixes)
            connection.read_response()
            connection.send_command("SUBSCRIBE", INVALIDATION_CHANNEL)
            connection.read_response()
        except (RedisError, OSError) as exc:
            connection.disconnect()
            self._retry_at = time.monotonic() + RECONNECT_PAUSE_SECONDS
            if not self._failing:  # once per outage, not once a second
                log.warning("near cache off, reading from Redis: cannot track changes (%s)", exc)
            self._failing = True
            return None
        self._failing = False
        return connection

    def _forget_connection(self) -> None:
        self._retry_at = time.monotonic() + RECONNECT_PAUSE_SECONDS  # before the connection goes
        connection, self._connection = self._connection, None
        self._forget_values()
        connection.disconnect()

    def _forget_values(self) -> None:
        """Drop everything known and every read in flight (under the lock, or in a fresh child)."""
        self._values.clear()
        self._tickets.clear()

    def _refuse_bad_keys(self, keys: list[str]) -> None:
        untracked = [key for key in keys if not key.startswith(self._prefixes)]
        if untracked:
            raise ValueError(f"Keys {untracked} are outside the tracked prefixes {self._prefixes}")
        if len(set(keys)) != len(keys):
            raise ValueError(f"Keys {keys} name a key twice")


def _call_if_alive(instance: weakref.ref, method: str) -> Callable[[], None]:
    """A fork hook that does not keep its cache alive (apps come and go in tests)."""

    def hook() -> None:
        target = instance()
        if target is not None:
            getattr(target, method)()

    return hook
