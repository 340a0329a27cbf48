"""End-to-end helpers: a real Gunicorn serving ``wsgi:app`` over loopback HTTP.

Each test module still writes its own ``server`` fixture, because each needs a different
environment (worker count, secrets, a mail server, no PostgreSQL at all); starting, waiting
for and stopping the server is the part they share, and lives here.
"""

from __future__ import annotations

import email
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import redis
from aiosmtpd.controller import Controller

from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Generous: it only waits as long as the start takes, and a loaded CI machine is slow to import.
STARTUP_SECONDS = 90
# The logs of the Gunicorn servers running now: a failing test's report shows them, since what
# the server said (an error's class, its SQLSTATE) is what explains an unexpected status.
_LIVE_SERVER_LOGS: list[Path] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for log in _LIVE_SERVER_LOGS:
            report.sections.append((f"server log {log.parent.name}",
                                    log.read_text(errors="replace")[-20000:]))


def free_port() -> int:
    """A loopback port nothing listens on (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(**settings: str) -> dict[str, str]:
    """This environment pointed at the test PostgreSQL database and Redis; ``settings`` add or override."""
    # INPROCESS_JOBS=inline: with RQ_ASYNC=false a job is done before its request answers, so a
    # test reads the invoice or e-mail it owes at once (the background-thread default is tested
    # by the embedded default's own test).
    return {**os.environ, "DATABASE_URL": TEST_DATABASE_URL, "REDIS_URL": TEST_REDIS_URL,
            "LOG_LEVEL": "WARNING", "INPROCESS_JOBS": "inline", **settings}


@contextmanager
def gunicorn_server(env: Mapping[str, str]) -> Iterator[str]:
    """``gunicorn --config gunicorn.conf.py wsgi:app`` with ``env`` on a free loopback port.

    Yields the base URL once ``/healthz`` answers, and stops the server even when the test
    fails, so no stray workers keep connections to the test database open.
    """
    port = free_port()
    # The server's log goes to a file, not a pipe: a pipe nobody reads fills up and then
    # blocks every worker that logs (an outage test logs a line per refused request).
    with tempfile.TemporaryDirectory(prefix="gunicorn-") as folder:
        log = Path(folder) / "server.log"
        with log.open("wb") as sink:
            process = subprocess.Popen([BIN / "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
                                       cwd=ROOT, env={**env, "PORT": str(port)},
                                       stdout=subprocess.DEVNULL, stderr=sink)
        base = f"http://127.0.0.1:{port}"
        _LIVE_SERVER_LOGS.append(log)
        try:
            _wait_until_healthy(base, process, log)
            yield base
        except BaseException:
            # What the server said is what explains a failed test: shown with the failure.
            sys.stderr.write(log.read_text(errors="replace")[-20000:])
            raise
        finally:
            _LIVE_SERVER_LOGS.remove(log)
            stop_process(process)


@contextmanager
def plain_api_server(folder: Path, name: str) -> Iterator[str]:
    """Gunicorn x2 on the test database and Redis with jobs in-process, no rate limits and no
    outside service (Stripe, S3, SMTP): the server that browser and client tests call."""
    env = server_env(SECRET_KEY=f"{name}-secret", JWT_SECRET_KEY=f"{name}-jwt-secret-of-sufficient-length",
                     WEB_CONCURRENCY="2", RQ_ASYNC="false", RATELIMIT_ENABLED="false",
                     MEDIA_DIR=str(folder / "media"), INSTANCE_DIR=str(folder))
    for setting in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "S3_BUCKET",
                    "SMTP_HOST"):
        env.pop(setting, None)
    with gunicorn_server(env) as base:
        yield base


def stop_process(process: subprocess.Popen, grace: float = 30) -> None:
    """SIGTERM, and SIGKILL if it is still there after ``grace`` seconds (a loaded machine can
    take longer than Gunicorn's graceful timeout to wind its workers down)."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _wait_until_healthy(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        # A server that died (bad config, port taken) says why on stderr.
        assert process.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, f"gunicorn did not start within {STARTUP_SECONDS} s"
        time.sleep(0.2)


def deployed_site(media_origins: str = "") -> str:
    """deploy/nginx.conf as the nginx image's entrypoint renders the template in
    docker-compose.yml: ``${MEDIA_ORIGINS}`` filled in, nothing else touched."""
    template = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "${MEDIA_ORIGINS}" in template
    return template.replace("${MEDIA_ORIGINS}", media_origins)


def nginx_config(tmp: Path, listen: int, upstream: str, realtime: str = "127.0.0.1:9",
                 web_root: Path | None = None, media_store: str = "127.0.0.1:9") -> Path:
    """A main nginx.conf (pid, logs and temp files in ``tmp``) including the deployed site
    (deploy/nginx.conf) with its upstreams replaced: Gunicorn at ``upstream``, the realtime
    service at ``realtime`` and the bucket's endpoint (MinIO) at ``media_store`` (by default a
    port where nothing answers), and the web export's folder by ``web_root`` when given."""
    site = deployed_site()
    assert "server api:8000;" in site and "listen 8080;" in site and "minio:9000" in site
    site = site.replace("server api:8000;", f"server {upstream};")
    site = site.replace("server realtime:8001;", f"server {realtime};")
    site = site.replace("minio:9000", media_store)
    if web_root is not None:
        site = site.replace("root /srv/cinemaos/web;", f"root {web_root};")
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{listen};")
    (tmp / "site.conf").write_text(site)
    main = tmp / "nginx.conf"
    main.write_text(f"""
user root;
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
""")
    return main


@contextmanager
def nginx_proxy(tmp: Path, upstream: str, **options) -> Iterator[tuple[str, int]]:
    """nginx with the deployed site (``nginx_config``'s ``options``) on a free port in front of
    the Gunicorn at ``upstream``: (base URL, port) once it answers /healthz."""
    port = free_port()
    config = nginx_config(tmp, port, upstream.removeprefix("http://"), **options)
    nginx = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            assert nginx.poll() is None, nginx.stderr.read().decode()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        yield base, port
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


@contextmanager
def own_redis(port: int) -> Iterator[subprocess.Popen]:
    """A throwaway redis-server on ``port``, with no persistence (a restart comes back empty)."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    try:
        yield process
    finally:
        process.kill()
        process.wait(timeout=10)


class Mailbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, subject_part: str, timeout: float = 10) -> email.message.Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if subject_part in message["Subject"]:
                    return message
            time.sleep(0.1)
        raise AssertionError(f"no e-mail about {subject_part!r}; got "
                             f"{[m['Subject'] for m in self.messages]}")


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """An SMTP server on a spare port keeping every message: (mailbox, port)."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()
