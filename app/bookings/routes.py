"""HTTP routes of the bookings service: seat maps, holds and bookings."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from app.bookings import booking_reads, hold_lifecycle, holds, service
from app.bookings.schemas import (
    BookingQueryArgsSchema,
    BookingRequestSchema,
    BookingSchema,
    HoldRequestSchema,
    HoldSchema,
    ShowtimeSeatMapSchema,
)
from app.bookings.seatmap import seat_map_json
from app.common.access import ANY_USER, current_principal
from app.common.blueprint import ServiceBlueprint

blp = ServiceBlueprint(
    "bookings", __name__, url_prefix="/api",
    description="Seat maps, seat holds and bookings.",
)


@blp.route("/showtimes/<int:showtime_id>/seats")
class SeatMap(MethodView):
    @blp.access()
    @blp.response(200, ShowtimeSeatMapSchema)
    @blp.alt_response(404, description="No such showtime")
    def get(self, showtime_id: int):
        """Seat map: every seat with its status and price

        Served from a 30-second cache that every hold, release, booking and cancellation
        refreshes, so a seat you have just taken never shows as free; a manager's change of a
        seat price, pricing rule or ticket type refreshes it too.
        """
        # The cached document is already in the schema's shape: sent as is, not re-serialised.
        return Response(seat_map_json(showtime_id), mimetype="application/json")


@blp.route("/bookings/hold")
class Holds(MethodView):
    @blp.access(*ANY_USER)
    @blp.arguments(HoldRequestSchema)
    @blp.response(201, HoldSchema)
    @blp.alt_response(403, description=(
        "Staff of another cinema (`cinema_not_assigned`), or a customer claiming an ID check "
        "(`id_check_staff_only`)"))
    @blp.alt_response(404, description="No such showtime")
    @blp.alt_response(409, description=(
        "Seats taken (`seats_taken`, names them), showtime cancelled or started, "
        "a single empty seat would be stranded (`single_seat_gap`), your countdown for this "
        "showtime is about to end (`hold_time_up`; hold again after `Retry-After` seconds), or "
        "a customer's limit is reached: seats held plus awaiting payment for the showtime "
        "(`seat_limit_reached`), holds plus bookings awaiting payment (`pending_limit_reached`)"))
    @blp.alt_response(422, description=(
        "Too many, duplicate or unknown seats, or a child ticket for a film rated above the child "
        "age (`child_ticket_age_rating`; staff may confirm an ID check where the cinema allows it, "
        "else `id_check_not_allowed`)"))
    @blp.alt_response(503, description=(
        "Sales of this showtime moved too fast to check its sold seats (`sales_busy`); retry after "
        "`Retry-After` seconds"))
    def post(self, body: dict):
        """Hold seats: all of them or none, for a few minutes, at a quoted price

        Staff may hold only at their cinemas. A new hold for the same showtime replaces your
        previous one. Your first hold for a showtime starts a countdown (5 minutes by default):
        later holds end at the same moment, even after a release, until you book; in its last
        seconds no new hold is given. Staff holding for walk-in customers have no countdown. The
        quoted prices are honoured when you book.

        A customer may hold plus have awaiting payment at most `MAX_UNPAID_SEATS_PER_SHOWTIME`
        seats of one showtime (10 by default), and have at most `MAX_UNPAID_CHECKOUTS` holds
        (one per showtime) plus bookings awaiting payment open at once (3 by default). Staff
        are exempt.
        """
        hold = holds.hold_seats(current_principal(), body["showtime_id"], body["seat_ids"],
                                body["ticket_types"], body["promo_code"], body["id_checked"])
        return Response(hold.answer_json(), status=201, mimetype="application/json")


@blp.route("/bookings/hold/<string:hold_id>")
class HoldById(MethodView):
    @blp.access(*ANY_USER)
    @blp.response(204)
    @blp.alt_response(404, description="No live hold of yours with this id")
    def delete(self, hold_id: str):
        """Release a hold: its seats are free again at once"""
        hold_lifecycle.release_hold(current_principal(), hold_id)


@blp.route("/bookings")
class Bookings(MethodView):
    @blp.access(*ANY_USER)
    @blp.arguments(BookingRequestSchema)
    @blp.response(201, BookingSchema)
    @blp.alt_response(403, description="A customer claiming an ID check (`id_check_staff_only`)")
    @blp.alt_response(404, description="The hold is not yours")
    @blp.alt_response(409, description=(
        "The hold expired (`hold_expired`), seats were sold meanwhile, the showtime was cancelled, "
        "or the promo code that made the booking free was used up meanwhile (`promo_used_up`)"))
    @blp.alt_response(422, description=(
        "A child ticket for a film rated above the child age (`child_ticket_age_rating`, "
        "`id_check_not_allowed`): checked again with the film's rating now"))
    def post(self, body: dict):
        """Book the seats of your hold; the booking then waits for payment until `expires_at`

        Confirming the same hold again returns the same booking. A booking with nothing to pay
        (a promo code took the whole price) is `confirmed` at once, and its promo use counted.
        """
        return service.confirm_booking(current_principal(), body["hold_id"], id_checked=body["id_checked"])

    @blp.access(*ANY_USER)
    @blp.arguments(BookingQueryArgsSchema, location="query")
    @blp.response(200, BookingSchema(many=True))
    @blp.alt_response(403, description=(
        "Staff filtering by a showtime of another cinema (`cinema_not_assigned`)"))
    @blp.alt_response(404, description="Staff filtering by a showtime that does not exist")
    @blp.paginate()
    def get(self, filters: dict, pagination_parameters):
        """Your bookings; staff filtering by showtime or reference see every customer's"""
        page = booking_reads.list_bookings(
            current_principal(), **filters,
            page=pagination_parameters.page, page_size=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = page.total
        return page.items


@blp.route("/bookings/<int:booking_id>")
class BookingById(MethodView):
    @blp.access(*ANY_USER)
    @blp.response(200, BookingSchema)
    @blp.alt_response(403, description="Staff of another cinema (`cinema_not_assigned`)")
    @blp.alt_response(404, description="No such booking of yours")
    def get(self, booking_id: int):
        """A booking: yours, or any at your cinema for staff"""
        return booking_reads.get_booking(current_principal(), booking_id)

    @blp.access(*ANY_USER)
    @blp.response(200, BookingSchema)
    @blp.alt_response(403, description="Staff of another cinema (`cinema_not_assigned`)")
    @blp.alt_response(404, description="No such booking of yours")
    @blp.alt_response(409, description=(
        "Already cancelled or expired, the show started, or past the refund cut-off (customers)"))
    def delete(self, booking_id: int):
        """Cancel a booking: its seats are free at once and what was paid is refunded automatically

        A paid booking is refunded without anyone asking: right after the cancellation a
        worker sends what is left of the payment (all of it, less any earlier partial refund)
        back to the original payment method; a credit note and an e-mail follow once it has
        gone through. The answer's `refund_due_minor` is the total owed back, and
        `refunded_minor` reaches it once the worker has sent the refund. There is nothing to
        claim: from then on `POST /api/payments/refund` for this booking answers 409
        `nothing_to_refund`. Customers may cancel until the cinema's refund cut-off before the
        show; staff of the cinema until the show starts. An unpaid booking is simply cancelled.
        """
        return service.cancel_booking(current_principal(), booking_id)
