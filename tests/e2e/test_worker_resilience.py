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


def test_job_durations_reach_the_apis_metrics_from_the_worker_process(app, client, tmp_path):
    """The worker runs jobs in its own process; their durations still show in /metrics."""
    from tests.conftest import TEST_REDIS_URL

    log = tmp_path / "worker.log"
    connection = redis.Redis.from_url(TEST_REDIS_URL)
    Queue("default", connection=connection).enqueue("tests.workers_support.nap", 0.2)
    worker = start_worker("default", burst=True, log=log)
    assert worker.wait(timeout=120) == 0, log.read_text()
    text = client.get("/metrics").get_data(as_text=True)
    assert 'cinemaos_job_duration_seconds_count{outcome="succeeded",queue="default"} 1.0' in text
    assert 'cinemaos_job_duration_seconds_bucket{le="+Inf",outcome="succeeded",queue="default"} 1.0' in text
