"""Background work: the queues, and the one helper that puts a task on one by its dotted name.

``schedule`` holds optimisation runs (minutes of CPU), ``pricing`` the repricing sweeps,
``default`` e-mail, invoices and housekeeping, so a long solve never delays a password-reset
e-mail. Tasks live beside their service (``app/<service>/tasks.py``) and are named, not
imported, by whoever enqueues them (microblog's ``launch_task``), so a service never imports
another's task module or the worker. In the embedded default (no ``REDIS_URL``) a task runs
in-process when it is enqueued.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from rq import Queue, Worker
from rq.job import Job

QUEUE_NAMES = ("schedule", "pricing", "default")
JOB_TIMEOUTS = {"schedule": 15 * 60, "pricing": 5 * 60, "default": 60}


def get_queue(name: str) -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}; expected one of {QUEUE_NAMES}")
    return Queue(
        name,
        connection=current_app.extensions["rq_connection"],
        is_async=current_app.config["RQ_ASYNC"],
        default_timeout=JOB_TIMEOUTS[name],
    )


def launch_task(queue_name: str, task: str, *args: Any, **kwargs: Any) -> Job:
    """Queue the task named ``task`` (``"app.payments.tasks.issue_invoice"``) with ``args``.

    Pass ids, not objects: tasks load what they need. RQ's own options (``job_id``,
    ``description``...) go through ``kwargs`` as for ``Queue.enqueue``.
    """
    return get_queue(queue_name).enqueue(task, *args, **kwargs)


def queue_health() -> dict[str, dict[str, int]]:
    """Each queue's waiting jobs and the live workers serving it (raises RedisError when Redis
    is unreachable). A queue with jobs and no worker is work nobody will do."""
    connection = current_app.extensions["rq_connection"]
    live = Worker.all(connection=connection)
    return {
        name: {"jobs": Queue(name, connection=connection).count,
               "workers": sum(name in worker.queue_names() for worker in live)}
        for name in QUEUE_NAMES
    }
