"""A till's counter work and its cash-up never overlap.

A sale, a refund or a void at the counter spans several transactions (the hold, the booking, the
payment, the shift's entry), and money changes hands in the middle. A cash-up that closed the
drawer between the payment and the entry would count the drawer without that sale's cash and
leave its entry in a closed shift. So counter work holds a shared PostgreSQL advisory lock on the
shift, on a connection of its own for the whole action, and the cash-up takes the same lock
exclusively, before its row lock on the shift (the other order could deadlock with an entry's
foreign-key check): it waits for the actions in progress to finish, and an action that starts
after it finds the shift closed before any money is taken.

The embedded default (SQLite, one process) has no advisory locks: there a lock per shift in the
process stands in, which a cash-up waits on but does not keep until its commit (a demo's till).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from threading import Lock
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import text

from app.common.access import Principal
from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

# The advisory lock's first key: box-office tills (the second is the shift id).
_TILLS = 20_701


CounterAction = Callable[Concatenate[Principal, int, P], R]


def counter_action(action: CounterAction[P, R]) -> CounterAction[P, R]:
    """Decorates ``action(principal, shift_id, ...)``: the till stays open until it is over."""

    @wraps(action)
    def guarded(principal: Principal, shift_id: int, *args: P.args, **kwargs: P.kwargs) -> R:
        with _till_held_open(shift_id):
            return action(principal, shift_id, *args, **kwargs)

    return guarded


_in_process: dict[int, Lock] = {}
_in_process_guard = Lock()


def _in_process_lock(shift_id: int) -> Lock:
    with _in_process_guard:
        return _in_process.setdefault(shift_id, Lock())


def _advisory_locks() -> bool:
    return db.engine.dialect.name == "postgresql"


@contextmanager
def _till_held_open(shift_id: int) -> Iterator[None]:
    if not _advisory_locks():
        with _in_process_lock(shift_id):
            yield
        return
    # Autocommit: the lock is the database session's, so no transaction stays open meanwhile.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SELECT pg_advisory_lock_shared(:tills, :shift)"),
                           {"tills": _TILLS, "shift": shift_id})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock_shared(:tills, :shift)"),
                               {"tills": _TILLS, "shift": shift_id})


def wait_for_counter_actions(shift_id: int) -> None:
    """In the cash-up's transaction: wait for counter actions in progress, and keep new ones
    out until it commits."""
    if not _advisory_locks():
        with _in_process_lock(shift_id):
            return
    db.session.execute(text("SELECT pg_advisory_xact_lock(:tills, :shift)"),
                       {"tills": _TILLS, "shift": shift_id})
