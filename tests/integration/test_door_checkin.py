"""Tickets at the door: each admitted once, forged or misdirected codes refused with the reason,
an offline scanner's list and uploaded scans reconciled, and a door storm admitting one."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.common import clock
from app.common.clock import now
from app.extensions import db
from app.models import AuditEntry, Booking
from app.tickets.codes import code_hash, read_code
from app.tickets.list_signing import verify_list
from tests.payments_support import paid_booking, pending_booking


def _confirmed(factory, user, **kwargs) -> Booking:
    booking = pending_booking(factory, user, **kwargs)
    booking.status, booking.confirmed_at, booking.expires_at = "confirmed", now(), None
    db.session.commit()
    return booking


def _soon(factory):
    """A showtime starting in 20 minutes (doors open 45 minutes before), far from UTC."""
    cinema = factory.cinema(timezone="Asia/Kolkata")
    return factory.showtime(factory.screen(cinema), factory.movie(),
                            starts_at=(now() + timedelta(minutes=20)).replace(microsecond=0))


def _codes(client, factory, booking, user):
    response = client.get(f"/api/bookings/{booking.id}/tickets", headers=factory.headers(user))
    assert response.status_code == 200, response.json
    return [ticket["code"] for ticket in response.json]


def _scan(client, headers, showtime_id, code, **extra):
    return client.post(f"/api/showtimes/{showtime_id}/checkin", headers=headers,
                       json={"code": code, "device": "door-1", **extra})


def test_a_ticket_is_admitted_once_then_refused_with_the_first_scans_time(client, factory):
    showtime = _soon(factory)
    customer = factory.user()
    booking = _confirmed(factory, customer, showtime=showtime)
    staff = factory.user("staff", cinemas=[showtime.cinema_id])
    code = _codes(client, factory, booking, customer)[0]
    assert len(code) < 120 and read_code(code).showtime_id == showtime.id

    first = _scan(client, factory.headers(staff), showtime.id, code)
    assert first.status_code == 201, first.json
    assert first.json["admitted_by"] == staff.id

    again = _scan(client, factory.headers(staff), showtime.id, code)
    assert again.status_code == 409 and again.json["reason"] == "already_admitted"
    assert again.json["errors"]["admitted_at"] == first.json["admitted_at"]
    assert again.json["errors"]["admitted_by"] == staff.id
    zone = ZoneInfo(showtime.screen.cinema.timezone)
    first_at = datetime.fromisoformat(first.json["admitted_at"]).astimezone(zone)
    assert again.json["message"] == f"Already admitted at {first_at:%H:%M} by user {staff.id} on door-1"

    counts = client.get(f"/api/showtimes/{showtime.id}/admissions", headers=factory.headers(staff)).json
    assert (counts["sold"], counts["admitted"]) == (2, 1)
    assert [t["status"] for t in client.get(f"/api/bookings/{booking.id}/tickets",
                                            headers=factory.headers(customer)).json] == ["admitted", "valid"]


def test_undo_lets_the_ticket_in_again_and_is_audited(client, factory):
    showtime = _soon(factory)
    customer = factory.user()
    booking = _confirmed(factory, customer, showtime=showtime, seats=1)
    staff = factory.headers(factory.user("staff", cinemas=[showtime.cinema_id]))
    code = _codes(client, factory, booking, customer)[0]
    ticket_id = read_code(code).ticket_id
    assert _scan(client, staff, showtime.id, code).status_code == 201

    assert client.delete(f"/api/tickets/{ticket_id}/checkin", headers=staff).status_code == 204
    assert client.delete(f"/api/tickets/{ticket_id}/checkin", headers=staff).status_code == 404
    assert _scan(client, staff, showtime.id, code).status_code == 201
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "checkin.undone"))
    assert entry.subject_id == str(ticket_id) and entry.before["device"] == "door-1"


def test_forged_and_altered_codes_are_refused(client, factory, app):
    showtime = _soon(factory)
    customer = factory.user()
    booking = _confirmed(factory, customer, showtime=showtime)
    staff = factory.headers(factory.user("staff", cinemas=[showtime.cinema_id]))
    code, other = _codes(client, factory, booking, customer)
    prefix, kid, body, tag = code.split(".")
    other_body = other.split(".")[2]

    altered = _scan(client, staff, showtime.id, f"{prefix}.{kid}.{other_body}.{tag}")
    assert (altered.status_code, altered.json["reason"]) == (422, "invalid_signature")
    forged = _scan(client, staff, showtime.id, f"{prefix}.{kid}.{body}.{'A' * len(tag)}")
    assert forged.json["reason"] == "invalid_signature"
    assert _scan(client, staff, showtime.id, f"{prefix}.zz.{body}.{tag}").json["reason"] == "unknown_key"
    assert _scan(client, staff, showtime.id, "just a booking id 42").json["reason"] == "invalid_ticket_code"


def test_a_rotated_key_still_admits_tickets_it_signed(client, factory, app, monkeypatch):
    showtime = _soon(factory)
    customer = factory.user()
    booking = _confirmed(factory, customer, showtime=showtime, seats=1)
    staff = factory.headers(factory.user("staff", cinemas=[showtime.cinema_id]))
    old_code = _codes(client, factory, booking, customer)[0]
    old_kid = app.config["TICKET_SIGNING_KEY_ID"]
    monkeypatch.setitem(app.config, "TICKET_SIGNING_KEYS",
                        {**app.config["TICKET_SIGNING_KEYS"], "new": "n" * 40})
    monkeypatch.setitem(app.config, "TICKET_SIGNING_KEY_ID", "new")

    assert _codes(client, factory, booking, customer)[0].split(".")[1] == "new"
    assert old_code.split(".")[1] == old_kid
    assert _scan(client, staff, showtime.id, old_code).status_code == 201


def test_tickets_of_another_show_cancelled_or_unpaid_are_refused(client, factory):
    showtime = _soon(factory)
    later = factory.showtime(showtime.screen, showtime.movie, starts_at=showtime.blocked_until)
    elsewhere = factory.showtime(factory.screen(showtime.screen.cinema), showtime.movie,
                                 starts_at=showtime.starts_at)
    customer = factory.user()
    staff = factory.headers(factory.user("staff", cinemas=[showtime.cinema_id]))
    for other, reason in ((later, "wrong_showtime"), (elsewhere, "wrong_screen")):
        code = _codes(client, factory, _confirmed(factory, customer, showtime=other, seats=1), customer)[0]
        refused = _scan(client, staff, showtime.id, code)
        assert (refused.status_code, refused.json["reason"]) == (409, reason)
        assert refused.json["errors"]["ticket_showtime_id"] == other.id

    cancelled = _confirmed(factory, customer, showtime=showtime, seats=1)
    code = _codes(client, factory, cancelled, customer)[0]
    assert client.delete(f"/api/bookings/{cancelled.id}", headers=staff).status_code == 200
    assert _scan(client, staff, showtime.id, code).json["reason"] == "ticket_cancelled"

    unpaid = pending_booking(factory, customer, showtime=showtime, seats=1)
    assert _scan(client, staff, showtime.id, _codes(client, factory, unpaid, customer)[0]).json["reason"] \
        == "booking_not_paid"


def test_too_early_unless_staff_override_it_which_is_audited(client, factory):
    cinema = factory.cinema()
    showtime = factory.showtime(factory.screen(cinema), factory.movie(),
                                starts_at=(now() + timedelta(hours=3)).replace(microsecond=0))
    customer = factory.user()
    code = _codes(client, factory, _confirmed(factory, customer, showtime=showtime, seats=1), customer)[0]
    staff = factory.headers(factory.user("staff", cinemas=[cinema]))
    early = _scan(client, staff, showtime.id, code)
    assert early.json["reason"] == "too_early" and "doors_open_at" in early.json["errors"]
    assert _scan(client, staff, showtime.id, code, override_too_early=True).status_code == 201
    assert db.session.scalar(db.select(AuditEntry.action)) == "checkin.overridden"


def test_only_staff_of_the_showtimes_cinema_check_in(client, factory):
    showtime = _soon(factory)
    customer = factory.user()
    code = _codes(client, factory, _confirmed(factory, customer, showtime=showtime, seats=1), customer)[0]
    elsewhere = factory.headers(factory.user("staff", cinemas=[factory.cinema()]))
    assert _scan(client, elsewhere, showtime.id, code).status_code == 403
    assert _scan(client, factory.headers(customer), showtime.id, code).status_code == 403
    stranger = factory.headers(factory.user())
    assert client.get(f"/api/bookings/{read_code(code).ticket_id}/tickets", headers=stranger).status_code \
        in (403, 404)


def test_the_offline_list_and_uploaded_scans_with_a_double_scan_reported(client, factory):
    showtime = _soon(factory)
    customer = factory.user()
    booking = _confirmed(factory, customer, showtime=showtime, seats=3)
    staff = factory.headers(factory.user("staff", cinemas=[showtime.cinema_id]))
    first, second, third = _codes(client, factory, booking, customer)
    # one ticket went in online before the network dropped
    assert _scan(client, staff, showtime.id, third).status_code == 201

    listing = client.get(f"/api/showtimes/{showtime.id}/checkin-list", headers=staff).json
    by_hash = {h: t for t in listing["tickets"] for h in t["code_hashes"]}
    assert [by_hash[code_hash(c)]["status"] for c in (first, second, third)] == ["valid", "valid", "admitted"]
    assert code_hash("CT1.x.1-2-3-4.forged") not in by_hash
    # the scanner verifies the list with the public key alone; an altered list fails
    keys = client.get("/api/checkin-list-keys", headers=staff).json
    public_key = keys["keys"][listing["key_id"]]
    assert verify_list(listing, public_key)
    assert not verify_list({**listing, "tickets": listing["tickets"][:2]}, public_key)
    assert not verify_list({**listing, "signature": "AAAA"}, public_key)
    assert client.get("/api/checkin-list-keys", headers=factory.headers(customer)).status_code == 403

    clock.advance(timedelta(minutes=5))
    at = now()
    scans = [
        {"code": first, "scanned_at": (at - timedelta(minutes=4)).isoformat(), "device": "door-2"},
        {"code": second, "scanned_at": (at - timedelta(minutes=3)).isoformat(), "device": "door-2"},
        {"code": first, "scanned_at": (at - timedelta(minutes=2)).isoformat(), "device": "door-3"},
        {"code": "CT1.x.1-2-3-4.forged", "scanned_at": at.isoformat(), "device": "door-3"},
    ]
    report = client.post(f"/api/showtimes/{showtime.id}/offline-scans", headers=staff,
                         json={"scans": scans})
    assert report.status_code == 200, report.json
    body = report.json
    assert sorted(a["device"] for a in body["admitted"]) == ["door-2", "door-2"]
    assert [(c["winner"]["device"], c["later_scan"]["device"]) for c in body["conflicts"]] \
        == [("door-2", "door-3")]
    assert [r["reason"] for r in body["refused"]] == ["unknown_key"]
    counts = client.get(f"/api/showtimes/{showtime.id}/admissions", headers=staff).json
    assert counts["admitted"] == 3


def test_a_door_storm_admits_a_ticket_exactly_once(app, client, factory):
    showtime = _soon(factory)
    customer = factory.user()
    code = _codes(client, factory, _confirmed(factory, customer, showtime=showtime, seats=1), customer)[0]
    scanners = [factory.headers(factory.user("staff", cinemas=[showtime.cinema_id])) for _ in range(12)]
    url = f"/api/showtimes/{showtime.id}/checkin"
    barrier = threading.Barrier(len(scanners))
    statuses = []

    def scan(headers):
        barrier.wait()
        response = app.test_client().post(url, headers=headers, json={"code": code})
        statuses.append((response.status_code, response.get_json().get("reason")))

    threads = [threading.Thread(target=scan, args=(h,)) for h in scanners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses, key=str) == sorted([(201, None)] + [(409, "already_admitted")] * 11, key=str)


def test_the_confirmation_mail_and_the_printable_pdf_carry_the_tickets(client, factory, monkeypatch):
    sent = []
    monkeypatch.setattr("app.payments.notifications.deliver_email",
                        lambda to, subject, body: sent.append(body))
    customer = factory.user()
    booking, _payment = paid_booking(client, factory, customer)
    codes = _codes(client, factory, booking, customer)
    assert len(sent) == 1 and all(code in sent[0] for code in codes)

    tickets = client.get(f"/api/bookings/{booking.id}/tickets", headers=factory.headers(customer)).json
    assert tickets[0]["qr_svg"].startswith("<svg") and tickets[0]["status"] == "valid"
    pdf = client.get(f"/api/bookings/{booking.id}/tickets.pdf", headers=factory.headers(customer))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and booking.reference.encode() in pdf.data
    stranger = factory.headers(factory.user())
    assert client.get(f"/api/bookings/{booking.id}/tickets.pdf", headers=stranger).status_code == 404
