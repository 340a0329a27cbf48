"""Delivery of outbox rows (``app.models.outbox``): right after their commit, and by a sweep.

``hand_over`` queues a row's delivery after the commit that wrote it; when Redis or the
queue is unavailable the row simply waits. ``redeliver_pending`` (every minute, from the
recurring table) queues again every row not done after a grace period, so work lost with
Redis, with a killed worker or with a failed hand-over is still done. A handler that fails
stays pending and is retried by the sweep, up to ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from redis.exceptions import RedisError
from sqlalchemy import select, update
from werkzeug.utils import import_string

from app.common.clock import now
from app.common.tasks import launch_task
from app.common.unit_of_work import unit_of_work
from app.extensions import db
from app.models.outbox import OutboxMessage

log = logging.getLogger(__name__)

DELIVERY_TASK = "app.common.outbox.deliver"
# A row handed over normally is done within seconds; the sweep leaves it alone until then.
GRACE = timedelta(minutes=1)
MAX_ATTEMPTS = 20
SWEEP_BATCH = 500


def hand_over(message_id: int) -> None:
    try:
        launch_task("default", DELIVERY_TASK, message_id, description=f"outbox #{message_id}")
    except RedisError as exc:
        log.warning("outbox #%s waits for the sweep: queue unavailable (%s)", message_id,
                    type(exc).__name__)


def deliver(message_id: int) -> bool:
    """Run the row's handler unless it is done; returns whether it ran. Idempotent."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.done_at is not None:
        db.session.rollback()
        return False
    handler, payload = import_string(message.handler), dict(message.payload)
    db.session.rollback()  # the handler runs its own units of work
    try:
        handler(**payload)
    except Exception as exc:
        db.session.rollback()
        with unit_of_work():
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
                attempts=OutboxMessage.attempts + 1,
                last_error=f"{type(exc).__name__}: {exc}"[:2000]))
        raise
    with unit_of_work():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            done_at=now(), attempts=OutboxMessage.attempts + 1, last_error=None))
    return True


def redeliver_pending() -> list[int]:
    """Queue again every row not done within the grace period; returns their ids."""
    ids = list(db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.done_at.is_(None), OutboxMessage.created_at < now() - GRACE,
               OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.created_at).limit(SWEEP_BATCH)))
    db.session.rollback()
    for message_id in ids:
        hand_over(message_id)
    return ids
