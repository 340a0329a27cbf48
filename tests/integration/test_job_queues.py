"""Background queues as operators and clients see them: the queue-status endpoint, a queued
job that says no worker is running, and the embedded default's jobs in a background thread."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq import Queue, Worker

from app import create_app
from app.common.clock import now
from app.common.tasks import launch_task
from tests.conftest import settings_for_tests
from tests.workers_support import new_gate, wait_for_jobs

HOURS = {d: {"open": "10:00", "close": "23:30"} for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def with_workers():
    """The app as deployed with RQ workers (jobs go to Redis; none is started here)."""
    app = create_app(settings_for_tests(RQ_ASYNC=True))
    with app.app_context():
        yield app


@pytest.fixture
def in_thread():
    """The embedded default's way: no workers, jobs in a background thread of the API process."""
    app = create_app(settings_for_tests(INPROCESS_JOBS="thread"))
    with app.app_context():
        yield app
    wait_for_jobs(app)


def _generation(factory):
    cinema = factory.cinema(opening_hours=HOURS, timezone="Europe/London")
    factory.screen(cinema, rows=6, seats_per_row=10)
    movie = factory.movie("Film", runtime=95, release_date=now().date() - timedelta(days=3))
    manager = factory.user("manager", cinemas=[cinema])
    body = {"cinema_id": cinema.id, "start_date": (now() + timedelta(days=2)).date().isoformat(),
            "days": 1, "movie_ids": [movie.id], "dry_run": True, "options": {"time_limit_seconds": 10}}
    return factory.headers(manager), body


def _queues(client, headers) -> dict[str, dict]:
    answer = client.get("/api/jobs/queues", headers=headers)
    assert answer.status_code == 200, answer.json
    return {queue["name"]: queue for queue in answer.json}


def test_queue_status_shows_depth_workers_and_failures(with_workers, factory):
    client, staff = with_workers.test_client(), factory.headers(factory.user("staff"))
    connection = with_workers.extensions["rq_connection"]
    default = Queue("default", connection=connection)
    default.enqueue("tests.workers_support.nap", 0)
    failed = default.enqueue("tests.workers_support.nap", 0)
    default.remove(failed)
    default.failed_job_registry.add(failed, exc_string="boom")

    queues = _queues(client, staff)
    assert set(queues) == {"schedule", "pricing", "default"}
    assert queues["default"] == {"name": "default", "runs_in": "workers", "live_worker": False, "workers": 0,
                                 "queued": 1, "started": 0, "failed": 1, "scheduled": 0}

    worker = Worker(["default"], connection=connection)
    worker.register_birth()
    try:
        queues = _queues(client, staff)
        assert queues["default"]["live_worker"] is True and queues["default"]["workers"] == 1
        assert queues["schedule"]["live_worker"] is False
    finally:
        worker.register_death()
    customer = factory.headers(factory.user("customer"))
    assert client.get("/api/jobs/queues", headers=customer).status_code == 403


def test_the_queue_status_operation_documents_every_field(client):
    operation = client.get("/api/openapi.json").json["paths"]["/api/jobs/queues"]["get"]
    assert operation["x-roles"] == ["staff", "manager", "admin"]
    schema = client.get("/api/openapi.json").json["components"]["schemas"]["QueueStatus"]
    assert {name for name, field in schema["properties"].items() if field.get("description")} == {
        "name", "runs_in", "live_worker", "workers", "queued", "started", "failed", "scheduled"}


def test_a_queued_generation_says_no_worker_is_running(with_workers, factory):
    client = with_workers.test_client()
    headers, body = _generation(factory)
    queued = client.post("/api/schedule/generate", headers=headers, json=body)
    assert queued.status_code == 202, queued.json
    assert queued.json["status"] == "queued"
    assert queued.json["waiting"] == {
        "reason": "no_worker",
        "message": "no worker is running for queue schedule: the job waits until one starts"}

    worker = Worker(["schedule"], connection=with_workers.extensions["rq_connection"])
    worker.register_birth()
    try:
        polled = client.get(f"/api/schedule/jobs/{queued.json['id']}", headers=headers).json
        assert polled["status"] == "queued" and polled["waiting"] is None
    finally:
        worker.register_death()


def test_in_process_jobs_run_in_a_background_thread_and_show_as_started(in_thread, factory):
    started, release = new_gate("background")
    job = launch_task("default", "tests.workers_support.gate", "background")
    assert started.wait(5), "the job never started"
    assert job.get_status(refresh=True) == "started"  # enqueue returned while it runs
    queues = _queues(in_thread.test_client(), factory.headers(factory.user("admin")))
    assert queues["default"] == {"name": "default", "runs_in": "api_process", "live_worker": True,
                                 "workers": 0, "queued": 0, "started": 1, "failed": 0, "scheduled": 0}
    release.set()
    wait_for_jobs(in_thread)
    assert job.get_status(refresh=True) == "finished" and job.return_value() == "released"


def test_embedded_generation_answers_202_at_once_and_is_polled_to_the_end(in_thread, factory, monkeypatch):
    from app.scheduling import generation

    client = in_thread.test_client()
    headers, body = _generation(factory)
    started, release = new_gate("generation")
    real = generation.run_generation

    def held_back(run_id):
        started.set()
        release.wait(30)
        return real(run_id)

    monkeypatch.setattr(generation, "run_generation", held_back)
    queued = client.post("/api/schedule/generate", headers=headers, json=body)
    assert queued.status_code == 202, queued.json
    assert queued.json["status"] == "queued" and queued.json["waiting"] is None
    assert started.wait(5)
    assert client.get(f"/api/schedule/jobs/{queued.json['id']}", headers=headers).json["status"] == "queued"
    release.set()
    wait_for_jobs(in_thread)
    done = client.get(f"/api/schedule/jobs/{queued.json['id']}", headers=headers).json
    assert done["status"] == "succeeded", done["error"]
    assert done["result"]["solver_status"] in ("optimal", "feasible")
