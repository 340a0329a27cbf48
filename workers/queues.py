"""The three queues and how the API puts work on them.

``schedule`` holds optimisation runs (minutes of CPU), ``pricing`` the repricing sweeps,
``default`` e-mail, invoices and housekeeping, so a long solve never delays a password-reset
e-mail. In the embedded default (no ``REDIS_URL``) jobs run in-process at enqueue time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from rq import Queue
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


def enqueue(queue_name: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
    """Queue ``func(*args, **kwargs)``; pass ids, not objects (jobs load what they need)."""
    return get_queue(queue_name).enqueue(func, *args, **kwargs)
