"""Start a worker: ``python -m workers [queue ...] [--burst]`` (``make worker``)."""

from __future__ import annotations

import argparse

from app import create_app
from workers.queues import QUEUE_NAMES
from workers.worker import AppWorker


def main() -> None:
    parser = argparse.ArgumentParser(description="CinemaOS RQ worker")
    parser.add_argument("queues", nargs="*", default=list(QUEUE_NAMES), choices=QUEUE_NAMES)
    parser.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    parser.add_argument("--no-scheduler", action="store_true",
                        help="do not run delayed (enqueue_in/enqueue_at) jobs in this worker")
    args = parser.parse_args()

    app = create_app()
    if not app.config["REDIS_URL"]:
        parser.error("REDIS_URL is not set: in the embedded default jobs run inside the API process")
    connection = app.extensions["rq_connection"]
    worker = AppWorker(args.queues, connection=connection)
    worker.bind_app(app)
    worker.work(burst=args.burst, with_scheduler=not args.no_scheduler)


if __name__ == "__main__":
    main()
