"""The Blueprint every service uses: flask-smorest's, plus ``access`` to declare who may call."""

from __future__ import annotations

import http
import inspect
from collections.abc import Callable

from flask_smorest import Blueprint

from app.common.access import ANY_USER, allow_anonymous, require_roles
from app.common.api import ErrorSchema
from app.common.operation_ids import operation_id
from app.common.parsing import ApiParser

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
_ACCESS_MARK = "_access_roles"
_PATH_MARK = "routed_by_path"
_VIEW_MARK = "view_name"


class ServiceBlueprint(Blueprint):
    """flask-smorest's Blueprint, with ``access`` and the error answers every operation documents.

    No catch-all ``default`` response stands in for the errors (``CinemaApi`` turns it off):
    each operation lists the statuses it can answer. Those a view's own code raises are
    documented on the view with ``@blp.alt_response``; those that come with the operation's
    shape are added here, once, so no view can forget them:

    - 400 (not JSON) on every operation with a JSON body, 413 (over ``MAX_CONTENT_LENGTH``) on
      every operation with a body;
    - 404 on every operation whose path has a parameter: routing answers it for a value its
      converter refuses (``/api/movies/abc``), the view for an id that names nothing;
    - 409 on every PUT, PATCH and DELETE under ``etag``: a versioned row changed by someone
      else between the If-Match check and the write (``concurrent_update``);
    - 503 on every operation: PostgreSQL or Redis unavailable for a moment (``Retry-After``);
    - 401 and 403 on protected operations (``access``), 422 with ``arguments``, 304/412/428
      with ``etag`` (flask-smorest's own).

    A view that documents one of them itself, with a more precise description, keeps it.
    """

    # Bodies are bounded, strictly decoded and required where an operation takes one.
    ARGUMENTS_PARSER = ApiParser()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The name reads the response schemas before flask-smorest's callbacks turn them into refs.
        self._prepare_doc_cbks = [_name_operation, *self._prepare_doc_cbks, _document_common_errors]

    def route(self, rule: str, **kwargs):
        """``Blueprint.route``, marking each view with its name (its operationId comes from it)
        and whether its rule has path parameters (see above)."""
        register = super().route(rule, **kwargs)

        def decorator(view):
            methods = ([getattr(view, m.lower()) for m in self.HTTP_METHODS if hasattr(view, m.lower())]
                       if inspect.isclass(view) else [view])
            marks = {_VIEW_MARK: view.__name__, **({_PATH_MARK: True} if "<" in rule else {})}
            for func in methods:
                func._apidoc = {**getattr(func, "_apidoc", {}), **marks}
            return register(view)

        return decorator

    def access(self, *roles: str, refresh_cookie: bool = False):
        """Declare the audience of a view, enforce it, and document it in OpenAPI.

        ``access()`` means public. With roles, the caller needs a valid access token in the
        ``Authorization`` header (401 otherwise) and one of the roles (403 otherwise).
        ``refresh_cookie=True`` authenticates with the refresh-token cookie plus its CSRF
        header instead (only ``POST /api/auth/refresh``); the roles default to everyone.
        The operation gets its ``security`` requirement and an ``x-roles`` list, which the
        RBAC test (tests/integration/test_rbac_openapi.py) walks.

        Put it directly under ``@blp.route`` and above every other decorator, so the caller
        is checked before the body, query, pagination or If-Match are looked at (an anonymous
        caller gets 401, never a 422 that reveals the schema)::

            @blp.route("/things/<int:thing_id>")
            class Thing(MethodView):
                @blp.access(*MANAGERS)
                @blp.arguments(ThingSchema)
                @blp.response(200, ThingSchema)
                def put(self, data, thing_id): ...

        ``arguments``, ``paginate`` and ``etag`` refuse (at import time) to wrap a view that
        ``access`` already wraps, so the wrong order cannot ship.
        """
        if refresh_cookie:
            roles = roles or ANY_USER

        def decorator(func: Callable) -> Callable:
            if not roles:
                func = allow_anonymous(func)
                func = self.doc(security=[], **{"x-roles": ["public"]})(func)
            else:
                func = require_roles(roles, refresh=refresh_cookie)(func)
                func = self.alt_response(401, response="UNAUTHORIZED")(func)
                if set(roles) != set(ANY_USER):
                    func = self.alt_response(403, response="FORBIDDEN")(func)
                security = ({"refreshCookie": [], "csrfToken": []} if refresh_cookie
                            else {"bearerAuth": []})
                func = self.doc(security=[security], **{"x-roles": list(roles)})(func)
            setattr(func, _ACCESS_MARK, roles or ("public",))
            return func

        return decorator

    # flask-smorest's documentation-only decorators wrap the view in a layer that only calls
    # it; these keep the documentation they build and drop the layer (each layer cost a call,
    # an app lookup and a coroutine check on every request: a hold had six).
    def alt_response(self, status_code, response=None, *, description=None, **kwargs):
        # flask-smorest drops a description given beside a response reference: an error
        # documented with its own description is the one error body, described as given.
        if int(status_code) >= 400 and description is not None and kwargs.get("schema") is None:
            response, kwargs["schema"] = None, ErrorSchema
        return _documenting_only(
            super().alt_response(status_code, response, description=description, **kwargs))

    @staticmethod
    def doc(**kwargs):
        return _documenting_only(Blueprint.doc(**kwargs))

    def arguments(self, schema, **kwargs):
        # webargs instantiates a schema class on every request (deep-copying its fields); one
        # instance made here serves every request alike and documents the same.
        if isinstance(schema, type):
            schema = schema()
        return _below_access("arguments", super().arguments(schema, **kwargs))

    def paginate(self, pager=None, **kwargs):
        return _below_access("paginate", super().paginate(pager, **kwargs))

    def etag(self, obj):
        # On a MethodView class it wraps every method, i.e. above their ``access``: refused too.
        views = [getattr(obj, m.lower(), None) for m in self.HTTP_METHODS] if inspect.isclass(obj) else [obj]
        for view in views:
            _refuse_if_access_applied("etag", view)
        return super().etag(obj)

    def register_views_in_doc(self, api, app, spec, *, name, parameters):
        """Make sure the security schemes the operations name exist in the document."""
        for scheme_name, scheme in SECURITY_SCHEMES.items():
            if scheme_name not in spec.components.security_schemes:
                spec.components.security_scheme(scheme_name, scheme)
        super().register_views_in_doc(api, app, spec, name=name, parameters=parameters)
        _refuse_duplicate_operation_ids(spec.to_dict().get("paths", {}))


def _document_common_errors(doc: dict, doc_info: dict, *, method: str, **_kwargs) -> dict:
    """Add the statuses that come with an operation's shape (see ``ServiceBlueprint``).

    Runs after flask-smorest's own callbacks, which have put the body of ``arguments`` in
    ``requestBody``; a body documented by hand with ``doc`` is in ``manual_doc``.
    """
    responses = doc.setdefault("responses", {})
    documented = {int(status) for status in responses}
    added = []
    body = (doc.get("requestBody") or doc_info.get("manual_doc", {}).get("requestBody") or {}).get(
        "content", {})
    if "application/json" in body:
        added.append(400)
    if doc_info.get(_PATH_MARK):
        added.append(404)
    if doc_info.get("etag") and method in ("put", "patch", "delete"):
        added.append(409)
    if body:
        added.append(413)
    added.append(503)
    for status in added:
        if status not in documented:
            responses[status] = http.HTTPStatus(status).name
    return doc


def _name_operation(doc: dict, doc_info: dict, *, method: str, **_kwargs) -> dict:
    """The operationId by the rule of ``app.common.operation_ids`` (``@blp.doc`` may set another)."""
    doc["operationId"] = operation_id(doc_info[_VIEW_MARK], method, answers_list=_answers_list(doc_info))
    return doc


def _answers_list(doc_info: dict) -> bool:
    """Whether the operation's success is a list, or a page of one (a schema with ``items``)."""
    if doc_info.get("pagination"):
        return True
    responses = doc_info.get("response", {}).get("responses", {})
    schemas = [response.get("schema") for code in doc_info.get("success_status_codes", [])
               for response in responses.get(code, []) if isinstance(response, dict)]
    return any(getattr(schema, "many", False) or "items" in getattr(schema, "fields", {})
               for schema in schemas)


def _refuse_duplicate_operation_ids(paths: dict) -> None:
    """Two operations of one name would be one method of a generated client: refuse to start."""
    seen: dict[str, str] = {}
    for path, operations in paths.items():
        for method, operation in operations.items():
            name = operation.get("operationId") if isinstance(operation, dict) else None
            if name is None:
                continue
            if name in seen:
                raise ValueError(f"operationId {name!r} names both {seen[name]} and "
                                 f"{method.upper()} {path}: add a name to app/common/operation_ids.py")
            seen[name] = f"{method.upper()} {path}"


def _documenting_only(decorator: Callable) -> Callable:
    """Apply a decorator for the documentation it attaches (``_apidoc``), not for its wrapper."""

    def document(func: Callable) -> Callable:
        func._apidoc = decorator(func)._apidoc
        return func

    return document


def _below_access(name: str, decorator: Callable) -> Callable:
    """Wrap a flask-smorest decorator so it refuses views already wrapped by ``access``."""

    def checked(func: Callable) -> Callable:
        _refuse_if_access_applied(name, func)
        return decorator(func)

    return checked


def _refuse_if_access_applied(name: str, func: Callable | None) -> None:
    if func is not None and hasattr(func, _ACCESS_MARK):
        raise TypeError(
            f"@blp.{name} would run before @blp.access on {func.__qualname__}: put @blp.access "
            "directly under @blp.route (on each method of a MethodView) so the caller is checked "
            "before the request is parsed"
        )
