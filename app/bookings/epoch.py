"""The sales epoch: one Redis value that changes whenever what a hold relies on changes.

Holds keep each showtime's sales facts (status, start, seats, prices) in worker memory
(``app.bookings.context``) and trust them only while the epoch they were read under is
still current. Every committed change to the tables behind those facts replaces the epoch,
whichever process made it (API, RQ worker, CLI), so no worker can sell from stale facts.

The epoch is a random token rather than a counter: after Redis loses its data (a restart,
a test's FLUSHDB) a fresh token can never equal one a worker remembers from before.
"""

from __future__ import annotations

import secrets

from flask import Flask, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from app.common.lost_steps import lost_step_is_logged
from app.extensions import db, redis_client

EPOCH_KEY = "sales:epoch"
# Everything a hold or a seat map reads besides bookings and locks.
WATCHED_TABLES = frozenset({"showtimes", "cinemas", "screens", "seats", "seat_category_prices",
                            "pricing_rules", "ticket_types", "booking_fees"})
_STALE = "sales_epoch_stale"


def current_epoch() -> str:
    """The epoch now; Redis without one (just started or flushed) is given a fresh one."""
    client = redis_client.client
    epoch = client.get(EPOCH_KEY)
    if epoch is None:
        client.set(EPOCH_KEY, secrets.token_hex(8), nx=True)
        epoch = client.get(EPOCH_KEY)
    return epoch


def bump_epoch() -> None:
    redis_client.client.set(EPOCH_KEY, secrets.token_hex(8))


def _touches_watched_table(objects) -> bool:
    return any(getattr(obj, "__tablename__", None) in WATCHED_TABLES for obj in objects)


# Listeners on the app's scoped session (:func:`install_epoch_listeners`): ORM changes are
# seen at flush, bulk statements (``session.execute(update(...))``, as repricing does) when
# they run, and the epoch moves only once the transaction has committed. A rolled-back change
# may still bump it: a spare reload, never a stale sale.
def _note_flushed_changes(session: Session, _flush_context) -> None:
    if _touches_watched_table([*session.new, *session.dirty, *session.deleted]):
        session.info[_STALE] = True


def _note_bulk_changes(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in WATCHED_TABLES:
            state.session.info[_STALE] = True


def _bump_after_commit(session: Session) -> None:
    if session.info.pop(_STALE, False) and has_app_context():
        # Redis unreachable after a commit is most often Redis restarting: it comes back
        # without the old epoch and current_epoch starts a fresh one, which is the bump.
        with lost_step_is_logged("sales epoch bump", "a Redis that lost it starts a fresh epoch"):
            bump_epoch()


_LISTENERS = (("after_flush", _note_flushed_changes), ("do_orm_execute", _note_bulk_changes),
              ("after_commit", _bump_after_commit))


def install_epoch_listeners(app: Flask) -> None:
    """Watch the application's sessions (once per process: every app shares ``db``)."""
    for name, listener in _LISTENERS:
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
