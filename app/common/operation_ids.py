"""The ``operationId`` of every operation: the method names of a client generated from the document.

One rule, from the view's name and the HTTP method (``ServiceBlueprint`` applies it):

- a function view is named for what it does: ``forgot_password`` -> ``forgotPassword``;
- a view class is named for what it serves, less a ``By...`` suffix (``MovieById`` -> ``Movie``):
  GET gets it (``getMovie``, ``getSeatMap``), or lists it when it answers a list or a page of
  one (``listMovies``); PUT and PATCH update it (``updateMovie``), DELETE deletes it; POST
  creates one of it, a plural name made singular (``Movies`` -> ``createMovie``).

Where the rule reads badly (views named for a verb, or whose name leaves out what they hold) the
table below says the name; a view may also set its own with ``@blp.doc(operationId=...)``.
``ServiceBlueprint`` refuses to start with two operations of one name.
"""

from __future__ import annotations

import re

# "ViewClass.method" (or "function.method") -> operationId
OVERRIDES = {
    "me.get": "getCurrentUser",
    "refresh.post": "refreshSession",
    "MoviePoster.post": "uploadMoviePoster",
    "ScreenSeats.get": "getSeatLayout",
    "ScreenSeats.put": "replaceSeatLayout",
    "ShowtimeCreate.post": "scheduleShowtime",
    "ShowtimeEdit.get": "getScheduledShowtime",
    "ShowtimeEdit.put": "updateShowtime",
    "ShowtimeEdit.delete": "cancelShowtime",
    "ScheduleGenerate.post": "generateSchedule",
    "Holds.post": "holdSeats",
    "HoldById.delete": "releaseHold",
    "BookingById.delete": "cancelBooking",
    "Calculate.post": "calculatePrices",
    "ValidatePromo.post": "validatePromoCode",
    "Rules.get": "listPricingRules",
    "Rules.post": "createPricingRule",
    "RuleById.get": "getPricingRule",
    "RuleById.put": "updatePricingRule",
    "RuleById.delete": "deletePricingRule",
    "PriceFreeze.put": "freezePrice",
    "TaxClasses.post": "createTaxClass",
    "SeatCategories.post": "createSeatCategory",
    "ProcessPayment.post": "processPayment",
    "RefundPayment.post": "refundPayment",
    "PaymentDetail.get": "getPayment",
    "GatewayWebhook.post": "receiveGatewayWebhook",
    "BookingTicketsPdf.get": "getBookingTicketsPdf",
    "ShowtimeCheckin.post": "checkInTicket",
    "TicketCheckin.delete": "undoCheckin",
    "ShowtimeOfflineScans.post": "uploadOfflineScans",
}

_WRITE_VERBS = {"put": "update", "patch": "update", "delete": "delete"}
_ONE_RESOURCE = re.compile(r"(?P<noun>\w+)By[A-Z]\w*")


def operation_id(view_name: str, method: str, *, answers_list: bool = False) -> str:
    """The operationId of ``method`` on the view named ``view_name``; ``answers_list`` says
    whether its success is a list (or a page of one)."""
    method = method.lower()
    override = OVERRIDES.get(f"{view_name}.{method}")
    if override:
        return override
    if view_name[:1].islower():
        first, *rest = view_name.removesuffix("_view").split("_")
        return first + "".join(word.title() for word in rest)
    one = _ONE_RESOURCE.fullmatch(view_name)
    noun = one["noun"] if one else view_name
    if method == "get":
        return ("list" if answers_list else "get") + noun
    if method == "post":
        return "create" + noun.removesuffix("s")
    return _WRITE_VERBS[method] + noun
