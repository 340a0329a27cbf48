"""Follow-ups as outbox rows: written with the change that owes them, delivered after its
commit, and delivered by the sweep when that first hand-over is lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select

from app.common import clock, events, outbox
from app.common.unit_of_work import unit_of_work
from app.extensions import db
from app.models import Invoice, OutboxMessage
from tests.payments_support import pay, pending_booking

CALLS: list[int] = []


def remember(number: int) -> None:
    """A handler for the tests below (named by its dotted path, like every handler)."""
    CALLS.append(number)


@dataclass(frozen=True)
class Noted(events.Event):
    number: int


@pytest.fixture
def noted_handler(monkeypatch):
    from app import handlers

    monkeypatch.setitem(handlers.DURABLE_HANDLERS, Noted, (f"{__name__}.remember",))
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.fixture
def queue_down(monkeypatch):
    """launch_task fails as it does with Redis unreachable."""
    def refuse(*_args, **_kwargs):
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(outbox, "launch_task", refuse)


def test_a_recorded_event_is_written_with_its_commit_and_delivered_after_it(app, noted_handler):
    with unit_of_work():
        events.record(Noted(7))
    message = db.session.scalar(select(OutboxMessage))
    assert (message.event, message.payload) == ("Noted", {"number": 7})
    assert CALLS == [7] and message.done_at is not None


def test_a_rollback_forgets_what_was_recorded(app, noted_handler):
    with pytest.raises(LookupError), unit_of_work():
        events.record(Noted(1))
        raise LookupError("the use case fails")
    events.record(Noted(2))
    db.session.rollback()
    with unit_of_work():
        pass
    assert db.session.scalar(select(OutboxMessage)) is None and CALLS == []


def test_a_lost_hand_over_is_delivered_by_the_sweep_once(app, noted_handler, monkeypatch, queue_down):
    with unit_of_work():
        events.record(Noted(3))
    assert CALLS == [] and db.session.scalar(select(OutboxMessage)).done_at is None
    assert outbox.redeliver_pending() == []  # not before its grace period
    monkeypatch.undo()  # Redis is back
    clock.advance(outbox.GRACE + timedelta(seconds=1))
    (message_id,) = outbox.redeliver_pending()
    assert CALLS == [3]
    assert outbox.redeliver_pending() == [] and not outbox.deliver(message_id)
    assert CALLS == [3]


def test_a_failing_handler_stays_pending_with_its_error(app, monkeypatch, noted_handler):
    monkeypatch.setattr(f"{__name__}.remember", lambda number: 1 / 0)
    with unit_of_work():  # the change is committed whatever its follow-up does
        events.record(Noted(4))
    message = db.session.scalar(select(OutboxMessage))
    assert message.done_at is None and message.attempts == 1
    assert message.last_error.startswith("ZeroDivisionError")


def test_an_invoice_lost_with_redis_is_issued_by_the_sweep(client, factory, monkeypatch, queue_down):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    paid = pay(client, factory, booking, customer)
    assert paid.status_code == 200 and paid.json["booking_status"] == "confirmed"
    assert db.session.scalar(select(Invoice)) is None  # the hand-over was lost

    monkeypatch.undo()  # Redis is back
    clock.advance(outbox.GRACE + timedelta(seconds=1))
    assert len(outbox.redeliver_pending()) == 2  # invoice and confirmation e-mail
    invoice = db.session.scalar(select(Invoice).where(Invoice.payment_id == paid.json["id"]))
    assert invoice is not None and invoice.storage_key
