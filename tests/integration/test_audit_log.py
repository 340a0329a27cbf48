"""The audit trail: recorded in the transaction of the change, read by managers for their
cinemas and admins for all, and append-only in PostgreSQL itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import audit
from app.common.access import Principal
from app.common.clock import now
from app.extensions import db
from app.models import AuditEntry
from tests.payments_support import paid_booking


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


def _actions(*, subject_type=None):
    query = db.select(AuditEntry).order_by(AuditEntry.id)
    if subject_type:
        query = query.where(AuditEntry.subject_type == subject_type)
    return list(db.session.scalars(query))


def test_schedule_and_pricing_rule_changes_are_audited_with_before_and_after(client, factory):
    cinema = factory.cinema(timezone="UTC")
    screen = factory.screen(cinema)
    movie = factory.movie()
    manager = factory.user("manager", cinemas=[cinema])
    headers = factory.headers(manager)
    tomorrow = (now() + timedelta(days=1)).date().isoformat()
    created = client.post("/api/schedule/showtime", headers=headers, json={
        "movie_id": movie.id, "screen_id": screen.id, "starts_at": f"{tomorrow}T18:00:00+00:00"})
    assert created.status_code == 201, created.json
    url = f"/api/schedule/showtime/{created.json['id']}"
    moved = client.put(url, headers={**headers, "If-Match": created.headers["ETag"]}, json={
        "movie_id": movie.id, "screen_id": screen.id, "starts_at": f"{tomorrow}T20:00:00+00:00"})
    assert moved.status_code == 200, moved.json
    etag = moved.headers["ETag"]
    assert client.delete(url, headers={**headers, "If-Match": etag}).status_code == 200

    rule = {"cinema_id": cinema.id, "name": "Matinee", "kind": "matinee", "multiplier": "0.85",
            "conditions": {"start_before": "17:00"}}
    rule_id = client.post("/api/pricing/rules", json=rule, headers=headers).json["id"]
    etag = client.get(f"/api/pricing/rules/{rule_id}").headers["ETag"]
    updated = client.put(f"/api/pricing/rules/{rule_id}", json=rule | {"multiplier": "0.9"},
                         headers={**headers, "If-Match": etag})
    assert client.delete(f"/api/pricing/rules/{rule_id}",
                         headers={**headers, "If-Match": updated.headers["ETag"]}).status_code == 204

    schedule = _actions(subject_type="showtime")
    assert [e.action for e in schedule] == ["showtime.created", "showtime.updated", "showtime.cancelled"]
    assert schedule[1].before["starts_at"].startswith(f"{tomorrow} 18:00")
    assert schedule[1].after["starts_at"].startswith(f"{tomorrow} 20:00")
    assert {(e.actor_id, e.actor_role, e.cinema_id) for e in schedule} == {(manager.id, "manager", cinema.id)}
    rules = _actions(subject_type="pricing_rule")
    assert [e.action for e in rules] == ["pricing_rule.created", "pricing_rule.updated",
                                         "pricing_rule.deleted"]
    assert (rules[1].before["multiplier"], rules[1].after["multiplier"]) == ("0.8500", "0.9")


def test_refunds_cancellations_and_role_changes_are_audited_by_id_only(client, factory):
    customer = factory.user()
    booking, _payment = paid_booking(client, factory, customer)
    manager = factory.user("manager", cinemas=[booking.showtime.cinema_id])
    refunded = client.post("/api/payments/refund", headers=factory.headers(manager),
                           json={"booking_id": booking.id, "amount_minor": 300})
    assert refunded.status_code == 201, refunded.json
    assert client.delete(f"/api/bookings/{booking.id}", headers=factory.headers(manager)).status_code == 200
    admin = factory.user("admin")
    promoted = client.patch(f"/api/users/{customer.id}", headers=factory.headers(admin),
                            json={"role": "staff", "cinema_ids": [booking.showtime.cinema_id]})
    assert promoted.status_code == 200, promoted.json

    entries = _actions()
    assert [(e.action, e.actor_id) for e in entries] == [
        ("refund.issued", manager.id), ("booking.cancelled", manager.id),
        ("refund.issued", None),  # the rest, paid back by the system after the cancellation
        ("user.role_changed", admin.id)]
    assert entries[0].after["amount_minor"] == 300 and entries[2].actor_role == "system"
    assert entries[3].before == {"role": "customer", "is_active": True, "cinema_ids": []}
    trail = client.get("/api/audit", headers=factory.headers(admin)).get_data(as_text=True)
    assert customer.email not in trail and customer.full_name not in trail
