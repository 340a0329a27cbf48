"""The session cycle over real HTTP: Gunicorn (several workers) on PostgreSQL and Redis.

Proves what the test client cannot: the refresh cookie's path and flags work in a real
cookie jar, and revocation is shared between worker processes through Redis.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(app):
    """Gunicorn serving the test database (its schema is built by the ``app`` fixture)."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": TEST_DATABASE_URL, "REDIS_URL": TEST_REDIS_URL,
           "SECRET_KEY": "e2e-secret", "JWT_SECRET_KEY": "e2e-jwt-secret-key-of-sufficient-length",
           "PORT": str(port), "WEB_CONCURRENCY": "3", "LOG_LEVEL": "WARNING", "RQ_ASYNC": "false"}
    process = subprocess.Popen([BIN / "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{base}/healthz", timeout=2)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "gunicorn did not start within 30 s"
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=20)


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
