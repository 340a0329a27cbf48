"""Redis steps after a commit (session listeners, a unit of work's follow-ups) must never fail it.

An exception raised in ``after_commit`` escapes ``session.commit()`` although PostgreSQL has
committed, and leaves the session in its "committed" state, where even ``rollback()`` raises:
the request ends in a 500 (a paid booking told "internal error") and its clean-up fails too.
Each such step heals by itself (its module says how), so losing it is logged, not raised.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from redis.exceptions import RedisError

log = logging.getLogger(__name__)


@contextmanager
def lost_step_is_logged(step: str, heals: str) -> Iterator[None]:
    try:
        yield
    except RedisError as exc:
        log.warning("%s lost after a commit (Redis: %s); %s", step, type(exc).__name__, heals)
