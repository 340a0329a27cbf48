"""Swagger UI runs in a real browser under the Content Security Policy it is served with.

Debian's headless Chromium loads /docs from Gunicorn: a blocked script, stylesheet or request
is a console message naming the Content Security Policy, and a page whose start-up script was
refused draws no operation at all. Skipped where Chromium is not installed.
"""

from __future__ import annotations

import shutil
import subprocess

import httpx
import pytest

from tests.e2e.conftest import gunicorn_server, server_env

CHROMIUM = shutil.which("chromium")
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def server(app):
    env = server_env(SECRET_KEY="e2e-secret", JWT_SECRET_KEY="e2e-jwt-secret-key-of-sufficient-length",
                     WEB_CONCURRENCY="1", RQ_ASYNC="false")
    with gunicorn_server(env) as base:
        yield base


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_swagger_ui_draws_every_operation_with_no_policy_violation(server, tmp_path):
    policy = httpx.get(f"{server}/docs").headers["Content-Security-Policy"]
    assert "'sha256-" in policy and "unsafe-inline" not in policy
    document = httpx.get(f"{server}/api/openapi.json").json()
    operations = sum(method in METHODS for item in document["paths"].values() for method in item)

    browser = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path}",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--dump-dom",
         f"{server}/docs"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    violations = [line for line in browser.stderr.splitlines() if "Content Security Policy" in line]
    assert violations == []
    assert browser.stdout.count('class="opblock-summary-path"') == operations
