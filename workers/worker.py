"""RQ workers whose jobs run inside a Flask application context."""

from __future__ import annotations

import time
from contextlib import suppress

from flask import Flask
from redis.exceptions import RedisError
from rq import SimpleWorker, Worker

from app.common.job_metrics import record_job_duration


class _AppContextMixin:
    app: Flask
    # Set when a signal asked the worker to stop, so the supervising loop in __main__ can tell
    # a requested stop from a worker that gave up because Redis went away.
    stop_was_requested: bool = False

    def request_stop(self, signum, frame) -> None:
        self.stop_was_requested = True
        super().request_stop(signum, frame)

    def bind_app(self, app: Flask) -> None:
        self.app = app

    def perform_job(self, job, queue, *args, **kwargs) -> bool:
        from app.extensions import db

        with self.app.app_context():
            # A forked child must not reuse the parent's pooled connections.
            db.engine.dispose(close=False)
            started, succeeded = time.perf_counter(), False
            try:
                succeeded = super().perform_job(job, queue, *args, **kwargs)
                return succeeded
            finally:
                db.session.remove()
                with suppress(RedisError):  # a metric is never worth failing a job over
                    record_job_duration(self.connection, queue.name,
                                        "succeeded" if succeeded else "failed",
                                        time.perf_counter() - started)


class AppWorker(_AppContextMixin, Worker):
    """Forks per job (isolation: a crashing or killed job cannot take the worker down)."""


class AppSimpleWorker(_AppContextMixin, SimpleWorker):
    """Runs jobs in its own process; for tests and debugging."""
