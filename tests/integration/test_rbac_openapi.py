"""Every operation of the OpenAPI document states who may call it, and the API enforces it.

The test walks ``/api/openapi.json`` as it is when the suite runs, so an endpoint added later
is covered without anyone remembering to: protected operations answer 401 to anonymous
callers and 403 to every role outside their ``x-roles``, before the request body is even
looked at (the bodies sent here are empty). Path parameters are filled with ``1``.
"""

from __future__ import annotations

import re

import marshmallow as ma
import pytest
from flask.views import MethodView

from app.common.blueprint import ServiceBlueprint
from app.models import ROLES

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
ERROR_FIELDS = {"code", "status", "reason", "message"}


def operations(client):
    spec = client.get("/api/openapi.json").json
    for path, item in spec["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method in HTTP_METHODS:
            if method in item:
                yield f"{method.upper()} {path}", method, url, item[method]


def call(client, method, url, headers=None):
    body = {"json": {}} if method in ("post", "put", "patch") else {}
    return client.open(url, method=method.upper(), headers=headers or {}, **body)


@pytest.fixture
def role_headers(factory):
    return {role: factory.headers(factory.user(role)) for role in ROLES}


def test_every_operation_declares_its_audience(client):
    undeclared = []
    for name, _method, _url, operation in operations(client):
        roles = operation.get("x-roles")
        if "security" not in operation or not roles:
            undeclared.append(name)
        elif operation["security"] == [] and roles != ["public"]:
            undeclared.append(f"{name} (no security but x-roles={roles})")
        elif operation["security"] and not set(roles) <= set(ROLES):
            undeclared.append(f"{name} (unknown roles {roles})")
    assert not undeclared, f"declare these with @blp.access(...): {undeclared}"


def test_protected_operations_refuse_anonymous_callers_with_401(client, role_headers):
    wrong = []
    for name, method, url, operation in operations(client):
        if not operation.get("security"):
            continue
        response = call(client, method, url)
        if response.status_code != 401 or not set(response.json or {}) >= ERROR_FIELDS:
            wrong.append(f"{name}: {response.status_code}")
    assert not wrong, f"anonymous calls not refused with 401: {wrong}"


def test_protected_operations_refuse_other_roles_with_403(client, role_headers):
    wrong = []
    checked = 0
    for name, method, url, operation in operations(client):
        if not operation.get("security"):
            continue
        for role in sorted(set(ROLES) - set(operation["x-roles"])):
            checked += 1
            response = call(client, method, url, role_headers[role])
            if response.status_code != 403 or response.json.get("reason") != "role_not_allowed":
                wrong.append(f"{name} as {role}: {response.status_code}")
    assert checked, "no role-restricted operation found"
    assert not wrong, f"wrong-role calls not refused with 403: {wrong}"


def test_public_operations_never_ask_for_credentials(client):
    wrong = []
    for name, method, url, operation in operations(client):
        if operation.get("security") == []:
            response = call(client, method, url)
            if response.status_code in (401, 403):
                wrong.append(f"{name}: {response.status_code}")
    assert not wrong, f"public operations refusing anonymous callers: {wrong}"


def test_swagger_ui_authorize_uses_the_bearer_scheme(client):
    spec = client.get("/api/openapi.json").json
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["refreshCookie"]["in"] == "cookie"
    me = spec["paths"]["/api/auth/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}] and "401" in me["responses"]


class _BodySchema(ma.Schema):
    name = ma.fields.String(required=True)


def test_access_must_sit_above_the_request_parsing_decorators():
    blp = ServiceBlueprint("order_check", __name__)
    with pytest.raises(TypeError, match="@blp.access"):
        @blp.arguments(_BodySchema)
        @blp.access("admin")
        def misplaced(data): ...

    with pytest.raises(TypeError, match="@blp.access"):
        @blp.etag
        class Misplaced(MethodView):
            @blp.access("admin")
            def put(self): ...

    @blp.access("admin")
    @blp.arguments(_BodySchema)
    @blp.etag
    def well_placed(data): ...

    assert well_placed._access_roles == ("admin",)
