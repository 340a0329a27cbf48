"""What the tickets and the door answer and take."""

from __future__ import annotations

import marshmallow as ma

from app.common.fields import AwareDateTime, Boolean, List, Text

CODE_EXAMPLE = "CT1.k1.a5-2n-1o-r3g1c0.Ak2tD9sQm1Xo0PbCw7yLzQ"
TICKET_STATUSES = ("valid", "admitted", "ticket_cancelled", "booking_not_paid")


def _code(description: str) -> Text:
    return Text(required=True, min_length=1, max_length=200,
                metadata={"description": description, "example": CODE_EXAMPLE})


def _device() -> Text:
    return Text(max_length=60, load_default=None, allow_none=True, metadata={
        "description": "Which scanner read it (free text, e.g. `door-2`)", "example": "door-2"})


class TicketSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "Ticket id (the booked seat's)", "example": 1532})
    booking_id = ma.fields.Integer(metadata={"description": "Booking", "example": 812})
    reference = ma.fields.String(metadata={"description": "Booking reference", "example": "K7Q-4MZ"})
    showtime_id = ma.fields.Integer(metadata={"description": "Showtime", "example": 77})
    seat_id = ma.fields.Integer(metadata={"description": "Seat", "example": 60})
    seat = ma.fields.String(metadata={"description": "Row and number", "example": "C7"})
    category = ma.fields.String(metadata={"description": "Seat category", "example": "standard"})
    ticket_type = ma.fields.String(metadata={"description": "Ticket type", "example": "adult"})
    starts_at = ma.fields.DateTime(metadata={"description": "When the show starts (UTC)",
                                             "example": "2026-12-05T19:30:00+00:00"})
    valid_until = ma.fields.DateTime(metadata={"description": "The code is valid until the show ends",
                                               "example": "2026-12-05T21:45:00+00:00"})
    status = ma.fields.String(metadata={
        "description": "valid, admitted (scanned in), ticket_cancelled or booking_not_paid",
        "enum": list(TICKET_STATUSES), "example": "valid"})
    code = ma.fields.String(metadata={
        "description": "The signed code the QR holds (shown as text under it, for typing in)",
        "example": CODE_EXAMPLE})
    qr_svg = ma.fields.String(metadata={"description": "The QR of `code` as an SVG document",
                                        "example": "<svg xmlns=\"http://www.w3.org/2000/svg\" ...</svg>"})


class ScanSchema(ma.Schema):
    code = _code("The scanned code")
    device = _device()
    override_too_early = Boolean(load_default=False, metadata={
        "description": "Admit although the doors are not open yet (recorded in the audit trail)",
        "example": False})


class AdmissionSchema(ma.Schema):
    ticket_id = ma.fields.Integer(attribute="booking_seat_id", metadata={"description": "Ticket admitted",
                                                                         "example": 1532})
    admitted_at = ma.fields.DateTime(metadata={"description": "When it was scanned (UTC)",
                                               "example": "2026-12-05T19:12:40+00:00"})
    admitted_by = ma.fields.Integer(allow_none=True, metadata={"description": "User who scanned it",
                                                               "example": 7})
    device = ma.fields.String(allow_none=True, metadata={"description": "Scanner", "example": "door-2"})
    source = ma.fields.String(metadata={"description": "online or offline (uploaded later)",
                                        "example": "online"})


class AdmissionCountsSchema(ma.Schema):
    showtime_id = ma.fields.Integer(metadata={"description": "Showtime", "example": 77})
    sold = ma.fields.Integer(metadata={"description": "Paid tickets not cancelled", "example": 120})
    admitted = ma.fields.Integer(metadata={"description": "Tickets scanned in", "example": 87})
    not_yet_admitted = ma.fields.Integer(metadata={"description": "Sold, not scanned in yet",
                                                   "example": 33})


class ListedTicketSchema(ma.Schema):
    ticket_id = ma.fields.Integer(metadata={"description": "Ticket", "example": 1532})
    seat = ma.fields.String(metadata={"description": "Row and number", "example": "C7"})
    code_hashes = ma.fields.List(ma.fields.String(), metadata={
        "description": "First 32 hex digits of the SHA-256 of each code the ticket may show (one "
                       "per signing key in use): hash what you scan and look it up",
        "example": ["9f2c51a8e04b7d13c6a0f5e2d8b91c47"]})
    status = ma.fields.String(metadata={"description": "valid, admitted, ticket_cancelled or "
                                                      "booking_not_paid when the list was made",
                                        "enum": list(TICKET_STATUSES), "example": "valid"})


class CheckinListSchema(ma.Schema):
    showtime_id = ma.fields.Integer(metadata={"description": "Showtime", "example": 77})
    cinema_id = ma.fields.Integer(metadata={"description": "Cinema", "example": 1})
    screen_id = ma.fields.Integer(metadata={"description": "Screen", "example": 3})
    starts_at = ma.fields.String(metadata={"description": "Show start (UTC, ISO 8601)",
                                           "example": "2026-12-05T19:30:00+00:00"})
    ends_at = ma.fields.String(metadata={"description": "Show end: tickets expire",
                                         "example": "2026-12-05T21:45:00+00:00"})
    doors_open_at = ma.fields.String(metadata={"description": "Earlier scans are too early",
                                               "example": "2026-12-05T18:45:00+00:00"})
    generated_at = ma.fields.String(metadata={"description": "When the list was made",
                                              "example": "2026-12-05T18:30:00+00:00"})
    key_id = ma.fields.String(metadata={"description": "Key id of the signature", "example": "k1"})
    tickets = ma.fields.List(ma.fields.Nested(ListedTicketSchema), metadata={
        "description": "Every ticket of the showtime"})
    signature = ma.fields.String(metadata={
        "description": "Ed25519 signature (base64url) over the canonical JSON of every other field "
                       "(keys sorted, no spaces), by the public key of `key_id` from "
                       "`GET /api/checkin-list-keys`",
        "example": "Q2l0ZWQgYnkgbm8gb25lLCBhIGRlbW8gc2lnbmF0dXJlIG9mIDY0IGJ5dGVzIGxvbmcgZm9yIHRoZSBkb2NzLg"})


class CheckinListKeysSchema(ma.Schema):
    current_key_id = ma.fields.String(metadata={"description": "Key id that signs new lists",
                                                "example": "k1"})
    keys = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), metadata={
        "description": "Public Ed25519 key (raw 32 bytes, base64url) of each key id in use: keep "
                       "them on the scanner to verify lists offline",
        "example": {"k1": "dGhpcnR5LXR3byBieXRlcyBvZiBhIHB1YmxpYyBrZXk"}})


class OfflineScanSchema(ma.Schema):
    code = _code("The code the scanner read")
    scanned_at = AwareDateTime(required=True, metadata={"description": "When it was read",
                                                        "example": "2026-12-05T19:12:40+00:00"})
    device = _device()


class OfflineScansSchema(ma.Schema):
    scans = List(ma.fields.Nested(OfflineScanSchema), required=True, min_items=1, max_items=5000,
                 metadata={"description": "Scans made while offline, in any order"})


class RefusedScanSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "The code as scanned", "example": CODE_EXAMPLE})
    ticket_id = ma.fields.Integer(allow_none=True, metadata={"description": "Its ticket, if it is one",
                                                             "example": 1532})
    scanned_at = ma.fields.String(metadata={"description": "When it was scanned",
                                            "example": "2026-12-05T18:20:00+00:00"})
    device = ma.fields.String(allow_none=True, metadata={"description": "Scanner", "example": "door-2"})
    reason = ma.fields.String(metadata={"description": "Why it was refused (as a live scan's reason)",
                                        "example": "too_early"})
    message = ma.fields.String(metadata={"description": "For people", "example": "Not open yet"})
    details = ma.fields.Dict(metadata={"description": "What the reason refers to", "example": {}})


class LaterScanSchema(ma.Schema):
    scanned_at = ma.fields.String(metadata={"description": "When", "example": "2026-12-05T19:20:02+00:00"})
    device = ma.fields.String(allow_none=True, metadata={"description": "Scanner", "example": "door-1"})
    scanned_by = ma.fields.Integer(allow_none=True, metadata={"description": "User", "example": 9})


class ScanConflictSchema(ma.Schema):
    ticket_id = ma.fields.Integer(metadata={"description": "Ticket scanned twice", "example": 1532})
    winner = ma.fields.Nested(AdmissionSchema, metadata={"description": "The first scan: the admission"})
    later_scan = ma.fields.Nested(LaterScanSchema, metadata={"description": "The scan that came after"})


class ReconciliationSchema(ma.Schema):
    showtime_id = ma.fields.Integer(metadata={"description": "Showtime", "example": 77})
    admitted = ma.fields.List(ma.fields.Nested(AdmissionSchema), metadata={
        "description": "Scans recorded as admissions"})
    refused = ma.fields.List(ma.fields.Nested(RefusedScanSchema), metadata={
        "description": "Scans of tickets that should not have gone in"})
    conflicts = ma.fields.List(ma.fields.Nested(ScanConflictSchema), metadata={
        "description": "Tickets scanned more than once: the first scan won"})
