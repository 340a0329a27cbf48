"""What an e-mail's job leaves in Redis: its address and body (a reset link's token among them)
go as soon as it is delivered, and a day after a failure at most."""

from __future__ import annotations

import pytest
from rq import SimpleWorker
from rq.job import Job

from app import create_app
from app.common.mail import FAILED_MAIL_KEPT_SECONDS, queue_email
from tests.conftest import settings_for_tests


@pytest.fixture
def with_workers():
    app = create_app(settings_for_tests(RQ_ASYNC=True))
    with app.app_context():
        yield app


def _only_mail_job(connection) -> Job:
    from rq import Queue

    [job] = Queue("default", connection=connection).get_jobs()
    return job


def test_a_delivered_message_leaves_nothing_in_redis(with_workers):
    connection = with_workers.extensions["rq_connection"]
    queue_email("reader@example.org", "Reset your password", "https://cinema.example/reset?token=s3cret")
    job = _only_mail_job(connection)
    assert job.description == "e-mail: Reset your password"  # no address or body in the worker's log
    SimpleWorker(["default"], connection=connection).work(burst=True)
    assert not Job.exists(job.id, connection=connection)


def test_a_message_that_cannot_be_delivered_is_tried_again_then_kept_a_day_at_most(with_workers):
    connection = with_workers.extensions["rq_connection"]
    queue_email("reader@example.org", "Your booking", "Booking ABC123 confirmed")
    job = _only_mail_job(connection)
    assert job.retries_left == 3 and job.retry_intervals == [10, 60, 300]
    assert job.failure_ttl == FAILED_MAIL_KEPT_SECONDS and job.result_ttl == 0
