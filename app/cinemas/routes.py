"""HTTP routes of the cinemas service.

Everyone reads cinemas, screens and seat maps. Admins open and close cinemas; a cinema's
settings, screens and seat layouts are managed by admins and by the managers assigned to
that cinema (403 for managers of other cinemas).
"""

from flask import request
from flask.views import MethodView

from app.cinemas import screens, seat_categories, seating, service
from app.cinemas.schemas import (
    CinemaPageSchema,
    CinemaQueryArgsSchema,
    CinemaSchema,
    CinemaUpdateSchema,
    ScreenPageSchema,
    ScreenQueryArgsSchema,
    ScreenSchema,
    ScreenUpdateSchema,
)
from app.cinemas.seat_schemas import (
    ScreenSeatMapSchema,
    SeatCategorySchema,
    SeatCategoryUpdateSchema,
    SeatLayoutSchema,
)
from app.common.access import ADMIN, MANAGERS, current_principal
from app.common.blueprint import ServiceBlueprint
from app.common.etags import row_tag

blp = ServiceBlueprint(
    "cinemas", __name__, url_prefix="/api",
    description="Cinemas, their screens and seat layouts. Reading is public. Item GETs return "
                "an ETag; PUT and DELETE of cinemas and screens need it in If-Match.",
)

_OPTIONAL_IF_MATCH = {
    "name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
    "description": "ETag of the seat map (or screen) you read; when sent, a stale one is 412",
}


@blp.route("/cinemas")
class Cinemas(MethodView):
    @blp.access()
    @blp.arguments(CinemaQueryArgsSchema, location="query")
    @blp.response(200, CinemaPageSchema)
    def get(self, args: dict):
        """List cinemas by name, one page at a time (archived ones on request)."""
        return service.list_cinemas(args)

    @blp.access(*ADMIN)
    @blp.etag
    @blp.arguments(CinemaSchema)
    @blp.response(201, CinemaSchema)
    @blp.alt_response(409, response="CONFLICT", description="The name is taken")
    def post(self, data: dict):
        """Open a cinema (admin)."""
        cinema = service.create_cinema(data)
        blp.set_etag(row_tag("cinema", cinema.id, cinema.version))
        return cinema


@blp.route("/cinemas/<int:cinema_id>")
class CinemaById(MethodView):
    @blp.access()
    @blp.etag
    @blp.response(200, CinemaSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, cinema_id: int):
        """One cinema with its settings."""
        cinema = service.get_cinema(cinema_id)
        blp.set_etag(row_tag("cinema", cinema_id, cinema.version))
        return cinema

    @blp.access(*MANAGERS)
    @blp.etag
    @blp.arguments(CinemaUpdateSchema(partial=True))
    @blp.response(200, CinemaSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The name is taken")
    def put(self, changes: dict, cinema_id: int):
        """Change a cinema's settings (admin, or a manager of this cinema). Needs If-Match.

        Fields left out keep their value.
        """
        principal = current_principal()
        cinema = service.editable_cinema(principal, cinema_id)
        blp.check_etag(row_tag("cinema", cinema_id, cinema.version))
        cinema = service.update_cinema(principal, cinema_id, cinema.version, changes)
        blp.set_etag(row_tag("cinema", cinema_id, cinema.version))
        return cinema

    @blp.access(*ADMIN)
    @blp.etag
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=(
        "Upcoming showtimes there have bookings; `errors.showtime_ids` names them"))
    def delete(self, cinema_id: int):
        """Close a cinema (admin). Needs If-Match.

        Refused (409) while an upcoming showtime there has a pending or confirmed booking;
        otherwise the cinema and its screens are archived and upcoming showtimes cancelled.
        """
        cinema = service.get_cinema(cinema_id)
        blp.check_etag(row_tag("cinema", cinema_id, cinema.version))
        service.archive_cinema(cinema_id, cinema.version)


@blp.route("/cinemas/<int:cinema_id>/screens")
class CinemaScreens(MethodView):
    @blp.access()
    @blp.arguments(ScreenQueryArgsSchema, location="query")
    @blp.response(200, ScreenPageSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict, cinema_id: int):
        """The screens of a cinema, by name."""
        return screens.list_screens(cinema_id, args)

    @blp.access(*MANAGERS)
    @blp.etag
    @blp.arguments(ScreenSchema)
    @blp.response(201, ScreenSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The name is taken in this cinema")
    def post(self, data: dict, cinema_id: int):
        """Add a screen (admin, or a manager of this cinema); lay out its seats next."""
        screen = screens.create_screen(current_principal(), cinema_id, data)
        blp.set_etag(row_tag("screen", screen.id, screen.version))
        return screen


@blp.route("/screens/<int:screen_id>")
class ScreenById(MethodView):
    @blp.access()
    @blp.etag
    @blp.response(200, ScreenSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, screen_id: int):
        """One screen."""
        screen = screens.get_screen(screen_id)
        blp.set_etag(row_tag("screen", screen_id, screen.version))
        return screen

    @blp.access(*MANAGERS)
    @blp.etag
    @blp.arguments(ScreenUpdateSchema(partial=True))
    @blp.response(200, ScreenSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The name is taken in this cinema")
    def put(self, changes: dict, screen_id: int):
        """Change a screen (admin, or a manager of its cinema). Needs If-Match."""
        principal = current_principal()
        screen = screens.editable_screen(principal, screen_id)
        blp.check_etag(row_tag("screen", screen_id, screen.version))
        screen = screens.update_screen(principal, screen_id, screen.version, changes)
        blp.set_etag(row_tag("screen", screen_id, screen.version))
        return screen

    @blp.access(*MANAGERS)
    @blp.etag
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=(
        "Upcoming showtimes on it have bookings; `errors.showtime_ids` names them"))
    def delete(self, screen_id: int):
        """Retire a screen (admin, or a manager of its cinema). Needs If-Match.

        Refused (409) while an upcoming showtime on it has a pending or confirmed booking;
        otherwise it is archived (its seats stay for past bookings) and its upcoming
        showtimes cancelled.
        """
        principal = current_principal()
        screen = screens.editable_screen(principal, screen_id)
        blp.check_etag(row_tag("screen", screen_id, screen.version))
        screens.archive_screen(principal, screen_id, screen.version)


@blp.route("/screens/<int:screen_id>/seats")
class ScreenSeats(MethodView):
    @blp.access()
    @blp.etag
    @blp.response(200, ScreenSeatMapSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, screen_id: int):
        """The seat layout, every seat on a drawing grid, and its compact description."""
        seat_map = seating.read_seat_map(screen_id)
        blp.set_etag(row_tag("screen", screen_id, seat_map["version"]))
        return seat_map

    @blp.access(*MANAGERS)
    @blp.arguments(SeatLayoutSchema)
    @blp.response(200, ScreenSeatMapSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=(
        "The new layout would remove or block seats sold for upcoming showtimes; "
        "`errors.seats` names them"))
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.doc(parameters=[_OPTIONAL_IF_MATCH])
    def put(self, description: dict, screen_id: int):
        """Replace the whole seat layout (admin, or a manager of its cinema).

        The body describes it compactly: rows front to back, each with its number of seats,
        aisles, category, per-seat categories, wheelchair spaces, companion seats and
        blocked seats. Kept seats keep their ids. If-Match is optional here: when sent, it
        must be the current ETag of the screen or its seat map (412 otherwise).
        """
        principal = current_principal()
        expected = None
        if request.if_match:
            screen = screens.editable_screen(principal, screen_id)
            blp.check_etag(row_tag("screen", screen_id, screen.version))
            expected = screen.version
        return seating.replace_layout(principal, screen_id, expected, description)


@blp.route("/seat-categories")
class SeatCategories(MethodView):
    @blp.access()
    @blp.response(200, SeatCategorySchema(many=True))
    def get(self):
        """List the seat categories layouts and base prices may name"""
        return seat_categories.list_categories()

    @blp.access(*ADMIN)
    @blp.arguments(SeatCategorySchema)
    @blp.response(201, SeatCategorySchema)
    @blp.alt_response(409, description="A category has this code (`code_taken`)")
    def post(self, data: dict):
        """Add a seat category (admin; audited)"""
        return seat_categories.create_category(current_principal(), data)


@blp.route("/seat-categories/<string:category_code>")
class SeatCategoryByCode(MethodView):
    @blp.access()
    @blp.response(200, SeatCategorySchema)
    @blp.alt_response(404, description="No such seat category")
    def get(self, category_code: str):
        """One seat category"""
        return seat_categories.get_category(category_code)

    @blp.access(*ADMIN)
    @blp.arguments(SeatCategoryUpdateSchema(partial=True))
    @blp.response(200, SeatCategorySchema)
    @blp.alt_response(404, description="No such seat category")
    def patch(self, data: dict, category_code: str):
        """Rename or reorder a seat category (admin; audited; its code stays)"""
        category = seat_categories.get_category(category_code)
        return seat_categories.update_category(current_principal(), category, data)

    @blp.access(*ADMIN)
    @blp.response(204)
    @blp.alt_response(404, description="No such seat category")
    @blp.alt_response(409, description="Seats, prices or bookings name it, or every layout may "
                                       "(`seat_category_in_use`)")
    def delete(self, category_code: str):
        """Delete a seat category nothing names (admin; audited)"""
        seat_categories.delete_category(current_principal(), seat_categories.get_category(category_code))
