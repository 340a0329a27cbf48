"""Registration, the password policy, login and the signed-in user's account."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth.passwords import verify_password
from app.common.revocations import session_key
from app.extensions import db, redis_client
from app.models import RefreshTokenFamily, User
from tests.factories import PASSWORD


def register(client, email="Ada@Example.COM ", password="Analytical-engine-1", **extra):
    return client.post("/api/auth/register", json={"email": email, "password": password, **extra})


def test_register_creates_a_customer_with_a_normalised_email_and_bcrypt_hash(client, app):
    response = register(client, full_name="Ada Lovelace")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["email"] == "ada@example.com"
    assert body["role"] == "customer" and body["is_active"] is True
    assert body["email_verified"] is False and body["cinema_ids"] == []
    assert "password" not in body and "password_hash" not in body
    user = db.session.scalar(select(User).where(User.email == "ada@example.com"))
    assert user.password_hash.startswith("$2b$04$")  # bcrypt with the configured (test) cost
    assert verify_password("Analytical-engine-1", user.password_hash)


def test_email_is_unique_whatever_its_case(client):
    assert register(client, "ada@example.com").status_code == 201
    again = register(client, "  ADA@example.com")
    assert again.status_code == 409
    assert again.json["reason"] == "email_taken"


def test_password_policy_answers_422_naming_every_broken_rule(client):
    short = register(client, password="abc")
    assert short.status_code == 422
    assert short.json["reason"] == "weak_password"
    assert "at least 10 characters" in short.json["message"]
    assert "digit or a symbol" in short.json["message"]
    assert short.json["errors"]["password"]

    assert register(client, password="password123").json["reason"] == "weak_password"
    assert "e-mail" in register(client, "lovelace@example.com", password="lovelace-2026").json["message"]
    assert register(client, password="x" * 80 + "1").json["reason"] == "weak_password"  # > 72 bytes
    assert register(client, email="not-an-email").status_code == 422


def test_login_returns_an_access_token_and_sets_the_refresh_cookie(client, factory, app, monkeypatch):
    monkeypatch.setitem(app.config, "JWT_COOKIE_SECURE", True)  # as in production
    user = factory.user(email="bob@example.test")
    response = client.post("/api/auth/login", json={"email": "BOB@example.test", "password": PASSWORD})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert body["refresh_expires_in"] == 7 * 24 * 3600
    assert body["user"]["id"] == user.id and "refresh_token" not in body

    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    refresh_cookie = cookies["refresh_token_cookie"]
    assert "HttpOnly" in refresh_cookie and "Secure" in refresh_cookie
    assert "SameSite=Strict" in refresh_cookie and "Path=/api/auth" in refresh_cookie
    assert "Max-Age=604800" in refresh_cookie
    assert "HttpOnly" not in cookies["csrf_refresh_token"]  # the page must read it for X-CSRF-TOKEN
    assert body["refresh_csrf_token"] in cookies["csrf_refresh_token"]

    family = db.session.scalar(select(RefreshTokenFamily).where(RefreshTokenFamily.user_id == user.id))
    assert family.revoked_at is None and family.expires_at - family.created_at > timedelta(days=6)

    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json["email"] == "bob@example.test"


def test_wrong_password_and_unknown_email_get_the_same_401(client, factory):
    factory.user(email="carol@example.test")
    wrong = client.post("/api/auth/login", json={"email": "carol@example.test", "password": "Nope-nope-1"})
    unknown = client.post("/api/auth/login", json={"email": "nobody@example.test", "password": "Nope-nope-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["message"] == unknown.json["message"]
    assert wrong.json["reason"] == unknown.json["reason"] == "invalid_credentials"


def test_a_disabled_account_cannot_log_in(client, factory):
    factory.user(email="dave@example.test", is_active=False)
    response = client.post("/api/auth/login", json={"email": "dave@example.test", "password": PASSWORD})
    assert response.status_code == 401
    assert response.json["reason"] == "account_inactive"


def test_me_caches_the_session_in_redis_under_the_seed_key(client, factory):
    user = factory.user("staff", email="erin@example.test")
    assert client.get("/api/auth/me", headers=factory.headers(user)).json["role"] == "staff"
    cached = redis_client.client.get(session_key(user.id))
    assert cached and '"role": "staff"' in cached
    assert 0 < redis_client.client.ttl(session_key(user.id)) <= 900
    assert session_key(user.id) == f"user:{user.id}:session"
