"""HTTP routes of a cinema's ticket types, booking fees, tax classes and seat prices.

Ticket types, fees and seat prices are public to read (the booking site shows them); tax
classes are for the cinema's managers. Managers change those of their cinemas, admins
everyone's.
"""

from __future__ import annotations

from flask.views import MethodView

from app.common.access import MANAGERS, current_principal
from app.common.blueprint import ServiceBlueprint
from app.models import BookingFee, TaxClass, TicketType
from app.pricing import seat_category_prices, ticketing
from app.pricing.ticketing_schemas import (
    BookingFeeSchema,
    BookingFeeUpdateSchema,
    SeatPriceSchema,
    TaxClassSchema,
    TaxClassUpdateSchema,
    TicketTypeSchema,
    TicketTypeUpdateSchema,
)

blp = ServiceBlueprint(
    "ticketing", __name__, url_prefix="/api/cinemas",
    description="A cinema's ticket types (price multiplier, eligibility, channels, tax class), booking "
                "fees (per ticket or per order, per sales channel) and tax classes. Ticket types and fees "
                "are public to read; managers change those of their cinemas, admins everyone's.",
)

_NOT_MANAGER = "Not a manager of this cinema (`cinema_not_assigned`)"
_INVALID = "Invalid body (the field is named), or a tax class of another cinema"


@blp.route("/<int:cinema_id>/ticket-types")
class TicketTypes(MethodView):
    @blp.access()
    @blp.response(200, TicketTypeSchema(many=True))
    @blp.alt_response(404, description="No such cinema")
    def get(self, cinema_id):
        """List a cinema's ticket types (public)"""
        return ticketing.list_rows(TicketType, cinema_id)

    @blp.access(*MANAGERS)
    @blp.arguments(TicketTypeSchema)
    @blp.response(201, TicketTypeSchema)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema")
    @blp.alt_response(409, description="Another ticket type of the cinema has this code (`code_taken`)")
    @blp.alt_response(422, description=_INVALID)
    def post(self, data, cinema_id):
        """Create a ticket type at a cinema (audited)"""
        return ticketing.create_row(current_principal(), TicketType, cinema_id, data)


@blp.route("/<int:cinema_id>/ticket-types/<int:ticket_type_id>")
class TicketTypeById(MethodView):
    @blp.access()
    @blp.response(200, TicketTypeSchema)
    @blp.alt_response(404, description="No such cinema or ticket type")
    def get(self, cinema_id, ticket_type_id):
        """One ticket type of a cinema"""
        return ticketing.get_row(TicketType, cinema_id, ticket_type_id)

    @blp.access(*MANAGERS)
    @blp.arguments(TicketTypeUpdateSchema(partial=True))
    @blp.response(200, TicketTypeSchema)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema or ticket type")
    @blp.alt_response(409, description="Another ticket type of the cinema has this code (`code_taken`)")
    @blp.alt_response(422, description=_INVALID)
    def patch(self, data, cinema_id, ticket_type_id):
        """Change some fields of a ticket type (audited; sales from the next hold on use it)"""
        row = ticketing.get_row(TicketType, cinema_id, ticket_type_id)
        return ticketing.update_row(current_principal(), row, data)

    @blp.access(*MANAGERS)
    @blp.response(204)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema or ticket type")
    def delete(self, cinema_id, ticket_type_id):
        """Delete a ticket type (audited; bookings keep what they were sold at)"""
        ticketing.delete_row(current_principal(), ticketing.get_row(TicketType, cinema_id, ticket_type_id))


@blp.route("/<int:cinema_id>/fees")
class BookingFees(MethodView):
    @blp.access()
    @blp.response(200, BookingFeeSchema(many=True))
    @blp.alt_response(404, description="No such cinema")
    def get(self, cinema_id):
        """List a cinema's booking fees (public)"""
        return ticketing.list_rows(BookingFee, cinema_id)

    @blp.access(*MANAGERS)
    @blp.arguments(BookingFeeSchema)
    @blp.response(201, BookingFeeSchema)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema")
    @blp.alt_response(422, description=_INVALID)
    def post(self, data, cinema_id):
        """Create a booking fee at a cinema (audited)"""
        return ticketing.create_row(current_principal(), BookingFee, cinema_id, data)


@blp.route("/<int:cinema_id>/fees/<int:fee_id>")
class BookingFeeById(MethodView):
    @blp.access()
    @blp.response(200, BookingFeeSchema)
    @blp.alt_response(404, description="No such cinema or booking fee")
    def get(self, cinema_id, fee_id):
        """One booking fee of a cinema"""
        return ticketing.get_row(BookingFee, cinema_id, fee_id)

    @blp.access(*MANAGERS)
    @blp.arguments(BookingFeeUpdateSchema(partial=True))
    @blp.response(200, BookingFeeSchema)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema or booking fee")
    @blp.alt_response(422, description=_INVALID)
    def patch(self, data, cinema_id, fee_id):
        """Change some fields of a booking fee (audited; sales from the next hold on use it)"""
        row = ticketing.get_row(BookingFee, cinema_id, fee_id)
        return ticketing.update_row(current_principal(), row, data)

    @blp.access(*MANAGERS)
    @blp.response(204)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema or booking fee")
    def delete(self, cinema_id, fee_id):
        """Delete a booking fee (audited; bookings keep what they were sold at)"""
        ticketing.delete_row(current_principal(), ticketing.get_row(BookingFee, cinema_id, fee_id))


@blp.route("/<int:cinema_id>/tax-classes")
class TaxClasses(MethodView):
    @blp.access(*MANAGERS)
    @blp.response(200, TaxClassSchema(many=True))
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema")
    def get(self, cinema_id):
        """List a cinema's tax classes (managers of the cinema)"""
        ticketing.ensure_may_read(current_principal(), cinema_id)
        return ticketing.list_rows(TaxClass, cinema_id)

    @blp.access(*MANAGERS)
    @blp.arguments(TaxClassSchema)
    @blp.response(201, TaxClassSchema)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema")
    @blp.alt_response(409, description="Another tax class of the cinema has this code (`code_taken`)")
    @blp.alt_response(422, description=_INVALID)
    def post(self, data, cinema_id):
        """Create a tax class at a cinema (audited)"""
        return ticketing.create_row(current_principal(), TaxClass, cinema_id, data)


@blp.route("/<int:cinema_id>/tax-classes/<int:tax_class_id>")
class TaxClassById(MethodView):
    @blp.access(*MANAGERS)
    @blp.response(200, TaxClassSchema)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema or tax class")
    def get(self, cinema_id, tax_class_id):
        """One tax class of a cinema"""
        ticketing.ensure_may_read(current_principal(), cinema_id)
        return ticketing.get_row(TaxClass, cinema_id, tax_class_id)

    @blp.access(*MANAGERS)
    @blp.arguments(TaxClassUpdateSchema(partial=True))
    @blp.response(200, TaxClassSchema)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema or tax class")
    @blp.alt_response(409, description="Another tax class of the cinema has this code (`code_taken`)")
    @blp.alt_response(422, description=_INVALID)
    def patch(self, data, cinema_id, tax_class_id):
        """Change some fields of a tax class (audited; sales from the next hold on use it)"""
        row = ticketing.get_row(TaxClass, cinema_id, tax_class_id)
        return ticketing.update_row(current_principal(), row, data)

    @blp.access(*MANAGERS)
    @blp.response(204)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema or tax class")
    @blp.alt_response(409, description="Something is taxed at it (`tax_class_in_use`)")
    def delete(self, cinema_id, tax_class_id):
        """Delete a tax class (audited; bookings keep what they were sold at)"""
        ticketing.delete_row(current_principal(), ticketing.get_row(TaxClass, cinema_id, tax_class_id))


@blp.route("/<int:cinema_id>/seat-prices")
class SeatPrices(MethodView):
    @blp.access()
    @blp.response(200, SeatPriceSchema(many=True))
    @blp.alt_response(404, description="No such cinema")
    def get(self, cinema_id):
        """List a cinema's base price per seat category (and its screens' overrides)"""
        return seat_category_prices.list_prices(cinema_id)


@blp.route("/<int:cinema_id>/seat-prices/<string:category_code>")
class SeatPriceByCategory(MethodView):
    @blp.access(*MANAGERS)
    @blp.arguments(SeatPriceSchema)
    @blp.response(200, SeatPriceSchema)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema or seat category")
    def put(self, data, cinema_id, category_code):
        """Set the base price of a seat category at a cinema (audited; from the next hold on)"""
        return seat_category_prices.set_price(current_principal(), cinema_id, category_code,
                                              data["amount_minor"])

    @blp.access(*MANAGERS)
    @blp.response(204)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema, or no price of this category there")
    def delete(self, cinema_id, category_code):
        """Remove a seat category's price at a cinema: its seats are no longer sold (audited)"""
        seat_category_prices.delete_price(current_principal(), cinema_id, category_code)


@blp.route("/<int:cinema_id>/screens/<int:screen_id>/seat-prices/<string:category_code>")
class ScreenSeatPriceByCategory(MethodView):
    @blp.access(*MANAGERS)
    @blp.arguments(SeatPriceSchema)
    @blp.response(200, SeatPriceSchema)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema, screen of it or seat category")
    def put(self, data, cinema_id, screen_id, category_code):
        """Set a seat category's price at one screen, overriding the cinema's there (audited)

        Holds quote it from the next hold on; seats of the category at the cinema's other
        screens keep the cinema's price.
        """
        return seat_category_prices.set_price(current_principal(), cinema_id, category_code,
                                              data["amount_minor"], screen_id=screen_id)

    @blp.access(*MANAGERS)
    @blp.response(204)
    @blp.alt_response(403, description=_NOT_MANAGER)
    @blp.alt_response(404, description="No such cinema or screen of it, or no price of the screen's own")
    def delete(self, cinema_id, screen_id, category_code):
        """Remove a screen's own price of a seat category: the cinema's applies there again (audited)"""
        seat_category_prices.delete_price(current_principal(), cinema_id, category_code, screen_id=screen_id)
