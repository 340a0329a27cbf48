"""The near cache serves what Redis last said, and forgets a key the moment Redis changes it."""

from __future__ import annotations

import os
import time

import pytest
import redis

from app import create_app
from app.common import near_cache
from app.common.near_cache import CLIENT_NAME, NearCache
from tests.conftest import TEST_REDIS_URL, settings_for_tests
from tests.factories import PASSWORD

PREFIX = "nc-test:"


@pytest.fixture
def server():
    client = redis.Redis.from_url(TEST_REDIS_URL, decode_responses=True)
    yield client
    for key in client.scan_iter(f"{PREFIX}*"):
        client.delete(key)


class CountingLoader:
    """Reads keys from Redis and counts how often it was asked."""

    def __init__(self, server: redis.Redis) -> None:
        self.server = server
        self.calls = 0

    def __call__(self, keys: list[str]) -> list:
        self.calls += 1
        return self.server.mget(keys)


def test_values_are_kept_until_redis_announces_a_change(server):
    cache = NearCache(TEST_REDIS_URL, (PREFIX,))
    load = CountingLoader(server)
    keys = [f"{PREFIX}a", f"{PREFIX}b"]
    server.set(keys[0], "one")
    assert cache.read_through(keys, load) == ["one", None]
    assert cache.read_through(keys, load) == ["one", None]
    assert load.calls == 1  # the second answer came from memory, the missing key included

    server.set(keys[1], "two")  # another process changes one of them
    assert cache.read_through(keys, load) == ["one", "two"]
    assert load.calls == 2
    server.delete(keys[0])
    assert cache.read_through(keys, load) == [None, "two"]


def test_a_value_changed_while_it_was_read_is_not_kept(server):
    cache = NearCache(TEST_REDIS_URL, (PREFIX,))
    key = f"{PREFIX}racy"
    server.set(key, "old")

    def read_then_someone_writes(keys: list[str]) -> list:
        values = server.mget(keys)
        server.set(key, "new")  # lands after the read, before the value is kept
        time.sleep(0.01)
        return values

    assert cache.read_through([key], read_then_someone_writes) == ["old"]
    load = CountingLoader(server)
    assert cache.read_through([key], load) == ["new"]
    assert load.calls == 1


def test_a_flush_forgets_everything(server):
    cache = NearCache(TEST_REDIS_URL, (PREFIX,))
    load = CountingLoader(server)
    server.set(f"{PREFIX}x", "1")
    cache.read_through([f"{PREFIX}x"], load)
    server.flushdb()
    assert cache.read_through([f"{PREFIX}x"], load) == [None]
    assert load.calls == 2


def test_a_failed_read_is_not_remembered(server):
    cache = NearCache(TEST_REDIS_URL, (PREFIX,))

    def broken(keys: list[str]) -> list:
        raise redis.ConnectionError("Redis went away")

    with pytest.raises(redis.ConnectionError):
        cache.read_through([f"{PREFIX}k"], broken)
    load = CountingLoader(server)
    assert cache.read_through([f"{PREFIX}k"], load) == [None]
    assert load.calls == 1


def test_entries_expire_after_max_age(server):
    cache = NearCache(TEST_REDIS_URL, (PREFIX,), max_age=0.05)
    load = CountingLoader(server)
    cache.read_through([f"{PREFIX}k"], load)
    time.sleep(0.06)
    cache.read_through([f"{PREFIX}k"], load)
    assert load.calls == 2


def primed(server: redis.Redis) -> tuple[NearCache, CountingLoader, str]:
    """A cache that has read ``key`` (value "before") once, and the loader it read it with."""
    cache = NearCache(TEST_REDIS_URL, (PREFIX,))
    load = CountingLoader(server)
    key = f"{PREFIX}k"
    server.set(key, "before")
    assert cache.read_through([key], load) == ["before"]
    return cache, load, key


def test_when_the_tracking_connection_dies_nothing_stale_is_served(server, monkeypatch):
    monkeypatch.setattr(near_cache, "RECONNECT_PAUSE_SECONDS", 0.0)
    cache, load, key = primed(server)

    killed = server.client_kill_filter(_type="pubsub", skipme=True)
    assert killed >= 1
    server.set(key, "after")  # announced to nobody: the connection is gone
    assert cache.read_through([key], load) == ["after"]
    assert cache.tracking  # back on its own
    assert cache.read_through([key], load) == ["after"]
    server.set(key, "later")
    assert cache.read_through([key], load) == ["later"]


def test_a_tracking_connection_is_named_and_subscribed(server):
    cache = NearCache(TEST_REDIS_URL, (PREFIX,))
    assert cache.tracking
    names = [c["name"] for c in server.client_list(_type="pubsub")]
    assert CLIENT_NAME in names


def test_keys_outside_the_tracked_prefixes_or_named_twice_are_refused():
    cache = NearCache(TEST_REDIS_URL, (PREFIX,))
    with pytest.raises(ValueError, match="outside the tracked prefixes"):
        cache.read_through(["elsewhere:1"], lambda keys: [None])
    with pytest.raises(ValueError, match="twice"):
        cache.read_through([f"{PREFIX}a", f"{PREFIX}a"], lambda keys: [None, None])


def test_a_quiet_connection_is_asked_for_a_pong_before_it_is_trusted_again(server, monkeypatch):
    monkeypatch.setattr(near_cache, "LIVENESS_SECONDS", 0.05)
    cache = NearCache(TEST_REDIS_URL, (PREFIX,))
    load = CountingLoader(server)
    key = f"{PREFIX}k"
    cache.read_through([key], load)
    time.sleep(0.06)  # nothing heard since
    cache.read_through([key], load)  # not trusted: read from Redis, and a PING goes out
    assert load.calls == 2
    time.sleep(0.01)  # the pong arrives
    cache.read_through([key], load)
    assert load.calls == 2  # trusted again, with what it knew


def test_a_connection_that_went_silent_is_not_trusted(server, monkeypatch):
    """A link that died without the socket noticing: nothing arrives, not even a pong."""
    monkeypatch.setattr(near_cache, "LIVENESS_SECONDS", 0.05)
    cache, load, key = primed(server)
    deaf = cache._connection  # the test's stand-in for a dead network path
    monkeypatch.setattr(deaf, "can_read", lambda *args, **kwargs: False)
    monkeypatch.setattr(deaf, "send_command", lambda *args, **kwargs: None)
    server.set(key, "after")  # its announcement is never read
    time.sleep(0.06)
    assert cache.read_through([key], load) == ["after"]  # quiet too long: Redis is asked
    time.sleep(0.06)
    assert cache.read_through([key], load) == ["after"]  # still no pong: connection dropped
    assert cache._connection is not deaf


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_logout_or_a_disabled_account_is_refused_at_once_by_every_worker(app, client, factory):
    """Two apps stand for two Gunicorn workers: one learns of the other's changes at once."""
    other_worker = create_app(settings_for_tests())
    assert other_worker.extensions["auth_near_cache"].tracking
    user = factory.user()
    admin = factory.user("admin")
    login = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    token = login.json["access_token"]
    with other_worker.test_client() as elsewhere:
        assert elsewhere.get("/api/auth/me", headers=bearer(token)).status_code == 200
        assert elsewhere.get("/api/auth/me", headers=bearer(token)).status_code == 200  # now from memory

        assert client.post("/api/auth/logout", headers=bearer(token)).status_code == 204
        refused = elsewhere.get("/api/auth/me", headers=bearer(token))
        assert refused.status_code == 401 and refused.json["reason"] == "token_revoked"

        second = factory.token(user)
        assert elsewhere.get("/api/auth/me", headers=bearer(second)).status_code == 200
        disabled = client.patch(f"/api/users/{user.id}", headers=factory.headers(admin),
                                json={"is_active": False})
        assert disabled.status_code == 200
        refused = elsewhere.get("/api/auth/me", headers=bearer(second))
        assert refused.status_code == 401


def test_without_tracking_every_read_goes_to_redis(server, caplog):
    cache = NearCache("redis://127.0.0.1:1/0", (PREFIX,))  # nothing listens there
    load = CountingLoader(server)
    assert cache.read_through([f"{PREFIX}k"], load) == [None]
    assert cache.read_through([f"{PREFIX}k"], load) == [None]
    assert load.calls == 2 and not cache.tracking
    assert sum("near cache off" in record.getMessage() for record in caplog.records) == 1  # said once


def test_a_pong_read_late_proves_the_link_only_as_of_its_ping(server, monkeypatch):
    """A worker idle while its pong waited in the socket must not take that pong as fresh."""
    monkeypatch.setattr(near_cache, "LIVENESS_SECONDS", 0.05)
    cache, load, key = primed(server)
    time.sleep(0.06)
    cache.read_through([key], load)  # sends a PING
    time.sleep(0.1)  # the pong arrives and waits, unread, while the worker is idle
    monkeypatch.setattr(cache._connection, "send_command", lambda *args, **kwargs: None)  # link gone
    calls = load.calls
    cache.read_through([key], load)
    assert load.calls == calls + 1  # the old pong does not vouch for now: Redis is asked


def test_a_forked_child_starts_without_its_parents_connection(server):
    cache, load, key = primed(server)
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, reported through its exit code
        fresh = CountingLoader(redis.Redis.from_url(TEST_REDIS_URL, decode_responses=True))
        ok = cache._connection is None and cache.read_through([key], fresh) == ["before"]
        os._exit(0 if ok and fresh.calls == 1 else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.read_through([key], load) == ["before"] and load.calls == 1  # the parent's is intact


def test_redis_py_s_own_client_side_caching_would_trust_a_silent_link(server, monkeypatch):
    """Why app/common/near_cache.py is not redis-py's ``cache_config``: with the same stand-in
    for a dead network path as above, redis-py keeps serving what it cached, without limit.
    Should a redis-py release start doubting a quiet link, this fails: switch to it then."""
    from redis.cache import CacheConfig
    from redis.connection import CacheProxyConnection, Connection

    # The tests' Redis may be older than the 7.4 redis-py insists on; tracking itself is 6.0.
    monkeypatch.setattr(CacheProxyConnection, "MIN_ALLOWED_VERSION", "6.0.0")
    key = f"{PREFIX}csc"
    server.set(key, "before")
    cached = redis.Redis.from_url(TEST_REDIS_URL, protocol=3, decode_responses=True,
                                  cache_config=CacheConfig())
    assert cached.get(key) == "before"
    monkeypatch.setattr(Connection, "can_read", lambda *args, **kwargs: False)  # nothing arrives
    server.set(key, "after")  # a logout, say: its announcement is never read
    time.sleep(near_cache.LIVENESS_SECONDS + 0.5)
    assert cached.get(key) == "before"  # stale, past the hand-written cache's limit
    cached.close()
