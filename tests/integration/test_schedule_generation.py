"""Optimised schedule generation through the API, in-process and in a real RQ worker."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.common.clock import now
from app.extensions import db
from app.models import AuditEntry, OptimisationRun, Showtime
from tests.conftest import settings_for_tests
from tests.workers_support import start_worker

HOURS = {d: {"open": "10:00", "close": "23:30"} for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _multiplex(factory, *, screens: int = 2, movies: int = 3):
    cinema = factory.cinema(opening_hours=HOURS, timezone="Europe/London")
    halls = [factory.screen(cinema, rows=6 + 2 * i, seats_per_row=12) for i in range(screens)]
    today = now().date()
    films = [factory.movie(f"Film {i}", runtime=90 + 12 * i, release_date=today - timedelta(days=7 * i))
             for i in range(movies)]
    manager = factory.user("manager", cinemas=[cinema])
    return cinema, halls, films, manager


def _start_date():
    return (now() + timedelta(days=2)).date()


def _generated(cinema_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Showtime).where(
        Showtime.cinema_id == cinema_id, Showtime.source == "generated", Showtime.status == "scheduled"))


def test_generation_writes_a_schedule_and_keeps_manual_showtimes(client, factory):
    cinema, halls, films, manager = _multiplex(factory)
    headers = factory.headers(manager)
    day = _start_date()
    manual = factory.showtime(halls[0], films[0], starts_at=datetime(day.year, day.month, day.day, 18, 0,
                                                                      tzinfo=UTC))
    body = {"cinema_id": cinema.id, "start_date": day.isoformat(), "days": 2,
            "options": {"time_limit_seconds": 30}}

    queued = client.post("/api/schedule/generate", headers=headers, json=body)
    assert queued.status_code == 202, queued.json
    job = client.get(f"/api/schedule/jobs/{queued.json['id']}", headers=headers).json
    assert job["status"] == "succeeded", job["error"]
    result = job["result"]
    assert result["shows_created"] > 4 and result["solver_status"] in ("optimal", "feasible")
    assert result["expected_revenue_minor"] >= result["greedy_revenue_minor"] > 0
    assert result["bound"] >= result["expected_revenue_minor"]
    first_count = _generated(cinema.id)
    assert first_count == result["shows_created"]
    audited = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "schedule.generated"))
    assert (audited.cinema_id, audited.after["shows_created"]) == (cinema.id, first_count)

    schedule = client.get(f"/api/schedule/cinema/{cinema.id}?date={day.isoformat()}", headers=headers)
    assert schedule.status_code == 200
    listed = str(schedule.json)
    assert str(manual.id) in listed

    again = client.post("/api/schedule/generate", headers=headers, json=body)
    assert client.get(f"/api/schedule/jobs/{again.json['id']}", headers=headers).json["status"] == "succeeded"
    db.session.expire_all()
    assert db.session.get(Showtime, manual.id).status == "scheduled"
    assert _generated(cinema.id) == again.json["result"]["shows_created"]


def test_dry_run_proposes_without_writing_and_runs_do_not_overlap(client, factory):
    cinema, _halls, _films, manager = _multiplex(factory)
    headers = factory.headers(manager)
    body = {"cinema_id": cinema.id, "start_date": _start_date().isoformat(), "days": 1, "dry_run": True}

    dry = client.post("/api/schedule/generate", headers=headers, json=body)
    assert dry.status_code == 202
    assert dry.json["result"]["shows_created"] == 0 and dry.json["result"]["proposal"]
    assert _generated(cinema.id) == 0

    running = OptimisationRun(id="busy-run", cinema_id=cinema.id, start_date=_start_date(), days=3,
                              status="running")
    db.session.add(running)
    db.session.commit()
    clash = client.post("/api/schedule/generate", headers=headers, json=body | {"dry_run": False})
    assert clash.status_code == 409 and clash.json["errors"]["job_id"] == "busy-run"
    later = body | {"start_date": (_start_date() + timedelta(days=5)).isoformat()}
    assert client.post("/api/schedule/generate", headers=headers, json=later).status_code == 202


def test_generation_is_for_managers_of_that_cinema(client, factory):
    cinema, *_ = _multiplex(factory)
    outsider = factory.user("manager", cinemas=[factory.cinema()])
    body = {"cinema_id": cinema.id, "start_date": _start_date().isoformat()}
    assert client.post("/api/schedule/generate", json=body).status_code == 401
    refused = client.post("/api/schedule/generate", headers=factory.headers(outsider), json=body)
    assert refused.status_code == 403
    bad = client.post("/api/schedule/generate", headers=factory.headers(factory.user("admin")),
                      json=body | {"days": 99})
    assert bad.status_code == 422 and "days" in bad.json["errors"]


def _poll(client, headers, job_id, until, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/schedule/jobs/{job_id}", headers=headers).json
        if until(job):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not get there in {timeout} s: {job}")


@pytest.mark.slow
def test_a_real_worker_runs_the_job_and_a_killed_one_leaves_the_old_schedule(app, factory, tmp_path,
                                                                            monkeypatch):
    log = tmp_path / "worker.log"
    async_app = create_app(settings_for_tests(RQ_ASYNC=True))
    client = async_app.test_client()
    cinema, _halls, _films, manager = _multiplex(factory, screens=2, movies=3)
    headers = factory.headers(manager)
    body = {"cinema_id": cinema.id, "start_date": _start_date().isoformat(), "days": 2}

    queued = client.post("/api/schedule/generate", headers=headers, json=body)
    assert queued.status_code == 202 and queued.json["status"] == "queued"
    worker = start_worker("schedule", burst=True, log=log)
    assert worker.wait(timeout=120) == 0
    done = _poll(client, headers, queued.json["id"], lambda j: j["status"] != "queued")
    assert done["status"] == "succeeded", log.read_text()[-3000:]
    before = db.session.execute(select(Showtime.id, Showtime.starts_at).where(
        Showtime.cinema_id == cinema.id, Showtime.status == "scheduled").order_by(Showtime.id)).all()
    assert len(before) == done["result"]["shows_created"] > 0

    after_kill = _killed_mid_generation(client, factory, tmp_path, monkeypatch, kill="horse")
    assert "stopped" in after_kill["error"] or "terminated" in after_kill["error"]
    db.session.expire_all()
    after = db.session.execute(select(Showtime.id, Showtime.starts_at).where(
        Showtime.cinema_id == cinema.id, Showtime.status == "scheduled").order_by(Showtime.id)).all()
    assert after == before


@pytest.mark.slow
def test_a_generation_whose_worker_is_killed_fails_and_may_be_retried(app, factory, tmp_path, monkeypatch):
    """SIGKILL of the worker orphans its work horse: the horse sees it, fails the run and
    stops with its solver processes, so no late schedule lands after a retry."""
    failed = _killed_mid_generation(create_app(settings_for_tests(RQ_ASYNC=True)).test_client(),
                                    factory, tmp_path, monkeypatch, kill="worker")
    assert "stopped" in failed["error"]


def _killed_mid_generation(client, factory, tmp_path, monkeypatch, *, kill: str) -> dict:
    """Kill the work horse (with its solver processes, as the OOM killer of a container
    would) or the worker in the middle of a long generation; the run fails, the cinema keeps
    the schedule it had, and a retry for the same dates succeeds. The failed run's view."""
    log = tmp_path / f"worker-{kill}.log"
    monkeypatch.setenv("GENERATION_HEARTBEAT_SECONDS", "1")
    big, halls, films, _ = _multiplex(factory, screens=6, movies=14)
    kept = factory.showtime(halls[0], films[0], starts_at=datetime.combine(
        _start_date(), datetime.min.time(), UTC) + timedelta(hours=14))
    headers = factory.headers(factory.user("manager", cinemas=[big]))
    body = {"cinema_id": big.id, "start_date": _start_date().isoformat(), "days": 7}
    slow = client.post("/api/schedule/generate", headers=headers,
                       json=body | {"options": {"time_limit_seconds": 120, "relative_gap": 0}})
    worker = start_worker("schedule", burst=False, log=log)
    others: list[int] = []
    try:
        _poll(client, headers, slow.json["id"], lambda j: j["progress"] >= 30)
        time.sleep(2)  # into the solve, past the fork of the solver processes
        children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True)
        # The horse leads a process group of its own (with its solver processes); the other
        # child is RQ's scheduler.
        horses = [int(pid) for pid in children.stdout.split() if os.getpgid(int(pid)) == int(pid)]
        others = [int(pid) for pid in children.stdout.split() if int(pid) not in horses]
        assert horses, "the worker should be running the job in a forked work horse"
        if kill == "horse":
            for pid in horses:
                os.killpg(pid, signal.SIGKILL)
        else:
            worker.kill()
        failed = _poll(client, headers, slow.json["id"], lambda j: j["status"] == "failed", timeout=60)
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        for pid in others if kill == "worker" else ():  # the killed worker's orphaned scheduler
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    db.session.expire_all()
    live = select(Showtime.id).where(Showtime.cinema_id == big.id, Showtime.status == "scheduled")
    assert list(db.session.scalars(live)) == [kept.id]

    retry = client.post("/api/schedule/generate", headers=headers,
                        json=body | {"options": {"time_limit_seconds": 5}})
    assert retry.status_code == 202, retry.json
    worker = start_worker("schedule", burst=True, log=log)
    assert worker.wait(timeout=120) == 0
    done = _poll(client, headers, retry.json["id"], lambda j: j["status"] not in ("queued", "running"))
    assert done["status"] == "succeeded", log.read_text()[-3000:]
    return failed
