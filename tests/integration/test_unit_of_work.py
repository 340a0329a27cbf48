"""One transaction per use case: one commit at its end, none for an inner use case, nothing
after a rollback."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import event, select

from app.common import events
from app.common.unit_of_work import after_commit, unit_of_work, use_case
from app.extensions import db
from app.models import Genre, Invoice
from app.payments.invoices import issue_credit_note
from app.payments.refunds import refund_booking
from tests.payments_support import paid_booking


@pytest.fixture
def commits():
    seen: list[str] = []

    def note(_conn):
        seen.append("COMMIT")

    event.listen(db.engine, "commit", note)
    yield seen
    event.remove(db.engine, "commit", note)


@use_case
def _add_genre(name: str) -> None:
    db.session.add(Genre(name=name, slug=name.lower()))


def test_an_inner_use_case_joins_the_outer_one_which_commits_once(app, commits):
    done = []
    with unit_of_work():
        _add_genre("Noir")
        after_commit(lambda: done.append(len(commits)))
        _add_genre("Western")
        assert commits == [] and done == []
    assert commits == ["COMMIT"] and done == [1]
    assert db.session.scalars(select(Genre.name).order_by(Genre.name)).all() == ["Noir", "Western"]


def test_a_failing_use_case_rolls_everything_back_and_runs_nothing_after(app, commits):
    done = []
    with pytest.raises(LookupError), unit_of_work():
        _add_genre("Noir")
        after_commit(lambda: done.append("ran"))
        raise LookupError("the use case fails")
    assert commits == [] and done == []
    assert db.session.scalar(select(Genre)) is None
    with pytest.raises(RuntimeError):
        after_commit(lambda: None)  # outside any unit of work


def test_a_handler_run_during_the_hand_over_does_not_take_the_follow_ups(app, monkeypatch):
    """Embedded, a handler runs in-process while the events are handed over; its own failing
    unit of work must not drop (nor run early) the follow-ups of the one that committed."""
    done = []

    def failing_handler() -> None:
        with pytest.raises(LookupError), unit_of_work():
            raise LookupError("the handler fails")
        done.append("handler")

    monkeypatch.setattr(events, "dispatch_committed", failing_handler)
    with unit_of_work():
        _add_genre("Noir")
        after_commit(lambda: done.append("follow-up"))
    assert done == ["handler", "follow-up"]


@dataclass(frozen=True)
class Seen(events.Event):
    number: int


def test_an_event_is_answered_in_the_process_once_committed_and_never_after_a_rollback(app, monkeypatch):
    from app import handlers

    answered: list[int] = []
    monkeypatch.setitem(handlers.AFTER_COMMIT_HANDLERS, Seen, (lambda event: answered.append(event.number),))
    with unit_of_work():
        events.record(Seen(1))
        assert answered == []  # not before the commit
    assert answered == [1]
    with pytest.raises(LookupError), unit_of_work():
        events.record(Seen(2))
        raise LookupError("the use case fails")
    assert answered == [1]


def test_a_credit_note_and_the_invoice_it_credits_are_issued_in_one_commit(client, factory, commits):
    booking, payment = paid_booking(client, factory, factory.user())
    db.session.execute(db.delete(Invoice))  # as if the invoice's delivery were still pending
    db.session.commit()
    refund = refund_booking(booking.id, actor=None, reason="goodwill",
                            booking_seat_ids=[booking.seats[0].id])
    db.session.execute(db.delete(Invoice))
    db.session.commit()
    commits.clear()

    note = issue_credit_note(refund.id)

    assert commits == ["COMMIT"]  # the payment stays locked from the invoice to its credit note
    kinds = db.session.execute(select(Invoice.kind, Invoice.sequence).order_by(Invoice.sequence)).all()
    assert [kind for kind, _ in kinds] == ["invoice", "credit_note"] and note.kind == "credit_note"
