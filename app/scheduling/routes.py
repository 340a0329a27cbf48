"""HTTP routes of the scheduling service: schedule edits (managers) and browsing (everyone)."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView

from app.common.access import MANAGERS, STAFF_ROLES, current_principal
from app.common.blueprint import ServiceBlueprint
from app.common.etags import row_tag
from app.common.tasks import why_waiting
from app.models import OptimisationRun
from app.scheduling import closures, generation, queries, service
from app.scheduling.schemas import (
    CancelledShowtimeSchema,
    ClosureSchema,
    ClosureWriteSchema,
    GenerateRequestSchema,
    GenerationJobSchema,
    ScheduleQueryArgsSchema,
    ScheduleSchema,
    ShowtimeQueryArgsSchema,
    ShowtimeSchema,
    ShowtimeWriteSchema,
    SlotCheckRequestSchema,
    SlotCheckSchema,
)

blp = ServiceBlueprint(
    "scheduling", __name__, url_prefix="/api",
    description="Showtimes: manual schedule edits, schedule views and optimised generation.",
)

_SLOT_CONFLICTS = (
    "The slot is not free: `showtime_overlap` (names the showtime, cleaning buffer included), "
    "`screen_closed`, `outside_opening_hours`, `format_not_supported`; or the showtime was "
    "cancelled or has started"
)


@blp.route("/schedule/showtime")
class ShowtimeCreate(MethodView):
    @blp.access(*MANAGERS)
    @blp.etag
    @blp.arguments(ShowtimeWriteSchema)
    @blp.response(201, ShowtimeSchema)
    @blp.alt_response(404, description="No such screen or film")
    @blp.alt_response(409, description=_SLOT_CONFLICTS)
    def post(self, body: dict):
        """Schedule a showtime (managers at their cinemas, admins)"""
        showtime = service.create_showtime(current_principal(), **body)
        blp.set_etag(row_tag("showtime", showtime.id, showtime.version))
        return showtime


@blp.route("/schedule/showtime/check")
class ShowtimeCheck(MethodView):
    @blp.access(*MANAGERS)
    @blp.doc(operationId="checkShowtimeSlot")
    @blp.arguments(SlotCheckRequestSchema)
    @blp.response(200, SlotCheckSchema)
    @blp.alt_response(404, description="No such screen, film or showtime")
    @blp.alt_response(409, description="The showtime being moved may not move: cancelled "
                      "(`showtime_cancelled`), started (`showtime_started`), or sold seats and a new "
                      "screen or film (`showtime_has_bookings`)")
    def post(self, body: dict):
        """Ask what scheduling (or moving) a showtime would meet, without writing anything

        The same checks as `POST /api/schedule/showtime` and `PUT /api/schedule/showtime/{showtime_id}`
        (managers of the screen's cinema, admins): every obstacle that would make the write a
        409 is listed, so an editor can show conflicts before saving. What would make it a 422
        (a start in the past, a format the film lacks, an archived film) answers 422 here too.
        Nothing is held: another manager may still take the slot before the write.
        """
        principal = current_principal()
        showtime_id = body.pop("showtime_id")
        moving = queries.get_showtime_for_staff(principal, showtime_id) if showtime_id else None
        return service.check_slot(principal, showtime=moving, **body)


@blp.route("/schedule/showtime/<int:showtime_id>")
class ShowtimeEdit(MethodView):
    @blp.access(*MANAGERS)
    @blp.etag
    @blp.response(200, ShowtimeSchema)
    @blp.alt_response(404, description="No such showtime")
    def get(self, showtime_id: int):
        """A showtime with its ETag, to send as If-Match when editing it"""
        showtime = queries.get_showtime_for_staff(current_principal(), showtime_id)
        blp.set_etag(row_tag("showtime", showtime.id, showtime.version))
        return showtime

    @blp.access(*MANAGERS)
    @blp.etag
    @blp.arguments(ShowtimeWriteSchema)
    @blp.response(200, ShowtimeSchema)
    @blp.alt_response(404, description="No such showtime, screen or film")
    @blp.alt_response(409, description=_SLOT_CONFLICTS)
    def put(self, body: dict, showtime_id: int):
        """Move or change a showtime (If-Match: its ETag; 412 if someone changed it meanwhile)"""
        principal = current_principal()
        showtime = queries.get_showtime_for_staff(principal, showtime_id)
        blp.check_etag(row_tag("showtime", showtime.id, showtime.version))
        showtime = service.update_showtime(principal, showtime, **body)
        blp.set_etag(row_tag("showtime", showtime.id, showtime.version))
        return showtime

    @blp.access(*MANAGERS)
    @blp.response(200, CancelledShowtimeSchema)
    @blp.alt_response(404, description="No such showtime")
    @blp.alt_response(409, description="Already cancelled")
    def delete(self, showtime_id: int):
        """Cancel a showtime: its bookings are cancelled and paid ones marked for refund"""
        return service.cancel_showtime(current_principal(), showtime_id)


@blp.route("/schedule/cinema/<int:cinema_id>")
class CinemaSchedule(MethodView):
    @blp.access(*STAFF_ROLES)
    @blp.arguments(ScheduleQueryArgsSchema, location="query")
    @blp.response(200, ScheduleSchema)
    @blp.alt_response(404, description="No such cinema")
    def get(self, args: dict, cinema_id: int):
        """A cinema's local day: every screen and its showtimes (staff of the cinema; cached 15 min)"""
        # The cached document is already in the schema's shape.
        return jsonify(queries.cinema_schedule(current_principal(), cinema_id, args["date"]))


@blp.route("/showtimes")
class Showtimes(MethodView):
    @blp.access()
    @blp.arguments(ShowtimeQueryArgsSchema, location="query")
    @blp.response(200, ShowtimeSchema(many=True))
    @blp.paginate()
    def get(self, filters: dict, pagination_parameters):
        """Browse scheduled showtimes by film, cinema and local day"""
        page = queries.list_showtimes(
            **filters, page=pagination_parameters.page, page_size=pagination_parameters.page_size)
        pagination_parameters.item_count = page.total
        return page.items


@blp.route("/showtimes/<int:showtime_id>")
class ShowtimeById(MethodView):
    @blp.access()
    @blp.etag
    @blp.response(200, ShowtimeSchema)
    @blp.alt_response(404, description="No such showtime")
    def get(self, showtime_id: int):
        """One showtime"""
        showtime = queries.get_showtime(showtime_id)
        blp.set_etag(row_tag("showtime", showtime.id, showtime.version))
        return showtime


@blp.route("/screens/<int:screen_id>/closures")
class ScreenClosures(MethodView):
    @blp.access(*MANAGERS)
    @blp.response(200, ClosureSchema(many=True))
    def get(self, screen_id: int):
        """Closures of a screen (managers of its cinema, admins)"""
        return closures.list_closures(current_principal(), screen_id)

    @blp.access(*MANAGERS)
    @blp.arguments(ClosureWriteSchema)
    @blp.response(201, ClosureSchema)
    @blp.alt_response(409, description="A showtime with bookings lies in the window (named in `errors`)")
    def post(self, body: dict, screen_id: int):
        """Close a screen for a while; unbooked showtimes inside are cancelled"""
        return closures.create_closure(current_principal(), screen_id, **body)


@blp.route("/screens/<int:screen_id>/closures/<int:closure_id>")
class ScreenClosureById(MethodView):
    @blp.access(*MANAGERS)
    @blp.response(204)
    def delete(self, screen_id: int, closure_id: int):
        """Reopen: delete a closure"""
        closures.delete_closure(current_principal(), screen_id, closure_id)


@blp.route("/schedule/generate")
class ScheduleGenerate(MethodView):
    @blp.access(*MANAGERS)
    @blp.arguments(GenerateRequestSchema)
    @blp.response(202, GenerationJobSchema)
    @blp.alt_response(404, description="No such cinema")
    @blp.alt_response(409, description="A generation for overlapping dates of this cinema is still running")
    @blp.alt_response(422, description=(
        "Invalid body, or `unschedulable`: the cinema cannot be scheduled as it stands (no "
        "screens, no films on offer in those days, data the optimiser cannot use); "
        "`errors.problems` lists each problem in words"))
    def post(self, body: dict):
        """Queue an optimised schedule for a cinema (its managers, admins); poll /schedule/jobs/{id}

        A failed run's `error` says why in a manager's words (film, screen, local date and
        time, rule); its `warnings` name kept showtimes left as scheduled although they break
        a rule meant for new ones.
        """
        return _with_waiting(generation.request_generation(current_principal(), **body))


@blp.route("/schedule/jobs/<job_id>")
class ScheduleJob(MethodView):
    @blp.access(*MANAGERS)
    @blp.response(200, GenerationJobSchema)
    def get(self, job_id: str):
        """Status, progress and result of a schedule generation

        While it is `queued`, `waiting` says why when the API knows: `no_worker` when no worker
        is running for the `schedule` queue.
        """
        return _with_waiting(generation.get_run(current_principal(), job_id))


def _with_waiting(run: OptimisationRun) -> OptimisationRun:
    """The run, told why it waits when it is queued (a transient attribute the schema reads)."""
    run.waiting = why_waiting("schedule") if run.status == "queued" else None
    return run
