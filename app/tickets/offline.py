"""For scanners that lose the network: a signed list of a showtime's tickets to check against
offline, and the reconciliation of the scans they made meanwhile.

The list names each ticket by the hashes of its codes (one per listed key, so a ticket sold
before a key rotation is found too), never by a code: a lost scanner leaks nothing that could be
shown at a door. It is signed with Ed25519 (``list_signing``), so a scanner holding only the
public key can tell a list we issued, unaltered, without the network and without a secret.

Uploaded scans are reconciled in the order they were made: the first scan of a ticket wins,
wherever it happened (an offline scan earlier than the admission on record takes its place),
and every later scan of the same ticket is reported as a conflict beside the one that won.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.common.access import Principal
from app.common.clock import now
from app.common.errors import DomainError
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import Booking, BookingSeat, TicketCheckin
from app.tickets.admission import refusal, ticket_state
from app.tickets.checkin import (
    Scan,
    door_showtime,
    doors_open,
    record_admission,
    refusal_entry,
    verified_ticket,
)
from app.tickets.codes import code_hash, ticket_code
from app.tickets.list_signing import sign_list


def checkin_list(principal: Principal, showtime_id: int) -> dict:
    """Every ticket of the showtime with its state now, signed."""
    showtime = door_showtime(principal, showtime_id)
    lines = db.session.scalars(
        select(BookingSeat).join(Booking, Booking.id == BookingSeat.booking_id)
        .where(BookingSeat.showtime_id == showtime.id).order_by(BookingSeat.id))
    admitted = set(db.session.scalars(
        select(TicketCheckin.booking_seat_id).where(TicketCheckin.showtime_id == showtime.id)))
    keys = current_app.config["TICKET_SIGNING_KEYS"]
    tickets = []
    for line in lines:
        state = ticket_state(line.booking, line)
        codes = [ticket_code(line.id, showtime.id, line.seat_id, showtime.ends_at, key_id=kid)
                 for kid in keys]
        tickets.append({
            "ticket_id": line.id, "seat": line.seat.label,
            "code_hashes": [code_hash(code) for code in codes],
            "status": "admitted" if line.id in admitted else state.reason if state else "valid",
        })
    body = {
        "showtime_id": showtime.id, "cinema_id": showtime.cinema_id, "screen_id": showtime.screen_id,
        "starts_at": showtime.starts_at.isoformat(), "ends_at": showtime.ends_at.isoformat(),
        "doors_open_at": (showtime.starts_at - doors_open()).isoformat(),
        "generated_at": now().isoformat(), "key_id": current_app.config["TICKET_SIGNING_KEY_ID"],
        "tickets": tickets,
    }
    return {**body, "signature": sign_list(body)}


@use_case
def reconcile_scans(principal: Principal, showtime_id: int, scans: list[Scan]) -> dict:
    """Record offline scans, first scan of each ticket winning; report what was refused and
    which scans came after another of the same ticket."""
    door = door_showtime(principal, showtime_id)
    admitted, refused, conflicts = [], [], []
    for scan in sorted(scans, key=lambda s: s.at):
        scanned = {"code": scan.code, "scanned_at": scan.at.isoformat(), "device": scan.device}
        try:
            line = verified_ticket(scan.code)
        except DomainError as error:
            refused.append({**scanned, "ticket_id": None, "reason": error.reason, "message": error.message,
                            "details": {}})
            continue
        problem = refusal(line, door, scan.at, doors_open())
        if problem is not None:
            refused.append({**scanned, "ticket_id": line.id, **refusal_entry(problem)})
            continue
        checkin, first = record_admission(line, scan, principal, source="offline")
        if checkin is not None:
            admitted.append(checkin)
            continue
        later = {"scanned_at": scan.at.isoformat(), "device": scan.device, "scanned_by": principal.id}
        if first.admitted_at > scan.at:  # this scan came first: it is the admission
            later = {"scanned_at": first.admitted_at.isoformat(), "device": first.device,
                     "scanned_by": first.admitted_by}
            first.admitted_at, first.device, first.admitted_by, first.source = (
                scan.at, scan.device, principal.id, "offline")
        conflicts.append({"ticket_id": line.id, "winner": first, "later_scan": later})
    return {"showtime_id": door.id, "admitted": admitted, "refused": refused, "conflicts": conflicts}
