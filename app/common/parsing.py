"""How the API reads what a client sends: JSON bodies and path arguments, refused early and clearly.

- A JSON body is at most ``MAX_JSON_BODY_BYTES`` (1 MiB by default; ``MAX_CONTENT_LENGTH``
  still governs uploads): a larger one is refused with 413 before a byte of it is read or
  parsed, whoever reads it (the argument parser, a rate-limit key, a webhook).
- A body that is not JSON (malformed, not UTF-8, ``NaN``, nested deeper than Python recurses)
  is 400 ``invalid_json``.
- An operation that takes a JSON body refuses a request without one, or one sent without
  ``Content-Type: application/json``: 422 ``json_body_required``, saying to send the header.
  One rule for every such operation, so a PUT with no body never passes for "change nothing".
- Path ids (``<int:...>``) match 1..2^31-1 only and text segments never hold control
  characters: anything else names no resource and is 404 before a view runs.
"""

from __future__ import annotations

import json
from typing import Any

import flask
import marshmallow as ma
from flask import Flask, current_app
from flask.json.provider import DefaultJSONProvider
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

from app.common.errors import BadRequestError, DomainError, ValidationError
from app.common.fields import INT4_MAX

DEFAULT_MAX_JSON_BODY_BYTES = 1024 * 1024
# Control characters (C0, DEL, C1) never appear in a resource's path segment.
_PRINTABLE_SEGMENT = r"[^/\x00-\x1f\x7f-\x9f]"


class PayloadTooLargeError(DomainError):
    status_code = 413
    default_reason = "payload_too_large"


def loads_json(data: str | bytes) -> Any:
    """Strict JSON: ``NaN`` and ``Infinity`` are not JSON, and a recursion limit is a ValueError."""
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise ValueError("it is nested too deeply") from exc


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


class StrictJSONProvider(DefaultJSONProvider):
    """The app's JSON provider: ``request.get_json`` decodes with its ``loads``."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads_json(s)


def max_json_body_bytes() -> int:
    return current_app.config.get("MAX_JSON_BODY_BYTES", DEFAULT_MAX_JSON_BODY_BYTES)


class ApiRequest(flask.Request):
    """The request class of the app: JSON bodies are bounded; errors in them are 400 and 413."""

    @property
    def max_content_length(self) -> int | None:
        limit = flask.Request.max_content_length.fget(self)
        if self._max_content_length is None and current_app and self.is_json:
            json_limit = max_json_body_bytes()
            limit = json_limit if limit is None else min(limit, json_limit)
        return limit

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def get_data(self, *args, **kwargs):
        try:
            return super().get_data(*args, **kwargs)
        except RequestEntityTooLarge as exc:
            if not self.is_json:
                raise
            raise PayloadTooLargeError(
                f"The body is larger than the {max_json_body_bytes()} bytes a JSON request may have"
            ) from exc

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        raise BadRequestError(f"The body is not valid JSON: {e}", reason="invalid_json")


class ApiParser(FlaskParser):
    """webargs' Flask parser with the body rules above (flask-smorest's ``ARGUMENTS_PARSER``)."""

    def get_default_request(self) -> flask.Request:
        # The request itself rather than its proxy: every attribute read through the proxy
        # first fails on the proxy (an AttributeError built and dropped), and parsing reads many.
        return flask.request._get_current_object()

    def load_json(self, req: flask.Request, schema: ma.Schema) -> Any:
        if not req.is_json or not req.get_data(cache=True).strip():
            raise ValidationError(
                "This operation takes a JSON body: send it with the header "
                "Content-Type: application/json",
                reason="json_body_required",
            )
        return req.get_json()


class IdConverter(IntegerConverter):
    """``<int:...>``: a row id, 1..2^31-1 (PostgreSQL's ``integer``); beyond it no row exists."""

    regex = r"\d{1,10}"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", INT4_MAX)
        super().__init__(map, *args, **kwargs)


class TextSegmentConverter(UnicodeConverter):
    """``<name>`` and ``<string:name>``: one path segment of printable text, 100 characters at most."""

    def __init__(self, map, minlength: int = 1, maxlength: int | None = 100,
                 length: int | None = None) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", _PRINTABLE_SEGMENT, 1)


class PrintablePathConverter(PathConverter):
    """``<path:...>``: segments of printable text (file names never hold control characters)."""

    regex = f"{_PRINTABLE_SEGMENT}+(?:/{_PRINTABLE_SEGMENT}+)*"


def init_request_parsing(app: Flask) -> None:
    """Install the request class, JSON decoding and URL converters; before any route exists."""
    app.request_class = ApiRequest
    app.json = StrictJSONProvider(app)
    app.url_map.converters.update(
        int=IdConverter, default=TextSegmentConverter, string=TextSegmentConverter,
        path=PrintablePathConverter,
    )
