"""What a client generator needs from the document: operation names and the error enums.

- Every operation has a unique, camelCase ``operationId`` (the generated client's method names),
  by the one rule of ``app.common.operation_ids``.
- The error body documents ``code`` and ``reason`` as enums of ``app.common.reasons``, and no
  code gives an error a reason missing there: the source is scanned for the reasons given to
  errors, and ``error_response`` refuses an unlisted one while testing (so the whole suite checks
  the reasons it provokes, including those built at run time).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.common.api import error_response
from app.common.operation_ids import OVERRIDES
from app.common.reasons import REASONS, STATUSES, decline_reason
from pricing_engine.promo import PromoReason

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
APP_SOURCE = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/openapi.json").json


def _operation_ids(document: dict) -> dict[str, str]:
    return {f"{method.upper()} {path}": item[method].get("operationId")
            for path, item in document["paths"].items() for method in HTTP_METHODS if method in item}


def test_every_operation_has_a_unique_camel_case_operation_id(document):
    names = _operation_ids(document)
    assert len(names) > 70
    assert [op for op, name in names.items() if not name] == []
    assert [name for name in names.values() if not re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", name)] == []
    assert len(set(names.values())) == len(names)


def test_operation_ids_read_as_what_the_operation_does(document):
    names = _operation_ids(document)
    assert names["GET /api/showtimes"] == "listShowtimes"
    assert names["POST /api/bookings/hold"] == "holdSeats"
    assert names["GET /api/movies/{movie_id}"] == "getMovie"
    assert names["POST /api/bookings"] == "createBooking"
    assert names["DELETE /api/bookings/{booking_id}"] == "cancelBooking"
    assert names["PUT /api/movies/{movie_id}"] == "updateMovie"
    assert names["GET /api/showtimes/{showtime_id}/seats"] == "getSeatMap"
    assert names["POST /api/auth/forgot-password"] == "forgotPassword"
    # every name the table gives is in use: an entry for a view that was renamed is noticed
    assert set(OVERRIDES.values()) <= set(names.values())


def test_error_code_and_reason_are_documented_as_enums(document):
    error = document["components"]["schemas"]["Error"]["properties"]
    assert error["reason"]["enum"] == list(REASONS)
    assert error["code"]["enum"] == list(STATUSES)
    assert {"seats_taken", "invalid_json", "json_body_required", "redis_unavailable",
            "database_unavailable", "seat_limit_reached", "concurrent_update"} <= set(REASONS)


def _reasons_given_to_errors() -> dict[str, str]:
    """Each string literal the source gives an error as its reason, with where it is given.

    Errors are the calls of a name ending in ``Error`` and ``error_response``, their classes'
    ``default_reason``, and scheduling's ``Obstacle`` (whose reason becomes a 409's).
    """
    found = {}
    for path in sorted(APP_SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            where = f"{path.relative_to(APP_SOURCE.parent)}:{getattr(node, 'lineno', 0)}"
            targets = getattr(node, "targets", [])
            if any(isinstance(target, ast.Name) and target.id == "default_reason" for target in targets):
                found[node.value.value] = where
            if not isinstance(node, ast.Call):
                continue
            callee = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if callee.endswith("Error") or callee == "error_response":
                for keyword in node.keywords:
                    if keyword.arg == "reason" and isinstance(keyword.value, ast.Constant):
                        found[keyword.value.value] = where
            if callee == "Obstacle" and node.args and isinstance(node.args[0], ast.Constant):
                found[node.args[0].value] = where
    return found


def test_every_reason_the_source_gives_an_error_is_listed():
    given = _reasons_given_to_errors()
    assert len(given) > 80
    assert {reason: where for reason, where in given.items() if reason not in REASONS} == {}


def test_promo_outcomes_of_a_refused_hold_are_listed():
    # app.bookings.held_prices refuses a hold's promo code with "promo_" + check_promo's outcome
    outcomes = {"unknown", *(reason.value for reason in PromoReason if reason is not PromoReason.OK)}
    assert {f"promo_{outcome}" for outcome in outcomes} <= set(REASONS)


def test_a_gateways_unknown_decline_code_is_a_payment_declined():
    assert decline_reason("insufficient_funds") == "insufficient_funds"
    assert decline_reason("resource_missing") == "payment_declined"
    assert decline_reason(None) == "payment_declined"


def test_an_unlisted_reason_is_refused_while_testing(app):
    with app.test_request_context(), pytest.raises(LookupError, match="app/common/reasons.py"):
        error_response(409, "clash", reason="not_a_listed_reason")
    with app.test_request_context(), pytest.raises(LookupError, match="app/common/reasons.py"):
        error_response(418, "teapot")


def test_two_operations_of_one_name_refuse_to_start():
    from flask import Flask
    from flask.views import MethodView

    from app.common.api import CinemaApi
    from app.common.blueprint import ServiceBlueprint

    def service(name: str) -> ServiceBlueprint:
        blp = ServiceBlueprint(name, __name__, url_prefix=f"/{name}")

        @blp.route("/things")
        class Things(MethodView):
            def get(self):
                return []

        return blp

    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    api = CinemaApi(app)
    api.register_blueprint(service("first"))
    with pytest.raises(ValueError, match="'getThings' names both GET /first/things and GET /second/things"):
        api.register_blueprint(service("second"))
