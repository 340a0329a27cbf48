"""The audit trail of the back office: :func:`record` is the one way in, ``GET /api/audit`` the way out.

Every service that changes money, prices, schedules, admissions or roles calls :func:`record`
in the transaction of the change, so the entry is committed with it or not at all. Entries are
append-only (PostgreSQL refuses UPDATE and DELETE, see ``app.models.audit``) and name people by
id only.

Actions are ``<subject>.<verb>`` (``refund.issued``, ``booking.cancelled``, ``showtime.updated``,
``pricing_rule.updated``, ``checkin.undone``, ``user.role_changed``, ...).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from app.common.access import Principal
from app.extensions import db
from app.models.audit import SYSTEM_ROLE, AuditEntry

Subject = tuple[str, Any]


def record(actor: Principal | None, action: str, cinema_id: int | None, subject: Subject,
           before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> AuditEntry:
    """Add an entry to the current transaction (committed with the change it describes).

    ``actor`` None is the system (a worker's task, a sweep). ``subject`` is ``(type, id)``, e.g.
    ``("booking", 42)``. ``before`` and ``after`` are the changed fields as plain values (dates
    become ISO strings); they must name people by id, never by name or e-mail.
    """
    subject_type, subject_id = subject
    entry = AuditEntry(
        actor_id=actor.id if actor else None, actor_role=actor.role if actor else SYSTEM_ROLE,
        cinema_id=cinema_id, action=action, subject_type=subject_type, subject_id=str(subject_id),
        before=_plain(before), after=_plain(after),
    )
    db.session.add(entry)
    return entry


def _plain(values: Mapping[str, Any] | None) -> dict | None:
    """JSON-ready values (datetimes, decimals and dates as their strings)."""
    return None if values is None else json.loads(json.dumps(dict(values), default=str))


def blueprints() -> list:
    from app.audit.routes import blp

    return [blp]
