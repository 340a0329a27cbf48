"""The Blueprint every service uses: flask-smorest's, plus ``access`` to declare who may call."""

from __future__ import annotations

import inspect
from collections.abc import Callable

from flask_smorest import Blueprint

from app.common.access import ANY_USER, allow_anonymous, require_roles
from app.common.api import ErrorSchema
from app.common.parsing import ApiParser

_ACCESS_MARK = "_access_roles"


class ServiceBlueprint(Blueprint):
    """flask-smorest's Blueprint, with ``access`` to declare who may call.

    No catch-all ``default`` response stands in for the errors (``CinemaApi`` turns it off):
    each operation lists the statuses it can answer. Those a view's own code raises are
    documented on the view with ``@blp.alt_response``; 401 and 403 come with ``access``, 422
    with ``arguments``, 304/412/428 with ``etag`` (flask-smorest's own), and those that come
    with the operation's shape (400, 404, 409, 413, 503) are added to every operation by
    ``app.common.spec_conventions``, as is its operationId.
    """

    # Bodies are bounded, strictly decoded and required where an operation takes one.
    ARGUMENTS_PARSER = ApiParser()

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


def _documenting_only(decorator: Callable) -> Callable:
    """flask-smorest's ``alt_response`` and ``doc`` record their documentation on a wrapper that
    only calls the view, and each such layer costs every request an app lookup and an
    ``ensure_sync`` (a hold has seven). Keep what they record, on the view itself, without the layer."""

    def apply(func: Callable) -> Callable:
        func._apidoc = decorator(func)._apidoc
        return func

    return apply


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
