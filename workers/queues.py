"""The queues a worker serves; they are defined with the helper that fills them
(``app.common.tasks``), which the API uses without importing this package."""

from app.common.tasks import JOB_TIMEOUTS, QUEUE_NAMES, get_queue, launch_task


def enqueue(queue_name: str, func, *args, **kwargs):
    """Queue a callable (tests and the worker's own jobs); services use ``launch_task``."""
    return get_queue(queue_name).enqueue(func, *args, **kwargs)


__all__ = ["JOB_TIMEOUTS", "QUEUE_NAMES", "enqueue", "get_queue", "launch_task"]
