"""HTTP routes of tickets (a booking's, with their QR codes and PDF) and of the door (check-in)."""

from __future__ import annotations

from flask import Response, current_app
from flask.views import MethodView

from app.common.access import ANY_USER, STAFF_ROLES, current_principal
from app.common.blueprint import ServiceBlueprint
from app.tickets.checkin import Scan, admission_counts, admit, undo_admission
from app.tickets.list_signing import public_keys
from app.tickets.offline import checkin_list, reconcile_scans
from app.tickets.pdf import render_tickets_pdf
from app.tickets.schemas import (
    AdmissionCountsSchema,
    AdmissionSchema,
    CheckinListKeysSchema,
    CheckinListSchema,
    OfflineScansSchema,
    ReconciliationSchema,
    ScanSchema,
    TicketSchema,
)
from app.tickets.tickets import booking_tickets

tickets_blp = ServiceBlueprint(
    "tickets", __name__, url_prefix="/api",
    description="Tickets: one per booked seat, each with a signed code and its QR, valid until the "
                "show ends. The booking's owner and the staff of its cinema see them.",
)
door_blp = ServiceBlueprint(
    "door", __name__, url_prefix="/api",
    description="Check-in at the door, for the staff of the showtime's cinema: scans admitted "
                "exactly once or refused with the reason, undo, counts, and a signed list for "
                "scanners that lose the network with the upload of their scans.",
)

_REFUSALS = ("The ticket may not go in: `already_admitted` (`errors`: when, by whom, on which "
             "device), `wrong_showtime` or `wrong_screen` (`errors`: the ticket's showtime), "
             "`ticket_cancelled`, `booking_not_paid`, `too_early` (`errors`: when the doors open) "
             "or `ticket_expired`")
_NOT_OURS = ("The code is not a valid ticket: `invalid_ticket_code`, `unknown_key` (signed with a "
             "key not listed) or `invalid_signature` (altered or forged)")


@tickets_blp.route("/bookings/<int:booking_id>/tickets")
class BookingTickets(MethodView):
    @tickets_blp.access(*ANY_USER)
    @tickets_blp.response(200, TicketSchema(many=True))
    @tickets_blp.alt_response(403, description="Staff of another cinema (`cinema_not_assigned`)")
    def get(self, booking_id: int):
        """The tickets of a booking, with their codes and QR codes"""
        return booking_tickets(current_principal(), booking_id)[1]


@tickets_blp.route("/bookings/<int:booking_id>/tickets.pdf")
class BookingTicketsPdf(MethodView):
    @tickets_blp.access(*ANY_USER)
    @tickets_blp.doc(responses={"200": {
        "description": "The printable tickets, one block with its QR per seat",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
    @tickets_blp.alt_response(403, description="Staff of another cinema (`cinema_not_assigned`)")
    def get(self, booking_id: int):
        """The tickets of a booking as a PDF to print"""
        booking, tickets = booking_tickets(current_principal(), booking_id)
        return Response(render_tickets_pdf(booking, tickets), mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="tickets-{booking.reference}.pdf"',
            "Cache-Control": "private, no-store"})


@door_blp.route("/showtimes/<int:showtime_id>/checkin")
class ShowtimeCheckin(MethodView):
    @door_blp.access(*STAFF_ROLES)
    @door_blp.arguments(ScanSchema)
    @door_blp.response(201, AdmissionSchema, description="Admitted")
    @door_blp.alt_response(403, description="Not staff of the showtime's cinema (`cinema_not_assigned`)")
    @door_blp.alt_response(409, response="CONFLICT", description=_REFUSALS)
    @door_blp.alt_response(422, response="UNPROCESSABLE_ENTITY", description=_NOT_OURS)
    def post(self, data: dict, showtime_id: int):
        """Admit a scanned ticket at the door of a showtime, or say why not"""
        return admit(current_principal(), showtime_id, data["code"], device=data["device"],
                     override_too_early=data["override_too_early"])


@door_blp.route("/tickets/<int:ticket_id>/checkin")
class TicketCheckin(MethodView):
    @door_blp.access(*STAFF_ROLES)
    @door_blp.response(204, description="The admission is undone: the ticket may be scanned in again")
    @door_blp.alt_response(403, description="Not staff of the showtime's cinema (`cinema_not_assigned`)")
    @door_blp.alt_response(404, response="NOT_FOUND", description="The ticket has not been admitted")
    def delete(self, ticket_id: int):
        """Undo a mistaken scan (recorded in the audit trail)"""
        undo_admission(current_principal(), ticket_id)


@door_blp.route("/showtimes/<int:showtime_id>/admissions")
class ShowtimeAdmissions(MethodView):
    @door_blp.access(*STAFF_ROLES)
    @door_blp.response(200, AdmissionCountsSchema)
    @door_blp.alt_response(403, description="Not staff of the showtime's cinema (`cinema_not_assigned`)")
    def get(self, showtime_id: int):
        """Tickets admitted against tickets sold for a showtime"""
        return admission_counts(current_principal(), showtime_id)


@door_blp.route("/showtimes/<int:showtime_id>/checkin-list")
class ShowtimeCheckinList(MethodView):
    @door_blp.access(*STAFF_ROLES)
    @door_blp.response(200, CheckinListSchema)
    @door_blp.alt_response(403, description="Not staff of the showtime's cinema (`cinema_not_assigned`)")
    def get(self, showtime_id: int):
        """The signed list of a showtime's tickets, for a scanner to check against offline"""
        return checkin_list(current_principal(), showtime_id)


@door_blp.route("/checkin-list-keys")
class CheckinListKeys(MethodView):
    @door_blp.access(*STAFF_ROLES)
    @door_blp.response(200, CheckinListKeysSchema)
    def get(self):
        """The public keys that verify check-in lists, for scanners to keep offline"""
        return {"current_key_id": current_app.config["TICKET_SIGNING_KEY_ID"], "keys": public_keys()}


@door_blp.route("/showtimes/<int:showtime_id>/offline-scans")
class ShowtimeOfflineScans(MethodView):
    @door_blp.access(*STAFF_ROLES)
    @door_blp.arguments(OfflineScansSchema)
    @door_blp.response(200, ReconciliationSchema)
    @door_blp.alt_response(403, description="Not staff of the showtime's cinema (`cinema_not_assigned`)")
    def post(self, data: dict, showtime_id: int):
        """Upload the scans a scanner made offline: the first scan of each ticket wins"""
        scans = [Scan(s["code"], s["scanned_at"], s["device"]) for s in data["scans"]]
        return reconcile_scans(current_principal(), showtime_id, scans)
