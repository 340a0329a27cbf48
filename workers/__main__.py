"""Start a worker: ``python -m workers [queue ...] [--burst]`` (``make worker``).

With no queue named it serves all three, highest priority first.
"""

from __future__ import annotations

import argparse

from app import create_app
from workers.queues import QUEUE_NAMES
from workers.worker import AppWorker


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
    worker = AppWorker(args.queues, connection=connection)
    worker.bind_app(app)
    worker.work(burst=args.burst, with_scheduler=not args.no_scheduler)


if __name__ == "__main__":
    main()
