"""Signs of life of a running generation, and when their absence means the worker died.

A run's job beats (``OptimisationRun.heartbeat_at``) from a thread every
``GENERATION_HEARTBEAT_SECONDS``; a ``running`` run silent for longer than
``GENERATION_HEARTBEAT_TIMEOUT_SECONDS`` lost its worker or work horse (killed, out of
memory, machine gone) and is failed, so a retry for its dates may start. The beat comes
from its own connection: the job's session is busy inside a transaction-less solve.

A work horse whose worker died (SIGKILL, container stop) is orphaned and would go on to
write a schedule nobody expects any more: the beating thread notices that its parent
changed, fails the run itself and stops the horse and its solver processes (they share
the horse's process group).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update

from app.common.clock import now
from app.extensions import db
from app.models import OptimisationRun

log = logging.getLogger(__name__)

WORKER_DIED = "the worker running it stopped (no sign of life for {seconds} s); request it again"
ORPHANED = "the worker running it stopped while the schedule was being computed; request it again"


def silent_too_long(run: OptimisationRun, at: datetime | None = None) -> bool:
    """Whether a ``running`` run has given no sign of life for longer than the timeout; a run
    that never beat counts from its start (or its request)."""
    if run.status != "running":
        return False
    last = run.heartbeat_at or run.started_at or run.created_at
    timeout = timedelta(seconds=current_app.config["GENERATION_HEARTBEAT_TIMEOUT_SECONDS"])
    return last is not None and (at or now()) - last > timeout


def death_notice() -> str:
    return WORKER_DIED.format(seconds=current_app.config["GENERATION_HEARTBEAT_TIMEOUT_SECONDS"])


@contextmanager
def beating(run_id: str) -> Iterator[None]:
    """Beat for ``run_id`` while the block runs."""
    engine = db.engine
    interval = float(current_app.config["GENERATION_HEARTBEAT_SECONDS"])
    parent = os.getppid()
    horse = _in_work_horse()
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(interval):
            try:
                # Each beat is its own transaction on its own connection, committed at once: it
                # must be seen while the job's unit of work (or its solve) is still going on.
                with engine.begin() as conn:
                    if horse and os.getppid() != parent:
                        conn.execute(update(OptimisationRun).where(
                            OptimisationRun.id == run_id, OptimisationRun.status == "running"
                        ).values(status="failed", error=ORPHANED, finished_at=now()))
                    else:
                        conn.execute(update(OptimisationRun).where(
                            OptimisationRun.id == run_id, OptimisationRun.status == "running"
                        ).values(heartbeat_at=now()))
            except Exception:  # a missed beat is retried; the timeout is several beats long
                log.warning("generation %s: heartbeat not written", run_id, exc_info=True)
                continue
            if horse and os.getppid() != parent:
                log.error("generation %s: the worker died; stopping its work horse", run_id)
                os.killpg(os.getpgrp(), signal.SIGKILL)

    thread = threading.Thread(target=beat, name=f"heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)


def _in_work_horse() -> bool:
    """An RQ work horse: forked by a worker (which names the job in the environment) into a
    process group of its own, which only it and its solver processes share."""
    return "RQ_JOB_ID" in os.environ and os.getpgrp() == os.getpid()
