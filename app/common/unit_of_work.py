"""One transaction per use case: the only place a service commits.

A use case runs inside :func:`unit_of_work` (or is decorated with :func:`use_case`):

- its writes are committed once, when the body returns, and rolled back when it raises;
- a use case called inside another joins the outer one, which commits at its own end: locks
  taken by the inner one are held to that end (``issue_credit_note`` locks the payment, then
  has ``issue_invoice`` lock it again without the first commit letting go of it);
- events recorded in it (:func:`app.common.events.record`) become outbox rows in that same
  commit and are handed to the workers after it;
- :func:`after_commit` work (a cache entry dropped, a token blocked in Redis) runs once the
  commit has succeeded, never after a rollback: no request can re-cache the old state.

A workflow that calls a gateway is several use cases in a row (record the attempt, call the
gateway outside any transaction, record the answer), each its own unit of work. Reads open
no unit of work: the request's teardown ends their transaction without writing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from app.common import events
from app.common.lost_steps import lost_step_is_logged
from app.extensions import db

_DEPTH = "cinemaos.unit_of_work.depth"
_AFTER_COMMIT = "cinemaos.unit_of_work.after_commit"

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block wrote when it ends, or roll it back if it raises; joins an outer
    unit of work when there is one."""
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
            session.info.pop(_AFTER_COMMIT, None)
        raise
    finally:
        session.info[_DEPTH] = depth
    if depth == 0:
        # Taken before the hand-over: a handler run in-process (embedded default) opens units
        # of work of its own, which would otherwise run, or on a rollback drop, this one's.
        follow_ups = session.info.pop(_AFTER_COMMIT, [])
        events.dispatch_committed()
        for work in follow_ups:
            # What is committed stays committed: a follow-up lost to Redis is logged, not
            # turned into an error answer for a change that happened (each one heals itself).
            with lost_step_is_logged(getattr(work, "__qualname__", "a follow-up"), "it heals by itself"):
                work()


def use_case(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` as one unit of work."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return function(*args, **kwargs)

    return wrapper


def after_commit(work: Callable[[], object]) -> None:
    """Run ``work`` once the current unit of work has committed (never if it rolls back)."""
    session = db.session()
    if not session.info.get(_DEPTH):
        raise RuntimeError("after_commit needs an open unit of work")
    session.info.setdefault(_AFTER_COMMIT, []).append(work)
