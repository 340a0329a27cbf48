"""Start a worker: ``python -m workers [queue ...] [--burst]`` (``make worker``).

With no queue named it serves all three, highest priority first. When Redis goes away RQ's
worker gives up ("unhandled exception, quitting"); this one waits for Redis to answer again
and starts a fresh worker (with a fresh scheduler), so a Redis restart never needs a person.
Only a stop request (SIGTERM, SIGINT) or ``--burst`` ends it.
"""

from __future__ import annotations

import argparse
import logging
import time
from contextlib import suppress

import redis

from app import create_app
from workers.queues import QUEUE_NAMES
from workers.worker import AppWorker

log = logging.getLogger("cinemaos.worker")
RECONNECT_PAUSE_SECONDS = (0.5, 1, 2, 5)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="CinemaOS RQ worker")
    # Not ``choices=``: Python 3.11's argparse checks a ``nargs="*"`` default list against the
    # choices as one value and refuses the empty command line ("invalid choice").
    parser.add_argument("queues", nargs="*", metavar="queue",
                        help=f"queues to serve, in priority order (default: {' '.join(QUEUE_NAMES)})")
    parser.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    parser.add_argument("--no-scheduler", action="store_true",
                        help="do not run delayed (enqueue_in/enqueue_at) jobs in this worker")
    args = parser.parse_args(argv)
    unknown = [name for name in args.queues if name not in QUEUE_NAMES]
    if unknown:
        parser.error(f"unknown queue {', '.join(unknown)}; choose from {', '.join(QUEUE_NAMES)}")
    args.queues = args.queues or list(QUEUE_NAMES)
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    app = create_app()
    if not app.config["REDIS_URL"]:
        raise SystemExit("REDIS_URL is not set: in the embedded default jobs run inside the API process")
    connection = app.extensions["rq_connection"]
    while True:
        worker = AppWorker(args.queues, connection=connection)
        worker.bind_app(app)
        # Its clean-up needs Redis too and may fail: the worker is gone either way.
        with suppress(redis.RedisError):
            worker.work(burst=args.burst, with_scheduler=not args.no_scheduler)
        if args.burst or worker.stop_was_requested:
            return
        log.warning("worker %s lost Redis; starting a new one once Redis answers", worker.name)
        wait_for_redis(connection)


def wait_for_redis(connection: redis.Redis) -> None:
    """Block until Redis answers a PING, pausing a little longer after each failed try."""
    for attempt in range(10**9):
        try:
            connection.ping()
            return
        except redis.RedisError:
            time.sleep(RECONNECT_PAUSE_SECONDS[min(attempt, len(RECONNECT_PAUSE_SECONDS) - 1)])


if __name__ == "__main__":
    main()
