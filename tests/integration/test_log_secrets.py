"""Logs never hold SQL parameters (a password hash, an e-mail) or one-time tokens, except the
development conveniences that are meant for a developer's own eyes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import bcrypt
import pytest
from sqlalchemy.exc import DataError

from app import create_app
from app.auth.emails import send_password_reset_email, send_verification_email
from app.common.logging import redact_link_secrets
from app.extensions import db
from app.models import User
from config import Config
from tests.conftest import settings_for_tests

RAW_TOKEN = "Xq7pL2vN9sR4tY8uW1zK3mB6cD5fG0hJ-aE_iO"


@contextmanager
def logged(name: str) -> Iterator[list[str]]:
    """The formatted text, tracebacks included, of what ``name`` logs meanwhile."""
    lines: list[str] = []
    handler = logging.Handler()
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    handler.emit = lambda record: lines.append(formatter.format(record))
    logger = logging.getLogger(name)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # the tests' LOG_LEVEL is WARNING
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _engine_options(monkeypatch, tmp_path, app_env: str) -> dict:
    monkeypatch.setenv("APP_ENV", app_env)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    return Config.from_env()["SQLALCHEMY_ENGINE_OPTIONS"]


@pytest.mark.parametrize(("app_env", "hidden"), [("test", True), ("development", False)])
def test_a_failed_insert_logs_no_parameters_outside_development(app, monkeypatch, tmp_path,
                                                                 app_env, hidden):
    """The issue's case: a registration whose name held NUL logged its e-mail and bcrypt hash."""
    options = _engine_options(monkeypatch, tmp_path, app_env)
    other = create_app(settings_for_tests(SQLALCHEMY_ENGINE_OPTIONS=options))
    password_hash = bcrypt.hashpw(b"Correct-horse-9", bcrypt.gensalt(4)).decode()
    try:
        with other.app_context(), logged("cinemaos") as lines:
            db.session.add(User(email="ada@example.org", full_name="Ada\x00Lovelace",
                                password_hash=password_hash, role="customer"))
            with pytest.raises(DataError):
                try:
                    db.session.commit()
                except DataError:
                    logging.getLogger("cinemaos.test").exception("unhandled error")  # as app.common.api
                    raise
            db.session.rollback()
            db.engine.dispose()
    finally:
        db.session.remove()

    text = "\n".join(lines)
    assert "INSERT INTO users" in text  # the statement is still there to debug with
    assert (password_hash in text, "ada@example.org" in text) == (not hidden, not hidden)
    assert ("SQL parameters hidden" in text) == hidden


@pytest.mark.parametrize("send", [send_password_reset_email, send_verification_email])
def test_the_mail_log_fallback_hides_tokens_outside_development(app, monkeypatch, send):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    monkeypatch.setitem(app.config, "APP_ENV", "production")  # only reachable past start-up's check

    with app.test_request_context(), logged("cinemaos.mail") as lines:
        send("ada@example.org", RAW_TOKEN)

    assert len(lines) == 1 and "token=[redacted]" in lines[0]
    assert RAW_TOKEN not in lines[0]


def test_in_development_the_mail_log_keeps_the_link_to_follow(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    monkeypatch.setitem(app.config, "APP_ENV", "development")

    with app.test_request_context(), logged("cinemaos.mail") as lines:
        send_password_reset_email("ada@example.org", RAW_TOKEN)

    assert len(lines) == 1 and f"token={RAW_TOKEN}" in lines[0]


def test_the_worker_logs_an_e_mail_job_by_its_subject_only(app, monkeypatch):
    """RQ logs each job's description; by default that is the call with the body in it."""
    queued = []
    monkeypatch.setattr("app.common.mail.launch_task", lambda *args, **kwargs: queued.append((args, kwargs)))

    with app.test_request_context():
        send_password_reset_email("ada@example.org", RAW_TOKEN)

    (args, kwargs), = queued
    assert RAW_TOKEN in args[-1]  # the body still carries the link to the mail server
    assert kwargs["description"] == "e-mail: Reset your CinemaOS password"


@pytest.mark.parametrize(("text", "redacted"), [
    ("https://x.example/reset-password?token=abc-DEF_1", "https://x.example/reset-password?token=[redacted]"),
    ("/media/invoices/a.pdf?expires=17&signature=Zm9v.YmFy and more",
     "/media/invoices/a.pdf?expires=17&signature=[redacted] and more"),
    ("no links here, token is a word", "no links here, token is a word"),
])
def test_redaction_hides_token_and_signature_parameters(text, redacted):
    assert redact_link_secrets(text) == redacted
