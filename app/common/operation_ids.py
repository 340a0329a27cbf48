"""The ``operationId`` of every operation: the method names of a client generated from the document.

One rule, from the view's name and the HTTP method (``ServiceBlueprint`` applies it):

- a function view is named for what it does: ``forgot_password`` -> ``forgotPassword``;
- a view of one resource (``MovieById``, ``AgeRatingByCode``): ``getMovie``, ``updateMovie``
  (PUT and PATCH), ``deleteMovie``;
- a view of a collection (a plural name, ``Movies``): ``listMovies``, ``createMovie``;
- any other view names one thing: ``SeatMap`` -> ``getSeatMap``.

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
    "ProcessPayment.post": "processPayment",
    "RefundPayment.post": "refundPayment",
    "PaymentDetail.get": "getPayment",
    "GatewayWebhook.post": "receiveGatewayWebhook",
}

_WRITE_VERBS = {"post": "create", "put": "update", "patch": "update", "delete": "delete"}
_ONE_RESOURCE = re.compile(r"(?P<noun>\w+)By[A-Z]\w*")


def operation_id(view_name: str, method: str) -> str:
    """The operationId of ``method`` (lower case) on the view named ``view_name``."""
    method = method.lower()
    override = OVERRIDES.get(f"{view_name}.{method}")
    if override:
        return override
    if view_name[:1].islower():
        first, *rest = view_name.removesuffix("_view").split("_")
        return first + "".join(word.title() for word in rest)
    verb = "get" if method == "get" else _WRITE_VERBS[method]
    one = _ONE_RESOURCE.fullmatch(view_name)
    if one:
        return verb + one["noun"]
    if view_name.endswith("s"):
        return "list" + view_name if method == "get" else verb + view_name.removesuffix("s")
    return verb + view_name
