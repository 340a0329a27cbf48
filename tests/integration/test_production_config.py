"""APP_ENV=production refuses to start unsafe: each refusal is one line naming the setting, found
by building the app from an environment that lacks it. The gateway chooser keeps the same rule."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from app import create_app
from app.common.logging import configure_logging
from app.extensions import db
from app.models import Booking
from app.payments.gateways import get_gateway
from app.payments.gateways.sandbox import SandboxGateway
from config import Config, ConfigError
from tests.payments_support import pay, pending_booking

# A production environment that starts; each test takes one thing away or spoils it.
SAFE = {
    "APP_ENV": "production",
    "DATABASE_URL": "postgresql://postgres@127.0.0.1/cinemaos",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "kq2VZ7n0RrJt4uX9mBw1LcYe8HdG6sPa3fTo5NiQ",
    "JWT_SECRET_KEY": "Zp4Hs9QwE2tLx7VbN1cKr6MjY3uFg8DaO5iWe0Ty",
    "STRIPE_SECRET_KEY": "sk_live_51Hx0",
    "STRIPE_WEBHOOK_SECRET": "whsec_9fA2",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_51Hx0",
    "SMTP_HOST": "smtp.example.com",
    "S3_BUCKET": "cinemaos-media",
    "TICKET_SIGNING_KEYS": "k2:Vh8rT3mQx6LpZ1wNc9KjB4sYd7GfE2aU5oRi0Hn,"
                           "k1:Pq7Wm2Xz9Lc4Vb6Nj1Kh8Gf3Ds5Ra0Te2Yu7Io",
    "TICKET_SIGNING_KEY_ID": "k2",
}
OTHERS = ("MEDIA_DIR", "PAYMENTS_SANDBOX_ALLOWED", "INSTANCE_DIR")


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    for name in OTHERS:
        monkeypatch.delenv(name, raising=False)
    for name, value in SAFE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    return monkeypatch


@pytest.fixture
def restore_logging():
    """configure_logging replaces the handlers of shared loggers: give the others theirs back."""
    saved = {name: (logger.handlers[:], logger.level, logger.propagate)
             for name in ("cinemaos", "app") for logger in [logging.getLogger(name)]}
    yield
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.level, logger.propagate = handlers, level, propagate


def test_a_safe_production_environment_starts(production_env):
    settings = Config.from_env()
    assert settings["APP_ENV"] == "production" and settings["STARTUP_WARNINGS"] == []
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert settings["JWT_COOKIE_SECURE"] is True
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True


@pytest.mark.parametrize(("change", "refusal"), [
    ({"SECRET_KEY": None}, "SECRET_KEY is missing: set at least 32 random characters"),
    ({"JWT_SECRET_KEY": None}, "JWT_SECRET_KEY is missing"),
    ({"JWT_SECRET_KEY": "secret"}, "JWT_SECRET_KEY is too weak (6 characters, fewer than 32)"),
    ({"SECRET_KEY": "s" * 40}, "SECRET_KEY is too weak (too few different characters)"),
    ({"SECRET_KEY": "please-change-me-to-a-long-random-string"},
     "SECRET_KEY is too weak (looks like a placeholder)"),
    ({"JWT_SECRET_KEY": "my-super-secret-jwt-key-for-production-2026"},
     "JWT_SECRET_KEY is too weak (looks like a placeholder)"),
    ({"DATABASE_URL": None}, "DATABASE_URL is missing"),
    ({"REDIS_URL": None}, "REDIS_URL is missing"),
    ({"STRIPE_SECRET_KEY": None}, "STRIPE_SECRET_KEY is missing: the sandbox gateway would confirm"),
    ({"STRIPE_WEBHOOK_SECRET": None}, "STRIPE_WEBHOOK_SECRET is missing"),
    ({"STRIPE_PUBLISHABLE_KEY": None}, "STRIPE_PUBLISHABLE_KEY is missing: the checkout page"),
    ({"SMTP_HOST": None}, "SMTP_HOST is missing: e-mails, with their password-reset"),
    ({"S3_BUCKET": None}, "S3_BUCKET and MEDIA_DIR are both missing"),
    ({"S3_BUCKET": ""}, "S3_BUCKET and MEDIA_DIR are both missing"),
    ({"TICKET_SIGNING_KEYS": None}, "TICKET_SIGNING_KEYS is missing"),
    ({"TICKET_SIGNING_KEYS": "k2:short"}, "TICKET_SIGNING_KEYS key 'k2' is too weak"),
    ({"TICKET_SIGNING_KEY_ID": "k9"}, "TICKET_SIGNING_KEY_ID names no key of TICKET_SIGNING_KEYS"),
])
def test_production_refuses_to_start_unsafe(production_env, change, refusal):
    for name, value in change.items():
        if value is None:
            production_env.delenv(name)
        else:
            production_env.setenv(name, value)

    with pytest.raises(ConfigError) as refused:
        create_app()

    lines = str(refused.value).splitlines()
    assert lines[0] == "APP_ENV=production refuses to start unsafe:"
    assert len(lines) == 2 and lines[1].strip().startswith(refusal), lines


def test_every_refusal_is_named_at_once(production_env):
    for name in ("SMTP_HOST", "S3_BUCKET", "STRIPE_SECRET_KEY"):
        production_env.delenv(name)
    production_env.setenv("SECRET_KEY", "secret")
    with pytest.raises(ConfigError) as refused:
        Config.from_env()
    named = [line.strip().split(" ", 1)[0] for line in str(refused.value).splitlines()[1:]]
    assert named == ["SECRET_KEY", "STRIPE_SECRET_KEY", "SMTP_HOST", "S3_BUCKET"]


def test_an_explicit_media_folder_stands_in_for_a_bucket(production_env, tmp_path):
    production_env.delenv("S3_BUCKET")
    production_env.setenv("MEDIA_DIR", str(tmp_path / "media"))
    assert Config.from_env()["MEDIA_DIR"] == str(tmp_path / "media")


def test_a_misspelt_app_env_is_refused(production_env):
    production_env.setenv("APP_ENV", "prod")  # would otherwise run with development defaults
    with pytest.raises(ConfigError, match="APP_ENV is 'prod'; expected one of development, test, production"):
        create_app()


def test_the_sandbox_in_production_needs_an_opt_in_said_loudly_at_start(production_env, restore_logging):
    production_env.delenv("STRIPE_SECRET_KEY")
    production_env.delenv("STRIPE_WEBHOOK_SECRET")
    production_env.setenv("PAYMENTS_SANDBOX_ALLOWED", "true")
    settings = Config.from_env()
    assert settings["PAYMENTS_SANDBOX_ALLOWED"] is True
    assert len(settings["STARTUP_WARNINGS"]) == 1

    records: list[logging.LogRecord] = []
    catcher = logging.Handler()
    catcher.emit = records.append
    logging.getLogger("cinemaos.config").addHandler(catcher)
    try:
        app = Flask(__name__)
        app.config.update(settings)
        configure_logging(app)
    finally:
        logging.getLogger("cinemaos.config").removeHandler(catcher)

    assert [(r.levelname, r.getMessage()) for r in records] == [("WARNING", settings["STARTUP_WARNINGS"][0])]
    assert "PAYMENTS_SANDBOX_ALLOWED=true" in records[0].getMessage()
    assert "test cards" in records[0].getMessage()


def test_development_and_tests_keep_the_sandbox_without_an_opt_in(monkeypatch, tmp_path):
    for name in ("APP_ENV", "STRIPE_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PAYMENTS_SANDBOX_ALLOWED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    settings = Config.from_env()
    assert settings["APP_ENV"] == "development" and settings["STARTUP_WARNINGS"] == []
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"] == {"hide_parameters": False}


@pytest.mark.parametrize(("app_env", "opt_in", "allowed"), [
    ("production", False, False), ("production", True, True), ("test", False, True),
    ("development", False, True),
])
def test_the_gateway_chooser_keeps_the_same_rule(app, monkeypatch, app_env, opt_in, allowed):
    monkeypatch.setitem(app.config, "APP_ENV", app_env)
    monkeypatch.setitem(app.config, "PAYMENTS_SANDBOX_ALLOWED", opt_in)
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", None)
    if allowed:
        assert isinstance(get_gateway(), SandboxGateway)
    else:
        with pytest.raises(ConfigError, match="sandbox gateway is refused"):
            get_gateway()


def test_production_without_the_opt_in_never_confirms_a_test_card(app, client, factory, monkeypatch):
    customer = factory.user()
    booking = pending_booking(factory, customer)
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", None)

    response = pay(client, factory, booking, customer)

    assert response.status_code == 500  # a settings error, reachable only past start-up's check
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "pending_payment"
