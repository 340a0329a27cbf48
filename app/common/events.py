"""Domain events: what a use case records happened, and the follow-ups that must not be lost.

A use case records events in its unit of work (:func:`record`); the commit that ends it
(``app.common.unit_of_work``) is its one transaction boundary (cosmicpython's message bus,
without the bus's class):

1. Before the commit, each event becomes one outbox row per durable handler registered for it
   in ``app.handlers`` (refund, invoice, e-mail...), in the same transaction: the change and
   the work it owes are kept or lost together.
2. After the commit, each row is handed to a worker (``app.common.outbox.deliver``). If that
   hand-over fails (Redis down, a worker killed), the recurring sweep delivers it later.

A commit outside a unit of work still writes the rows (the listener is on the session); only
the immediate hand-over waits for the sweep. A rollback drops what was recorded.

Work that may be lost, because it heals by itself (a cache dropped), is no outbox row: the
handlers ``app.handlers`` lists for after the commit run in the process, through the unit of
work's ``after_commit``, once it has committed (never after a rollback). Such an event is
recorded inside a unit of work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db

log = logging.getLogger(__name__)

_RECORDED = "cinemaos.events.recorded"
_WRITTEN = "cinemaos.events.written"
_COMMITTED = "cinemaos.events.committed"


@dataclass(frozen=True)
class Event:
    """Base of every domain event: a frozen record of plain values (ids, amounts, reasons)."""

    name: ClassVar[str]

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = cls.__name__


def record(event: Event, session: Session | None = None) -> None:
    """Note that ``event`` happened in the current unit of work."""
    from app.common.unit_of_work import after_commit
    from app.handlers import AFTER_COMMIT_HANDLERS

    session = session or db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even before any SQL, forgets the event
    session.info.setdefault(_RECORDED, []).append(event)
    for handler in AFTER_COMMIT_HANDLERS.get(type(event), ()):
        after_commit(_answer(handler, event))


def _answer(handler: Callable[[Any], None], event: Event) -> Callable[[], None]:
    def answer() -> None:
        handler(event)

    # Named for the log when the answer is lost (``unit_of_work``'s follow-ups).
    answer.__qualname__ = f"{handler.__qualname__}({event.name})"
    return answer


def dispatch_committed() -> None:
    """Hand the outbox rows written by the last commit to the workers (best effort: the sweep
    delivers whatever this does not)."""
    from app.common.outbox import hand_over

    ids = db.session().info.pop(_COMMITTED, [])
    for message_id in ids:
        hand_over(message_id)


def _write_outbox(session: Session) -> None:
    from app.handlers import DURABLE_HANDLERS
    from app.models.outbox import OutboxMessage

    events = session.info.pop(_RECORDED, [])
    written = session.info.setdefault(_WRITTEN, [])
    for event in events:
        handlers = DURABLE_HANDLERS.get(type(event), ())
        if not handlers:
            log.debug("event %s has no durable handler", event.name)
        for handler in handlers:
            message = OutboxMessage(event=event.name, handler=handler, payload=asdict(event))
            session.add(message)
            written.append(message)


def _note_committed(session: Session) -> None:
    # No SQL may run here: the primary keys come from the identity map.
    written = session.info.pop(_WRITTEN, [])
    session.info.setdefault(_COMMITTED, []).extend(
        inspect(message).identity[0] for message in written if inspect(message).identity)


def _forget(session: Session, previous_transaction: SessionTransaction) -> None:
    # Every rollback() of the unit of work, even one before any SQL ran (after_rollback only
    # fires once the database was asked); a savepoint's rollback keeps the outer events.
    if not previous_transaction.nested and previous_transaction.parent is None:
        session.info.pop(_RECORDED, None)
        session.info.pop(_WRITTEN, None)


_LISTENERS = (("before_commit", _write_outbox), ("after_commit", _note_committed),
              ("after_soft_rollback", _forget))


def install_event_recording(app: Flask) -> None:
    """Listen on the application's sessions (once per process: every app shares ``db``)."""
    for name, listener in _LISTENERS:
        if not sa_event.contains(db.session, name, listener):
            sa_event.listen(db.session, name, listener)
