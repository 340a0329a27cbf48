"""HTTP routes of the box office: staff of a cinema at its counter."""

from __future__ import annotations

from flask.views import MethodView

from app.boxoffice import sales, shifts
from app.boxoffice.schemas import (
    CloseShiftSchema,
    CounterRefundSchema,
    EntrySchema,
    OpenShiftSchema,
    SaleRequestSchema,
    SaleSchema,
    ShiftQueryArgsSchema,
    ShiftReportSchema,
    ShiftSchema,
    VoidSchema,
)
from app.common.access import STAFF_ROLES, current_principal
from app.common.blueprint import ServiceBlueprint
from app.payments.idempotency import idempotent

blp = ServiceBlueprint(
    "box_office", __name__, url_prefix="/api/box-office",
    description="Box office: shifts with an opening float, walk-in sales, counter refunds and voids, "
                "cash-up.",
)

_NOT_YOURS = ("Staff of another cinema (`cinema_not_assigned`), or another staff member's till "
              "(`shift_not_yours`; managers of the cinema may work on any)")
_CLOSED = "The shift is closed (`shift_closed`)"
_KEY_BUSY = "a request with this Idempotency-Key still running (`idempotency_key_in_progress`)"
_KEY_REUSED = "this Idempotency-Key used for another request (`idempotency_key_reused`)"


@blp.route("/shifts")
class Shifts(MethodView):
    @blp.access(*STAFF_ROLES)
    @blp.doc(operationId="openShift")
    @blp.arguments(OpenShiftSchema)
    @blp.response(201, ShiftSchema)
    @blp.alt_response(403, description="Not assigned to that cinema (`cinema_not_assigned`)")
    @blp.alt_response(404, description="No such cinema")
    @blp.alt_response(409, description="You already have a shift open there (`shift_already_open`)")
    def post(self, body: dict):
        """Open your till at a cinema of yours with an opening float"""
        return shifts.open_shift(current_principal(), body["cinema_id"], body["opening_float_minor"])

    @blp.access(*STAFF_ROLES)
    @blp.doc(operationId="listShifts")
    @blp.arguments(ShiftQueryArgsSchema, location="query")
    @blp.response(200, ShiftSchema(many=True))
    @blp.alt_response(403, description="Not assigned to that cinema (`cinema_not_assigned`)")
    @blp.paginate()
    def get(self, filters: dict, pagination_parameters):
        """Shifts at your cinemas (every cinema for admins), newest first"""
        page = shifts.list_shifts(current_principal(), **filters, page=pagination_parameters.page,
                                  page_size=pagination_parameters.page_size)
        pagination_parameters.item_count = page.total
        return page.items


@blp.route("/shifts/<int:shift_id>")
class ShiftById(MethodView):
    @blp.access(*STAFF_ROLES)
    @blp.response(200, ShiftSchema)
    @blp.alt_response(403, description="Staff of another cinema (`cinema_not_assigned`)")
    @blp.alt_response(404, description="No such shift")
    def get(self, shift_id: int):
        """A shift at a cinema of yours"""
        return shifts.read_shift(current_principal(), shift_id)


@blp.route("/shifts/<int:shift_id>/sales")
class Sales(MethodView):
    @blp.access(*STAFF_ROLES)
    @blp.doc(operationId="sellToWalkIn")
    @blp.arguments(SaleRequestSchema)
    @idempotent(blp, "box_office_sale_{shift_id}")
    @blp.response(201, SaleSchema)
    @blp.alt_response(402, description=(
        "The online gateway declined the card, or it needs authentication the counter cannot give: "
        "the booking is cancelled and its seats free again"))
    @blp.alt_response(403, description=_NOT_YOURS)
    @blp.alt_response(404, description="No such shift or showtime")
    @blp.alt_response(409, description=(
        f"{_CLOSED}; seats taken, showtime cancelled or started; or {_KEY_BUSY}"))
    @blp.alt_response(422, description=(
        "Unknown seats, a tender lacking what its method needs (`tender_incomplete`), cash that does "
        "not cover the price (`tender_too_small`), a showtime of another cinema "
        "(`showtime_of_other_cinema`), a child ticket for a film rated above the child age "
        f"(`child_ticket_age_rating`, `id_check_not_allowed`), or {_KEY_REUSED}"))
    @blp.alt_response(502, description="The online gateway could not be reached")
    @blp.alt_response(503, description="Seat sales for the showtime are too busy to check (`sales_busy`)")
    def post(self, body: dict, shift_id: int):
        """Sell seats to a walk-in customer and take their tender

        The seats are held and booked as online (every sales rule applies) for a customer
        without an account (an e-mail is optional), then paid with the tender: cash (the
        change is in the answer), a card on the counter's own terminal (its receipt reference
        is recorded) or a card through the online gateway. The booking is confirmed and its
        invoice issued at once; print it from `GET /api/payments/{entry.payment_id}/invoice`.
        A child ticket for a film rated above the child age needs `id_checked` where the
        cinema allows ID checks; the check is recorded on the booking. Send an Idempotency-Key
        so that a retry after a lost answer never sells the seats twice.
        """
        fields = {name: value for name, value in body.items() if name != "tender"}
        sale = sales.sell_to_walk_in(current_principal(), shift_id, tender=sales.Tender(**body["tender"]),
                                     **fields)
        return {"booking": sale.booking, "entry": sale.entry}


@blp.route("/shifts/<int:shift_id>/refunds")
class CounterRefunds(MethodView):
    @blp.access(*STAFF_ROLES)
    @blp.doc(operationId="refundAtCounter")
    @blp.arguments(CounterRefundSchema)
    @idempotent(blp, "box_office_refund_{shift_id}")
    @blp.response(201, EntrySchema)
    @blp.alt_response(403, description=_NOT_YOURS)
    @blp.alt_response(404, description="No such shift, or no such booking at the till's cinema")
    @blp.alt_response(409, description=(
        f"{_CLOSED}; nothing left to refund, the show has started, or {_KEY_BUSY}"))
    @blp.alt_response(422, description=f"Seats not of the booking (`unknown_seats`), or {_KEY_REUSED}")
    def post(self, body: dict, shift_id: int):
        """Refund a booking at the counter, whole or some seats

        The money goes back the way it came: cash from this drawer, a terminal payment on the
        terminal, an online payment to its card. Refunded seats are free again; a booking left
        without seats is cancelled. A cash-paid booking is refunded only here, including what
        its cancellation left due. Send an Idempotency-Key so that a retry never pays twice.
        """
        return sales.refund_at_counter(current_principal(), shift_id, body["booking_id"],
                                       body["booking_seat_ids"])


@blp.route("/shifts/<int:shift_id>/voids")
class Voids(MethodView):
    @blp.access(*STAFF_ROLES)
    @blp.doc(operationId="voidSale")
    @blp.arguments(VoidSchema)
    @blp.response(201, EntrySchema)
    @blp.alt_response(403, description=_NOT_YOURS)
    @blp.alt_response(404, description="No such shift")
    @blp.alt_response(409, description=(
        f"{_CLOSED}; the booking was not sold on this shift (`not_sold_on_this_shift`), or nothing "
        "is left of it to give back"))
    def post(self, body: dict, shift_id: int):
        """Void a sale made on this shift: all of it goes back the way it was paid, seats freed"""
        return sales.void_sale(current_principal(), shift_id, body["booking_id"])


@blp.route("/shifts/<int:shift_id>/close")
class CloseShift(MethodView):
    @blp.access(*STAFF_ROLES)
    @blp.doc(operationId="cashUpShift")
    @blp.arguments(CloseShiftSchema)
    @blp.response(200, ShiftSchema)
    @blp.alt_response(403, description=_NOT_YOURS)
    @blp.alt_response(404, description="No such shift")
    @blp.alt_response(409, description=_CLOSED)
    def post(self, body: dict, shift_id: int):
        """Cash up and close the shift

        The counted cash is compared with what the drawer should hold (opening float + cash
        sales - cash refunds - cash voids); the difference (counted - expected) is recorded.
        """
        return shifts.close_shift(current_principal(), shift_id, body["counted_cash_minor"])


@blp.route("/shifts/<int:shift_id>/report")
class ShiftReport(MethodView):
    @blp.access(*STAFF_ROLES)
    @blp.response(200, ShiftReportSchema)
    @blp.alt_response(403, description="Staff of another cinema (`cinema_not_assigned`)")
    @blp.alt_response(404, description="No such shift")
    def get(self, shift_id: int):
        """The shift report: sales, refunds and voids by tender, expected against counted cash"""
        return shifts.shift_report(current_principal(), shift_id)
