"""A worker keeps working through a Redis restart, by itself."""

from __future__ import annotations

import time

import pytest
import redis
from rq import Queue

from tests.e2e.conftest import free_port, own_redis
from tests.workers_support import start_worker

pytestmark = pytest.mark.slow


def _until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_a_worker_survives_redis_restarting_during_a_job(app, tmp_path):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    log = tmp_path / "worker.log"
    with own_redis(port) as first:
        worker = start_worker("default", burst=False, log=log, redis_url=url)
        try:
            queue = Queue("default", connection=redis.Redis(port=port))
            job = queue.enqueue("tests.workers_support.nap", 3)
            _until(lambda: job.get_status(refresh=True) == "started", 20, "the job never started")
            first.kill()
            first.wait(timeout=10)
            time.sleep(5)  # longer than redis-py's own reconnection attempts
            with own_redis(port):  # back, empty
                done = tmp_path / "after-restart"
                queue = Queue("default", connection=redis.Redis(port=port))
                queue.enqueue("tests.workers_support.touch", str(done))
                _until(done.exists, 30, f"no job ran after the restart:\n{log.read_text()}")
                assert worker.poll() is None, log.read_text()
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert "lost Redis" in log.read_text()
