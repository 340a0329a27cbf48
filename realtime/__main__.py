"""``python -m realtime`` (``make realtime``): serve live seat maps until stopped.

Settings from the environment: REDIS_URL (required: the API's Redis; the embedded default's
in-process Redis cannot be shared, and its pages poll instead), REALTIME_HOST, REALTIME_PORT,
REALTIME_MAX_SOCKETS_PER_CLIENT, and TRUSTED_PROXY_HOPS (as the API's: proxies in front whose
X-Forwarded-For names the client).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from realtime.server import MAX_SOCKETS_PER_CLIENT, start


async def _main(redis_url: str, host: str, port: int, **limits: int) -> None:
    server, relay = await start(redis_url, host, port, **limits)
    stop = asyncio.get_running_loop().create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set_result, None)
    logging.getLogger("realtime").info("Live seat maps on ws://%s:%s/ws/seatmaps/<id>", host, port)
    await asyncio.wait([stop, relay], return_when=asyncio.FIRST_COMPLETED)
    server.close()
    await server.wait_closed()
    if relay.done():
        relay.result()  # raises whatever stopped the relay
    relay.cancel()


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("websockets").setLevel(logging.WARNING)  # one line per socket otherwise
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        sys.exit("REDIS_URL is not set: live seat maps need the API's Redis (pages poll without it)")
    asyncio.run(_main(
        redis_url, os.environ.get("REALTIME_HOST", "127.0.0.1"), int(os.environ.get("REALTIME_PORT", "8001")),
        max_per_client=int(os.environ.get("REALTIME_MAX_SOCKETS_PER_CLIENT", MAX_SOCKETS_PER_CLIENT)),
        trusted_proxy_hops=int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))))


if __name__ == "__main__":
    main()
