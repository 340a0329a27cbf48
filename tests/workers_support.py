"""Start real RQ worker processes (``python -m workers``) on the test database and Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL

ROOT = Path(__file__).resolve().parents[1]


def start_worker(*queues: str, burst: bool, log: Path, redis_url: str = TEST_REDIS_URL) -> subprocess.Popen:
    """A worker process on ``queues``; its output goes to ``log``."""
    env = os.environ | {"DATABASE_URL": TEST_DATABASE_URL, "REDIS_URL": redis_url,
                        "SECRET_KEY": "test-secret", "LOG_LEVEL": "WARNING",
                        "JWT_SECRET_KEY": "test-jwt-secret-key-of-sufficient-length"}
    args = [sys.executable, "-m", "workers", *queues] + (["--burst"] if burst else [])
    with log.open("ab") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def nap(seconds: float) -> str:
    """A job that takes a while (named by its dotted path when enqueued)."""
    import time

    time.sleep(seconds)
    return "rested"


def touch(path: str) -> None:
    """A job whose effect a test can see from outside the worker."""
    Path(path).write_text("done")


def wait_for_jobs(app, timeout: float = 60) -> None:
    """Wait until the API process's background job threads (``INPROCESS_JOBS=thread``) have run
    every job handed to them, including jobs those jobs queued. Each queue has one thread that
    takes jobs in order, so a no-op handed over last is done once everything before it is."""
    from app.common.tasks import QUEUE_NAMES, inprocess_load

    runners = app.extensions.get("inprocess_job_runners", {})
    while True:
        for runner in list(runners.values()):
            runner.submit(lambda: None).result(timeout=timeout)
        if not any(any(inprocess_load(app, name)) for name in QUEUE_NAMES):
            return


# name -> (started, release): jobs are stored pickled in Redis, events cannot be, so a job
# names its gate and finds it here (same process: the in-process background threads).
_GATES: dict[str, tuple[threading.Event, threading.Event]] = {}


def new_gate(name: str) -> tuple[threading.Event, threading.Event]:
    """Events for the ``gate`` job called with ``name``: it sets the first, waits for the second."""
    _GATES[name] = (threading.Event(), threading.Event())
    return _GATES[name]


def gate(name: str, seconds: float = 30) -> str:
    """A job that says it started, then waits to be released (a test's view of a running job)."""
    started, release = _GATES[name]
    started.set()
    release.wait(seconds)
    return "released"
