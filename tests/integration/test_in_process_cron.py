"""Without RQ workers (the embedded default) the API process runs the recurring table itself:
before, a demo's unpaid bookings never expired and its outbox was never swept."""

from __future__ import annotations

import runpy
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from app.extensions import db
from app.models import OneTimeToken
from workers import in_process_cron

PAST = datetime(2000, 1, 1, tzinfo=UTC)
FAR = datetime(2999, 1, 1, tzinfo=UTC)


def test_it_reads_the_table_rq_cron_reads(app):
    names = {job.func_name for job in in_process_cron.recurring_jobs(app)}
    assert {"workers.jobs.expire_unpaid_bookings", "workers.jobs.redeliver_outbox",
            "workers.jobs.reprice_upcoming_showtimes"} <= names


def test_a_due_entry_runs_on_its_queue_and_waits_for_its_next_time(app, factory):
    jobs = in_process_cron.recurring_jobs(app)
    purge = next(job for job in jobs if job.func_name == "workers.jobs.purge_expired_tokens")
    for job in jobs:
        job.next_enqueue_time = FAR
    purge.next_enqueue_time = PAST
    db.session.add(OneTimeToken(user_id=factory.user().id, purpose="password_reset", token_hash="0" * 64,
                                expires_at=datetime.now(UTC) - timedelta(days=3)))
    db.session.commit()

    assert in_process_cron.enqueue_due(app, jobs) == ["workers.jobs.purge_expired_tokens"]

    db.session.remove()
    assert db.session.query(OneTimeToken).count() == 0  # the test app runs a queued job at once
    assert purge.next_enqueue_time > datetime.now(UTC)  # "17 * * * *": the next hour's
    assert in_process_cron.enqueue_due(app, jobs) == []


def test_gunicorn_starts_it_only_where_no_worker_runs_the_jobs(app, monkeypatch):
    started = []
    monkeypatch.setattr(in_process_cron, "start", started.append)
    hooks = runpy.run_path("gunicorn.conf.py")
    hooks["post_worker_init"](SimpleNamespace(wsgi=app))  # the tests' app runs jobs inline
    assert started == []
    monkeypatch.setitem(app.config, "INPROCESS_JOBS", "thread")
    hooks["post_worker_init"](SimpleNamespace(wsgi=app))
    assert started == [app]
