"""The OpenAPI conventions every operation follows, added by an apispec plugin.

apispec calls a plugin's ``operation_helper`` for every path flask-smorest registers (public
API of both libraries: ``Api.init_app(spec_kwargs={"extra_plugins": [...]})``), after the
marshmallow plugin has turned schemas into references. From what the operation documents
it adds:

- its ``operationId``, by the rule of ``app.common.operation_ids`` (unless ``@blp.doc`` named
  one), from the view's name: the rule's endpoint;
- the statuses that come with its shape, once, so no view can forget them (a view that
  documents one itself, with a more precise description, keeps it):
  400 (not JSON) with a JSON body, 413 (over ``MAX_CONTENT_LENGTH``) with any body, 404 with a
  path parameter (routing answers it for a value its converter refuses, the view for an id
  that names nothing), 409 on every write (``concurrent_update``: a versioned row changed
  between the If-Match check and the write, or a concurrent request wrote the same unique
  name, slot or row first, so the database refused this one), and 503 on every
  operation (PostgreSQL or Redis unavailable for a moment, with ``Retry-After``).

Two operations of one name would be one method of a generated client: the plugin refuses the
second (the application does not start).
"""

from __future__ import annotations

import http
from typing import Any

from apispec import APISpec, BasePlugin

from app.common.operation_ids import operation_id

_WRITE_METHODS = ("post", "put", "patch", "delete")
# Security schemes the operations refer to; bearerAuth is the one Swagger UI's Authorize fills.
# Swagger UI's dialog autofocuses every field it draws, so the last one drawn has the cursor and
# is scrolled into view: bearerAuth comes last, so the dialog opens on it (not on the CSRF field).
SECURITY_SCHEMES = {
    "refreshCookie": {
        "type": "apiKey", "in": "cookie", "name": "refresh_token_cookie",
        "description": "httpOnly refresh token set by `POST /api/auth/login` (path /api/auth)",
    },
    "csrfToken": {
        "type": "apiKey", "in": "header", "name": "X-CSRF-TOKEN",
        "description": "Value of the `csrf_refresh_token` cookie (double-submit CSRF protection)",
    },
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
}


class OperationConventions(BasePlugin):
    """The plugin (``CinemaApi`` installs it); it also declares the security schemes that the
    operations' ``security`` (``ServiceBlueprint.access``) names."""

    def __init__(self, security_schemes: dict[str, dict] = SECURITY_SCHEMES) -> None:
        self.security_schemes = security_schemes
        self.spec: APISpec | None = None
        self.named: dict[str, str] = {}

    def init_spec(self, spec: APISpec) -> None:
        self.spec = spec
        self.named = {}
        for name, scheme in self.security_schemes.items():
            spec.components.security_scheme(name, scheme)

    def operation_helper(self, path: str | None = None, operations: dict | None = None,
                         **kwargs: Any) -> None:
        rule = kwargs.get("rule")
        for method, operation in (operations or {}).items():
            if rule is not None:
                view_name = rule.endpoint.rsplit(".", 1)[-1]
                operation.setdefault("operationId", operation_id(
                    view_name, method, answers_list=self._answers_list(operation)))
                self._refuse_duplicate(operation["operationId"], f"{method.upper()} {path}")
            _add_common_errors(path or "", method, operation)

    def _answers_list(self, operation: dict) -> bool:
        """Whether the success is a list, or a page of one (an object with ``items``)."""
        for status, response in operation.get("responses", {}).items():
            if not str(status).startswith("2") or not isinstance(response, dict):
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("type") == "array":
                return True
            ref = schema.get("$ref")
            if ref:
                named = self.spec.components.schemas.get(ref.rsplit("/", 1)[-1], {})
                if "items" in named.get("properties", {}):
                    return True
        return False

    def _refuse_duplicate(self, name: str, where: str) -> None:
        if self.named.get(name, where) != where:
            raise ValueError(f"operationId {name!r} names both {self.named[name]} and {where}: "
                             "add a name to app/common/operation_ids.py")
        self.named[name] = where


def _add_common_errors(path: str, method: str, operation: dict) -> None:
    responses = operation.setdefault("responses", {})
    documented = {int(status) for status in responses if str(status).isdigit()}
    body = (operation.get("requestBody") or {}).get("content", {})
    added = []
    if "application/json" in body:
        added.append(400)
    if "{" in path:
        added.append(404)
    if method in _WRITE_METHODS:
        added.append(409)
    if body:
        added.append(413)
    added.append(503)
    for status in added:
        if status not in documented:
            responses[status] = http.HTTPStatus(status).name
