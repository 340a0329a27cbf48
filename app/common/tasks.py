"""Background work: the queues, and the one helper that puts a task on one by its dotted name.

``schedule`` holds optimisation runs (minutes of CPU), ``pricing`` the repricing sweeps,
``default`` e-mail, invoices and housekeeping, so a long solve never delays a password-reset
e-mail. Tasks live beside their service (``app/<service>/tasks.py``) and are named, not
imported, by whoever enqueues them (microblog's ``launch_task``), so a service never imports
another's task module or the worker.

Without RQ workers (the embedded default, no ``REDIS_URL``; or ``RQ_ASYNC`` off) a task runs
inside the API process: by default in a background thread per queue, so the request that
queued it answers at once (202, ``queued``) and clients poll as they would with workers;
``INPROCESS_JOBS=inline`` runs it before the answer instead (tests, debugging).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.job import Job, JobStatus

from app.extensions import db

log = logging.getLogger(__name__)
_RUNNERS_LOCK = threading.Lock()

QUEUE_NAMES = ("schedule", "pricing", "default")
JOB_TIMEOUTS = {"schedule": 15 * 60, "pricing": 5 * 60, "default": 60}


def jobs_run_in_threads(app: Flask) -> bool:
    """No RQ workers: this process runs each queue's jobs in a background thread."""
    return not app.config["RQ_ASYNC"] and app.config["INPROCESS_JOBS"] == "thread"


def get_queue(name: str) -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}; expected one of {QUEUE_NAMES}")
    return (ThreadedQueue if jobs_run_in_threads(current_app) else Queue)(
        name,
        connection=current_app.extensions["rq_connection"],
        is_async=current_app.config["RQ_ASYNC"],
        default_timeout=JOB_TIMEOUTS[name],
    )


class ThreadedQueue(Queue):
    """A synchronous queue (``is_async=False``) whose jobs run in a background thread of this
    process, one thread per queue, instead of before ``enqueue`` returns. RQ still records the
    job (queued, started, finished or failed) in Redis, so its status reads as a worker's would.
    Each job gets its own application context, hence its own database session."""

    def run_sync(self, job: Job) -> Job:
        app = current_app._get_current_object()
        _runner(app, self.name).submit(self._run_in_context, app, job)
        return job

    def _run_in_context(self, app: Flask, job: Job) -> None:
        running = app.extensions.setdefault("inprocess_jobs_running", {})
        with app.app_context():
            running[self.name] = job.id
            try:
                # RQ's synchronous run says "queued" until the job ends: pollers are told it started.
                job.set_status(JobStatus.STARTED)
                super().run_sync(job)  # records the job's own failure; what escapes is RQ's
            except Exception:
                log.exception("in-process job %s (%s) could not be run", job.id, job.func_name)
            finally:
                running.pop(self.name, None)
                db.session.remove()

    def run_job(self, job: Job) -> Job:
        try:
            return super().run_job(job)
        except Exception:
            # Nobody awaits this thread: the failure is told here (RQ records it on the job).
            log.exception("in-process job %s (%s) failed", job.id, job.func_name)
            raise


def _runner(app: Flask, queue_name: str) -> ThreadPoolExecutor:
    # Made on first use, so each forked Gunicorn worker gets its own threads; under a lock, so
    # two requests never give one queue two threads.
    with _RUNNERS_LOCK:
        runners = app.extensions.setdefault("inprocess_job_runners", {})
        if queue_name not in runners:
            runners[queue_name] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"jobs-{queue_name}")
        return runners[queue_name]


def inprocess_load(app: Flask, queue_name: str) -> tuple[int, int]:
    """Jobs of ``queue_name`` handed to this process's background thread: waiting, and running
    (0 or 1: one thread per queue)."""
    runner = app.extensions.get("inprocess_job_runners", {}).get(queue_name)
    running = queue_name in app.extensions.get("inprocess_jobs_running", {})
    # The executor's own queue of work not yet started (no public count exists).
    return (runner._work_queue.qsize() if runner else 0), int(running)


def launch_task(queue_name: str, task: str, *args: Any, **kwargs: Any) -> Job:
    """Queue the task named ``task`` (``"app.payments.tasks.issue_invoice"``) with ``args``.

    Pass ids, not objects: tasks load what they need. RQ's own options (``job_id``,
    ``description``...) go through ``kwargs`` as for ``Queue.enqueue``.
    """
    return get_queue(queue_name).enqueue(task, *args, **kwargs)


def queue_status() -> list[dict[str, Any]]:
    """Each queue as ``GET /api/jobs/queues`` shows it (``QueueStatusSchema`` says what each
    field means); raises RedisError when Redis is unreachable.

    With RQ workers, a worker is live while its registration lives in Redis (RQ lets it lapse
    when the worker stops sending heartbeats). Without them, this API process runs the jobs.
    """
    connection = current_app.extensions["rq_connection"]
    in_process = not current_app.config["RQ_ASYNC"]
    statuses = []
    for name in QUEUE_NAMES:
        queue = Queue(name, connection=connection)
        if in_process:
            workers, (queued, started) = 0, inprocess_load(current_app, name)
        else:
            workers, queued, started = _live_workers(queue), queue.count, queue.started_job_registry.count
        statuses.append({
            "name": name,
            "runs_in": "api_process" if in_process else "workers",
            "workers": workers,
            "live_worker": in_process or workers > 0,
            "queued": queued,
            "started": started,
            "failed": queue.failed_job_registry.count,
            "scheduled": queue.scheduled_job_registry.count,
        })
    return statuses


def _live_workers(queue: Queue) -> int:
    # Worker.all, not Worker.count: it skips registrations whose worker key has lapsed (a
    # killed worker), which stay in the registry set until RQ's next clean-up.
    return len(Worker.all(queue=queue))


def queue_health() -> dict[str, dict[str, int]]:
    """The short form in ``/readyz``: each queue's waiting jobs and live workers. A queue with
    jobs and no worker is work nobody will do."""
    return {status["name"]: {"jobs": status["queued"], "workers": status["workers"]}
            for status in queue_status()}


@dataclass(frozen=True)
class Waiting:
    """Why a queued job is not running yet, for the clients polling its status."""

    reason: str
    message: str


def why_waiting(queue_name: str) -> Waiting | None:
    """``no_worker`` when no live RQ worker listens on ``queue_name`` (a queued job there waits
    for someone to start one); None when a worker or this process will run it, or when Redis
    cannot tell (its own outage is answered elsewhere)."""
    if not current_app.config["RQ_ASYNC"]:
        return None
    try:
        alone = _live_workers(Queue(queue_name, connection=current_app.extensions["rq_connection"])) == 0
    except RedisError:
        return None
    if not alone:
        return None
    return Waiting("no_worker",
                   f"no worker is running for queue {queue_name}: the job waits until one starts")
