"""The session cycle over real HTTP: Gunicorn (several workers) on PostgreSQL and Redis.

Proves what the test client cannot: the refresh cookie's path and flags work in a real
cookie jar, and revocation is shared between worker processes through Redis.
"""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import gunicorn_server, server_env
from tests.factories import PASSWORD


@pytest.fixture
def server(app):
    """Gunicorn serving the test database (its schema is built by the ``app`` fixture)."""
    env = server_env(SECRET_KEY="e2e-secret", JWT_SECRET_KEY="e2e-jwt-secret-key-of-sufficient-length",
                     WEB_CONCURRENCY="3", RQ_ASYNC="false")
    with gunicorn_server(env) as base:
        yield base


@pytest.mark.slow
def test_login_refresh_me_logout_over_http(server, factory):
    user = factory.user("manager", email="http@example.test")
    with httpx.Client(base_url=server) as browser:
        login = browser.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        assert browser.cookies.get("refresh_token_cookie")  # kept by a real cookie jar
        token = login.json()["access_token"]

        csrf = browser.cookies.get("csrf_refresh_token")
        rotated = browser.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": csrf})
        assert rotated.status_code == 200, rotated.text
        new_token = rotated.json()["access_token"]

        me = browser.get("/api/auth/me", headers={"Authorization": f"Bearer {new_token}"})
        assert me.json()["role"] == "manager"

        out = browser.post("/api/auth/logout", headers={"Authorization": f"Bearer {new_token}"})
        assert out.status_code == 204
        assert not browser.cookies.get("refresh_token_cookie")
        # Whichever worker answers, the revoked tokens stay revoked.
        for stale in (token, new_token):
            for _ in range(3):
                response = browser.get("/api/auth/me", headers={"Authorization": f"Bearer {stale}"})
                assert response.status_code == 401
