"""Container health check of a worker: ``python -m workers.health`` exits 0 when an RQ worker of
this host is registered in Redis and has sent its heartbeat recently, 1 otherwise.

RQ workers refresh their registration every few seconds; a worker that is stuck or gone lets
it lapse, which is what the orchestrator needs to see to restart it.
"""

from __future__ import annotations

import os
import socket
import sys

import redis
from rq import Worker


def local_worker_alive(connection: redis.Redis, hostname: str) -> bool:
    return any(worker.hostname == hostname for worker in Worker.all(connection=connection))


def main() -> int:
    url = os.environ.get("REDIS_URL")
    if not url:
        print("REDIS_URL is not set", file=sys.stderr)
        return 1
    try:
        alive = local_worker_alive(redis.Redis.from_url(url, socket_timeout=5), socket.gethostname())
    except redis.RedisError as exc:
        print(f"Redis unreachable: {exc}", file=sys.stderr)
        return 1
    if not alive:
        print(f"no RQ worker registered for host {socket.gethostname()}", file=sys.stderr)
    return 0 if alive else 1


if __name__ == "__main__":
    sys.exit(main())
