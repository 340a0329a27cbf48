"""The documented examples work against the demo data: "Try it out" as a visitor would use it.

On a freshly seeded database (``flask seed-demo``), with the development document's examples
(app/demo_examples.py), every operation's example request is sent as it is and answers the
operation's documented success status. Operations go in the order a visitor tries them, the
document read again before each (as /docs is reloaded), so an example may name what an earlier
one made: the hold, the booking awaiting payment, the rule just created. The few operations no
example can make work are exempt, each with its reason, and every other one is sent.

Production's document carries none of this: neutral examples, no demo password.
"""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.seed import DEMO_PASSWORD, seed_demo
from tests.conftest import settings_for_tests

HTTP_METHODS = ("get", "post", "put", "patch", "delete")

EXEMPT = {
    "resetPassword": "needs the one-time token of the reset e-mail",
    "verifyEmail": "needs the one-time token of the verification e-mail",
    "receiveGatewayWebhook": "needs the payment gateway's signature",
    "refreshSession": "needs the refresh cookie and its CSRF header",
    "logout": "ends the session",
    "uploadMoviePoster": "needs an image file, chosen in the browser",
}

# Every other operation, in the order a visitor would try them (some more than once).
VISIT = [
    # signed out, then the customer
    "login", "register", "forgotPassword", "getCurrentUser",
    # browsing
    "listMovies", "getMovie", "listGenres", "getGenre", "listAgeRatings", "getAgeRating", "listCinemas",
    "getCinema", "listCinemaScreens", "getScreen", "getSeatLayout", "listShowtimes", "getShowtime",
    "getSeatMap", "listPricingRules", "getPriceHistory", "calculatePrices", "validatePromoCode",
    # buying: hold, let go, hold again, book, pay, the invoice, a refund; then book and cancel
    "holdSeats", "releaseHold", "holdSeats", "createBooking", "listBookings", "getBooking",
    "getCheckoutSettings", "processPayment", "getPayment", "getPaymentInvoice", "getPaymentInvoiceLink",
    # its tickets, scanned at the door (and the scan undone) before the refund
    "listBookingTickets", "getBookingTicketsPdf", "checkInTicket", "getShowtimeAdmissions",
    "getCheckinListKeys", "getShowtimeCheckinList", "uploadOfflineScans", "undoCheckin", "refundPayment",
    "holdSeats", "createBooking", "cancelBooking",
    # the back office
    "listUsers", "getUser", "updateUser", "getCinemaSchedule", "getSalesReport",
    "createMovie", "updateMovie", "deleteMoviePoster", "createGenre", "updateGenre", "createAgeRating",
    "updateAgeRating", "createCinema", "updateCinema", "createCinemaScreen", "updateScreen",
    "replaceSeatLayout", "checkShowtimeSlot", "scheduleShowtime", "getScheduledShowtime", "updateShowtime",
    "listScreenClosures", "createScreenClosure", "deleteScreenClosure", "generateSchedule",
    "getScheduleJob", "listJobQueues", "createPricingRule", "getPricingRule", "updatePricingRule",
    "createPromoCode",
    "listPromoCodes", "getPromoCode", "updatePromoCode", "getCinemaGuardRails", "updateCinemaGuardRails",
    "freezePrice", "listTicketTypes", "createTicketType", "getTicketType", "updateTicketType",
    "listBookingFees", "createBookingFee", "getBookingFee", "updateBookingFee", "listTaxClasses",
    "createTaxClass", "getTaxClass", "updateTaxClass", "listSeatCategories", "createSeatCategory",
    "getSeatCategory", "updateSeatCategory", "listSeatPrices", "updateSeatPrice", "updateScreenSeatPrice",
    "deleteScreenSeatPrice", "deleteSeatPrice", "listAuditEntries",
    # the box office: a till, a walk-in sale voided, another refunded, the cash-up and its report
    "openShift", "listShifts", "getShift", "sellToWalkIn", "voidSale", "sellToWalkIn", "refundAtCounter",
    "cashUpShift", "getShiftReport",
    # and what was made goes again
    "deletePromoCode", "deletePricingRule", "deleteTicketType", "deleteBookingFee", "deleteTaxClass",
    "deleteSeatCategory",
    "cancelShowtime", "deleteScreen", "deleteCinema",
    "deleteMovie", "deleteGenre", "deleteAgeRating",
]


@pytest.fixture
def demo(app, tmp_path):
    """An app serving the development document, on the freshly seeded demo data."""
    demo_app = create_app(settings_for_tests(
        OPENAPI_DEMO_EXAMPLES=True, RATELIMIT_ENABLED=False,
        MEDIA_DIR=str(tmp_path / "media"), INSTANCE_DIR=str(tmp_path)))
    with demo_app.app_context():
        seed_demo()
        yield demo_app.test_client()


def _operations(document: dict) -> dict[str, tuple[str, str, dict, list]]:
    """operationId -> (path, method, operation, its parameters: the operation's win)."""
    found = {}
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                operation = item[method]
                own = [_resolve(document, p) for p in operation.get("parameters", [])]
                names = {(p["in"], p["name"]) for p in own}
                shared = [_resolve(document, p) for p in item.get("parameters", [])
                          if (_resolve(document, p)["in"], _resolve(document, p)["name"]) not in names]
                found[operation["operationId"]] = (path, method, operation, own + shared)
    return found


def _resolve(document: dict, node: dict) -> dict:
    if "$ref" not in node:
        return node
    target = document
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return target


def _example(parameter: dict):
    return parameter.get("example", parameter.get("schema", {}).get("example"))


def _send(client, document: dict, operation_id: str, tokens: dict[str, str]):
    """The operation's example request, as the document gives it."""
    path, method, operation, parameters = _operations(document)[operation_id]
    values = {(p["in"], p["name"]): _example(p) for p in parameters if _example(p) is not None}
    url = re.sub(r"\{(\w+)\}", lambda m: str(values[("path", m[1])]), path)
    query = {name: value for (where, name), value in values.items() if where == "query"}
    headers = {name: str(value) for (where, name), value in values.items() if where == "header"}
    roles = operation["x-roles"]
    if roles != ["public"]:
        token = tokens["customer"] if "customer" in roles else tokens["admin"]
        headers["Authorization"] = f"Bearer {token}"
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    kwargs = {}
    if body is not None:
        assert "example" in body, f"{operation_id} has no example body"
        kwargs["json"] = body["example"]
    response = client.open(url, method=method.upper(), query_string=query, headers=headers, **kwargs)
    success = next(int(status) for status in operation["responses"] if status.startswith("2"))
    return response, success


def test_every_example_request_answers_its_documented_success(demo):
    document = demo.get("/api/openapi.json").json
    operations = _operations(document)
    assert set(operations) <= set(EXEMPT) | set(VISIT), "a new operation: add it to VISIT or EXEMPT"
    assert not set(EXEMPT) & set(VISIT)
    tokens = {}
    for role in ("customer", "admin"):
        login = demo.post("/api/auth/login",
                          json={"email": f"{role}@cinemaos.local", "password": DEMO_PASSWORD})
        tokens[role] = login.json["access_token"]

    failures = []
    for operation_id in (name for name in VISIT if name in operations):
        document = demo.get("/api/openapi.json").json  # reloaded, as the page is
        response, success = _send(demo, document, operation_id, tokens)
        if response.status_code != success:
            failures.append(f"{operation_id}: {response.status_code} (documented {success}) "
                            f"{response.get_data(as_text=True)[:300]}")
    assert failures == []


def test_development_login_example_is_the_demo_customer(demo):
    login = _operations(demo.get("/api/openapi.json").json)["login"][2]
    example = login["requestBody"]["content"]["application/json"]["example"]
    assert example == {"email": "customer@cinemaos.local", "password": DEMO_PASSWORD}


def test_production_document_has_neutral_examples_and_no_demo_password(client, app):
    production = create_app({**app.config, "APP_ENV": "production", "OPENAPI_DEMO_EXAMPLES": True})
    with production.app_context():
        seed_demo()
        text = production.test_client().get("/api/openapi.json").get_data(as_text=True)
    assert DEMO_PASSWORD not in text and "cinemaos.local" not in text
    assert "example" in text
