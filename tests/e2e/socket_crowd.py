"""A crowd of open seat-map pages, in a process of its own (``python -m tests.e2e.socket_crowd``).

Opens ``count`` WebSockets to ``url``, prints ``open <count>`` once all are open, then reads
every message (as a page would, before refetching) until stdin closes, and prints
``messages <total>``. A process of its own, so its sockets cost the test's HTTP client no GIL
time: only the realtime service and the API's machine feel them.
"""

from __future__ import annotations

import asyncio
import sys

from websockets.asyncio.client import connect


async def _crowd(url: str, count: int) -> None:
    received = 0

    async def page(connection) -> None:
        nonlocal received
        async for _ in connection:
            received += 1

    connections = [await connect(url, open_timeout=30) for _ in range(count)]
    readers = [asyncio.create_task(page(c)) for c in connections]
    print(f"open {count}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for connection in connections:
        await connection.close()
    await asyncio.gather(*readers, return_exceptions=True)
    print(f"messages {received}", flush=True)


if __name__ == "__main__":
    asyncio.run(_crowd(sys.argv[1], int(sys.argv[2])))
