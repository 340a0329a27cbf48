"""Start real RQ worker processes (``python -m workers``) on the test database and Redis."""

from __future__ import annotations

import os
import subprocess
import sys
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
