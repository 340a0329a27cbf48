"""Structured logs: one line per request with its request id; JSON in production."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request
from pythonjsonlogger.json import JsonFormatter

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")
# Query parameters of our links that are credentials: one-time tokens, link signatures.
_SECRET_PARAMETER = re.compile(r"([?&](?:token|signature)=)[^&\s]+")
access_log = logging.getLogger("cinemaos.access")


class _RequestIdFilter(logging.Filter):
    """Stamp every record logged during a request with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            try:
                record.request_id = g.get("request_id", "-")
            except RuntimeError:  # outside a request or app context
                record.request_id = "-"
        return True


def redact_link_secrets(text: str) -> str:
    """``text`` with the value of every ``token=`` and ``signature=`` URL parameter hidden."""
    return _SECRET_PARAMETER.sub(r"\1[redacted]", text)


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if app.config["LOG_JSON"]:
        handler.setFormatter(
            JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger("cinemaos")
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = False
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
    # The settings cannot log while they are read: what they must say is said now.
    for warning in app.config.get("STARTUP_WARNINGS", ()):
        logging.getLogger("cinemaos.config").warning(warning)


def install_request_logging(app: Flask) -> None:
    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers["X-Request-ID"] = request_id
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
        access_log.info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={
                "method": request.method, "path": request.path, "status": response.status_code,
                "duration_ms": duration_ms, "user_id": g.get("user_id"),
                "remote_addr": request.remote_addr,
            },
        )
        return response
