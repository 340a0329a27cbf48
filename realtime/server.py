"""The WebSocket server: sockets grouped by showtime, fed by one Redis pattern subscription.

A socket only listens: the messages carry a showtime id and its seat-map generation, nothing
private, so a socket needs no login (the map itself is public at ``/api/showtimes/<id>/seats``).
Frames go uncompressed: a message is some 40 bytes, and per-socket deflate contexts cost the
service 40 % of its CPU and every page its inflating for nothing. A slow socket never holds up
the others: ``broadcast`` writes without waiting and skips a socket whose buffer is full (that
page misses one nudge and catches up on the next, or on its polling fallback).

One client may hold ``max_per_client`` sockets at most (a page holds one; a tab per showtime a
few): more are closed with 1008 at once, so one machine cannot pin the service's memory and
file descriptors. The client is the peer, or behind ``trusted_proxy_hops`` proxies (nginx in
docker-compose.yml) the address they put in X-Forwarded-For, as the API counts its rate limits.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import Counter, defaultdict
from http import HTTPStatus

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.frames import CloseCode
from websockets.http11 import Request, Response

CHANNEL_PATTERN = "seatmap:*"
_PATH = re.compile(r"^/ws/seatmaps/(\d{1,11})$")
HEALTH_PATH = "/ws/healthz"
# After losing Redis, wait this long before subscribing again (pages poll meanwhile, as their
# sockets stay open but quiet; once subscribed again every page is told to refetch).
RESUBSCRIBE_SECONDS = 1.0
# At most one push per showtime per window: the first change goes out at once, later ones in
# the window are folded into one push at its end carrying the newest generation. A page
# refetches on a push, so a burst of holds costs each page one refetch, not one per hold.
# Half a second keeps every change on the pages within a second, and under a steady stream of
# holds halves the frames (and refetches) of 0.25 s: with 500 pages open, the API's p99 moved
# by -12 to +16 % at 0.25 s and by -8 to +5 % at 0.5 s (tests/e2e/test_live_seat_maps.py).
PUSH_WINDOW_SECONDS = 0.5
MAX_SOCKETS_PER_CLIENT = 32

_REDIS_GONE = (RedisConnectionError, RedisTimeoutError, OSError)

log = logging.getLogger("realtime")


class SeatMapHub:
    """The open sockets of each showtime, and the relay from Redis to them."""

    def __init__(self, redis: Redis, *, max_per_client: int = MAX_SOCKETS_PER_CLIENT,
                 trusted_proxy_hops: int = 0) -> None:
        self.redis = redis
        self.sockets: defaultdict[int, set[ServerConnection]] = defaultdict(set)
        self.max_per_client = max_per_client
        self.trusted_proxy_hops = trusted_proxy_hops
        self.per_client: Counter[str] = Counter()
        self.subscribed = asyncio.Event()
        self._quiet: set[int] = set()  # showtimes pushed to within the current window
        self._pending: dict[int, str] = {}  # the newest message held back, per showtime

    def check_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """Answer the health check, refuse paths that name no showtime; None lets the
        WebSocket handshake go on."""
        path = request.path.split("?", 1)[0]
        if path == HEALTH_PATH:
            status = HTTPStatus.OK if self.subscribed.is_set() else HTTPStatus.SERVICE_UNAVAILABLE
            return connection.respond(status, f"{status.phrase}\n")
        if not _PATH.match(path):
            return connection.respond(HTTPStatus.NOT_FOUND, "Not Found\n")
        return None

    def client_of(self, connection: ServerConnection) -> str:
        """Who opened the socket: the address ``trusted_proxy_hops`` proxies from the end of
        X-Forwarded-For, or the peer's when none is trusted (a header anyone may forge)."""
        if self.trusted_proxy_hops:
            forwarded = [part.strip() for part in
                         connection.request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
            if len(forwarded) >= self.trusted_proxy_hops:
                return forwarded[-self.trusted_proxy_hops]
        peer = connection.remote_address
        return str(peer[0]) if peer else "unknown"

    async def handle(self, connection: ServerConnection) -> None:
        """Keep the socket in its showtime's group until it closes; what it sends is ignored."""
        client = self.client_of(connection)
        if self.per_client[client] >= self.max_per_client:
            await connection.close(CloseCode.POLICY_VIOLATION, "too many open seat maps from one client")
            return
        self.per_client[client] += 1
        match = _PATH.match(connection.request.path.split("?", 1)[0])
        showtime_id = int(match.group(1))
        group = self.sockets[showtime_id]
        group.add(connection)
        try:
            async for _ in connection:
                pass
        finally:
            group.discard(connection)
            if not group:
                self.sockets.pop(showtime_id, None)
            self.per_client[client] -= 1
            if not self.per_client[client]:
                del self.per_client[client]

    def relay(self, channel: str, data: str) -> None:
        showtime = channel.rpartition(":")[2]
        if not showtime.isdigit() or int(showtime) not in self.sockets:
            return
        if int(showtime) in self._quiet:
            self._pending[int(showtime)] = data
        else:
            self._push(int(showtime), data)

    def _push(self, showtime_id: int, data: str) -> None:
        broadcast(self.sockets.get(showtime_id, ()), data)
        self._quiet.add(showtime_id)
        asyncio.get_running_loop().call_later(PUSH_WINDOW_SECONDS, self._window_ends, showtime_id)

    def _window_ends(self, showtime_id: int) -> None:
        self._quiet.discard(showtime_id)
        data = self._pending.pop(showtime_id, None)
        if data is not None:
            self._push(showtime_id, data)

    def nudge_everyone(self) -> None:
        """Tell every page to refetch: changes published while we were not subscribed are lost."""
        for showtime_id, group in self.sockets.items():
            broadcast(group, json.dumps({"showtime_id": showtime_id, "generation": None}))

    async def listen(self) -> None:
        """Relay every ``seatmap:*`` message, subscribing again whenever Redis goes away."""
        first = True
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.psubscribe(CHANNEL_PATTERN)
                    self.subscribed.set()
                    if not first:
                        self.nudge_everyone()
                    first = False
                    async for message in pubsub.listen():
                        if message["type"] == "pmessage":
                            self.relay(message["channel"], message["data"])
            except _REDIS_GONE as error:
                self.subscribed.clear()
                log.warning("Redis subscription lost (%s); subscribing again", error)
                await asyncio.sleep(RESUBSCRIBE_SECONDS)


async def start(redis_url: str, host: str, port: int, *, max_per_client: int = MAX_SOCKETS_PER_CLIENT,
                trusted_proxy_hops: int = 0) -> tuple[Server, asyncio.Task]:
    """Start serving on ``host``:``port`` (0 picks a free port) and relaying from ``redis_url``."""
    hub = SeatMapHub(Redis.from_url(redis_url, decode_responses=True), max_per_client=max_per_client,
                     trusted_proxy_hops=trusted_proxy_hops)
    relay = asyncio.create_task(hub.listen())
    server = await serve(hub.handle, host, port, process_request=hub.check_request,
                         ping_interval=20, ping_timeout=20, max_size=1024, compression=None)
    return server, relay
