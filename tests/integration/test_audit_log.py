"""The audit trail: recorded in the transaction of the change, read by managers for their
cinemas and admins for all, and append-only in PostgreSQL itself."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import audit
from app.common.access import Principal
from app.extensions import db
from app.models import AuditEntry


def _entry(cinema_id, action="booking.cancelled", actor=None):
    actor = actor or Principal(id=99, role="staff", email="x@example.test", is_active=True)
    entry = audit.record(actor, action, cinema_id, ("booking", 42), {"status": "confirmed"},
                         {"status": "cancelled"})
    db.session.commit()
    return entry


def test_postgresql_refuses_to_change_or_delete_an_entry(app):
    entry = _entry(None)
    for statement in ("UPDATE audit_entries SET action = 'nothing' WHERE id = :id",
                      "DELETE FROM audit_entries WHERE id = :id"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement), {"id": entry.id})
        db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).action == "booking.cancelled"


def test_managers_read_their_cinemas_and_admins_everything(client, factory):
    mine, other = factory.cinema(), factory.cinema()
    manager = factory.user("manager", cinemas=[mine])
    _entry(mine.id)
    _entry(other.id, action="refund.issued")
    _entry(None, action="user.role_changed")

    page = client.get("/api/audit", headers=factory.headers(manager)).json
    assert [(e["cinema_id"], e["action"]) for e in page["items"]] == [(mine.id, "booking.cancelled")]
    assert page["items"][0]["before"] == {"status": "confirmed"}
    assert page["items"][0]["actor_id"] == 99 and page["items"][0]["actor_role"] == "staff"
    refused = client.get(f"/api/audit?cinema_id={other.id}", headers=factory.headers(manager))
    assert refused.status_code == 403

    admin = factory.headers(factory.user("admin"))
    assert client.get("/api/audit", headers=admin).json["total"] == 3
    assert [e["action"] for e in client.get("/api/audit?action=refund.", headers=admin).json["items"]] \
        == ["refund.issued"]
    assert client.get("/api/audit", headers=factory.headers(factory.user("staff", cinemas=[mine]))) \
        .status_code == 403
