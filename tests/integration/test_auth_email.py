"""Password reset and e-mail verification, with the e-mails really sent over SMTP.

A local aiosmtpd server on 127.0.0.1 receives what the RQ job (run in-process in tests)
hands to smtplib; the tests read the links out of the received messages.
"""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from urllib.parse import parse_qs, urlparse

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.auth.one_time import digest
from app.common import clock
from app.extensions import db
from app.models import OneTimeToken, RefreshTokenFamily, User
from tests.factories import PASSWORD

NEW_PASSWORD = "Brand-new-secret-7"


class Inbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def token_in_last(self, address: str, page: str) -> str:
        body = self.to(address)[-1].get_payload(decode=True).decode()
        link = re.search(rf"https?://\S+/{page}\?\S+", body).group(0)
        assert link.startswith("https://cinema.example/")
        return parse_qs(urlparse(link).query)["token"][0]


@pytest.fixture
def inbox(app, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "FRONTEND_URL", "https://cinema.example/")
    yield handler
    controller.stop()


def forgot(client, email):
    return client.post("/api/auth/forgot-password", json={"email": email})


def reset(client, token, password=NEW_PASSWORD):
    return client.post("/api/auth/reset-password", json={"token": token, "password": password})


def log_in(client, email, password):
    return client.post("/api/auth/login", json={"email": email, "password": password})


def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(client, factory, inbox):
    factory.user(email="known@example.test")
    known = forgot(client, "Known@Example.test")
    unknown = forgot(client, "unknown@example.test")
    assert known.status_code == unknown.status_code == 202
    assert known.json == unknown.json
    assert len(inbox.to("known@example.test")) == 1
    assert inbox.to("unknown@example.test") == []
    message = inbox.to("known@example.test")[0]
    assert message["Subject"] == "Reset your CinemaOS password"
    assert "no-reply@cinemaos.local" in message["From"]


def test_password_reset_works_once_and_only_once(client, factory, inbox, app):
    user = factory.user(email="reset@example.test")
    old_session = log_in(client, "reset@example.test", PASSWORD).json
    csrf = old_session["refresh_csrf_token"]

    forgot(client, "reset@example.test")
    token = inbox.token_in_last("reset@example.test", "reset-password")
    stored = db.session.scalar(select(OneTimeToken).where(OneTimeToken.user_id == user.id))
    assert stored.token_hash == digest(token) and token not in stored.token_hash  # stored hashed
    assert timedelta(minutes=59) < stored.expires_at - stored.created_at <= timedelta(hours=1, seconds=5)

    done = reset(client, token)
    assert done.status_code == 200, done.json
    assert reset(client, token, "Another-secret-8").json["reason"] == "token_invalid"
    assert reset(client, token).status_code == 400

    assert log_in(client, "reset@example.test", PASSWORD).status_code == 401
    assert log_in(app.test_client(), "reset@example.test", NEW_PASSWORD).status_code == 200
    # Every session that existed before the change is over.
    headers = {"Authorization": f"Bearer {old_session['access_token']}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    assert client.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": csrf}).status_code == 401
    families = db.session.scalars(select(RefreshTokenFamily).where(
        RefreshTokenFamily.user_id == user.id, RefreshTokenFamily.revoked_reason == "password_changed"))
    assert len(families.all()) == 1


def test_a_reset_link_expires_after_an_hour(client, factory, inbox):
    factory.user(email="late@example.test")
    forgot(client, "late@example.test")
    token = inbox.token_in_last("late@example.test", "reset-password")
    clock.advance(timedelta(hours=1, minutes=1))
    response = reset(client, token)
    assert response.status_code == 400 and response.json["reason"] == "token_invalid"


def test_a_newer_reset_link_voids_the_older_one(client, factory, inbox):
    factory.user(email="twice@example.test")
    forgot(client, "twice@example.test")
    first = inbox.token_in_last("twice@example.test", "reset-password")
    forgot(client, "twice@example.test")
    second = inbox.token_in_last("twice@example.test", "reset-password")
    assert reset(client, first).status_code == 400
    assert reset(client, second).status_code == 200


def test_a_weak_new_password_is_refused_without_burning_the_link(client, factory, inbox):
    factory.user(email="weak@example.test")
    forgot(client, "weak@example.test")
    token = inbox.token_in_last("weak@example.test", "reset-password")
    weak = reset(client, token, "short")
    assert weak.status_code == 422 and weak.json["reason"] == "weak_password"
    assert reset(client, token).status_code == 200


def test_registration_sends_a_verification_link_that_works_once(client, inbox):
    response = client.post("/api/auth/register",
                           json={"email": "New@Example.test", "password": "Fresh-account-3"})
    assert response.status_code == 201 and response.json["email_verified"] is False
    message = inbox.to("new@example.test")[0]
    assert message["Subject"] == "Confirm your e-mail address for CinemaOS"
    token = inbox.token_in_last("new@example.test", "verify-email")

    assert client.post("/api/auth/verify-email", json={"token": token}).status_code == 200
    again = client.post("/api/auth/verify-email", json={"token": token})
    assert again.status_code == 400 and again.json["reason"] == "token_invalid"
    user = db.session.scalar(select(User).where(User.email == "new@example.test"))
    assert user.email_verified

    login = log_in(client, "new@example.test", "Fresh-account-3").json
    assert login["user"]["email_verified"] is True


def test_a_reset_token_cannot_verify_an_email_or_the_reverse(client, factory, inbox):
    factory.user(email="mixed@example.test")
    forgot(client, "mixed@example.test")
    token = inbox.token_in_last("mixed@example.test", "reset-password")
    assert client.post("/api/auth/verify-email", json={"token": token}).status_code == 400
    assert reset(client, token).status_code == 200
