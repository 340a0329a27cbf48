"""RQ workers whose jobs run inside a Flask application context."""

from __future__ import annotations

from flask import Flask
from rq import SimpleWorker, Worker


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
            try:
                return super().perform_job(job, queue, *args, **kwargs)
            finally:
                db.session.remove()


class AppWorker(_AppContextMixin, Worker):
    """Forks per job (isolation: a crashing or killed job cannot take the worker down)."""


class AppSimpleWorker(_AppContextMixin, SimpleWorker):
    """Runs jobs in its own process; for tests and debugging."""
