"""Slow and silent clients through the production proxy: normal requests are still served.

Gunicorn's gthread workers give each request a thread from a small pool; a client that
trickles its headers keeps its thread for as long as it trickles. In production nginx
(deploy/nginx.conf, the file docker-compose.yml mounts) buffers whole requests first, so such
clients only ever hold nginx connections. This test runs that same file with Debian's nginx
(``.ci/run`` installs it) in front of a real Gunicorn with deliberately few threads, opens 50
slow or silent connections, and checks ordinary requests meanwhile.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import NGINX, gunicorn_server, nginx_proxy, server_env

SLOW_CLIENTS = 50


@pytest.fixture
def proxied(app, tmp_path):
    """nginx on a free port in front of Gunicorn (1 worker, 4 threads) on the test database."""
    assert Path(NGINX).exists(), "nginx is missing: `apt-get install nginx-light` (.ci/run does)"
    env = server_env(SECRET_KEY="slow-secret", JWT_SECRET_KEY="slow-jwt-secret-key-of-sufficient-length",
                     WEB_CONCURRENCY="1", GUNICORN_THREADS="4", RQ_ASYNC="false")
    with gunicorn_server(env) as upstream, nginx_proxy(tmp_path, upstream) as proxy:
        yield proxy


def _slow_client(port: int, stop: threading.Event, trickle: bool) -> None:
    """Open a connection and send nothing, or one header byte every half second."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        request = b"GET /api/movies HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 200
        for byte in request if trickle else b"":
            if stop.is_set():
                return
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return  # nginx dropped us after client_header_timeout: as designed
            stop.wait(0.5)
        stop.wait(30)


@pytest.mark.slow
def test_fifty_slow_or_silent_clients_do_not_stall_normal_requests(proxied):
    base, port = proxied
    stop = threading.Event()
    attackers = [threading.Thread(target=_slow_client, args=(port, stop, i % 2 == 0), daemon=True)
                 for i in range(SLOW_CLIENTS)]
    for thread in attackers:
        thread.start()
    try:
        time.sleep(2)  # every slow client is connected and trickling
        latencies = []
        with httpx.Client(base_url=base, timeout=5) as client:
            for path in ["/healthz", "/api/movies", "/api/cinemas", "/readyz"] * 5:
                started = time.monotonic()
                response = client.get(path)
                latencies.append(time.monotonic() - started)
                assert response.status_code == 200, (path, response.status_code, response.text)
        assert max(latencies) < 2, latencies
    finally:
        stop.set()
        for thread in attackers:
            thread.join(timeout=5)
