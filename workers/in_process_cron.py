"""The recurring table run inside the API process, for when no RQ workers run (the embedded
default): without it a demo's unpaid bookings never expired, its outbox was never swept and
its prices never moved.

The table is ``workers/periodic.py``, loaded as ``rq cron`` loads it, and rq's own cron
entries decide when each is due (their cron fields, in local time as ``rq cron`` reads them);
a due entry goes on the app's queue of its name, whose background thread runs it
(``app.common.tasks.ThreadedQueue``). One daemon thread per Gunicorn worker (the embedded
default has one), started by ``gunicorn.conf.py``.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from flask import Flask
from rq.cron import CronJob, CronScheduler

from app.common.tasks import get_queue

log = logging.getLogger("cinemaos.recurring")
TABLE = "workers.periodic"
# Longest sleep between two looks at the table (rq cron's own cap).
MAX_SLEEP_SECONDS = 60.0


def recurring_jobs(app: Flask) -> list[CronJob]:
    """The entries of the recurring table, each knowing when it is next due."""
    scheduler = CronScheduler(connection=app.extensions["rq_connection"], name="in-process")
    scheduler.load_config_from_file(TABLE)
    return scheduler.get_jobs()


def enqueue_due(app: Flask, jobs: list[CronJob]) -> list[str]:
    """Queue every entry that is due, and set when it is due next; the names of those queued."""
    queued = []
    with app.app_context():
        for job in jobs:
            if job.should_run():
                get_queue(job.queue_name).enqueue(job.func, args=job.args, kwargs=job.kwargs,
                                                  **job.job_options)
                job.set_enqueue_time(datetime.now(UTC))
                queued.append(job.func_name)
    return queued


def start(app: Flask) -> threading.Thread:
    """Run the table in a daemon thread for as long as the process lives."""
    jobs = recurring_jobs(app)

    def loop() -> None:
        while True:
            try:
                enqueue_due(app, jobs)
            except Exception:  # a Redis or database blip: the next look tries again
                log.exception("in-process recurring jobs: could not queue what is due")
            due = min((job.next_enqueue_time for job in jobs if job.next_enqueue_time), default=None)
            wait = (due - datetime.now(UTC)).total_seconds() if due else MAX_SLEEP_SECONDS
            time.sleep(min(max(wait, 1.0), MAX_SLEEP_SECONDS))

    thread = threading.Thread(target=loop, name="recurring-jobs", daemon=True)
    thread.start()
    log.info("recurring jobs run in this process: %d entries of %s", len(jobs), TABLE)
    return thread
