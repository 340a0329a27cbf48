"""PostgreSQL restarts under load: JSON 503s while it is away, recovery by itself, no 500.

The test makes its own PostgreSQL cluster (``initdb`` as the ``postgres`` user, on a spare
port) and restarts only that one, so the shared server is never touched.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import BIN, ROOT, free_port, gunicorn_server, server_env
from tests.factories import PASSWORD

pytestmark = pytest.mark.slow
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)


@contextmanager
def own_postgres(base: Path) -> Iterator[tuple[str, callable]]:
    """A fresh cluster; yields its URL and a function that restarts it."""
    assert (PG_BIN / "initdb").exists(), "PostgreSQL 15 server binaries are missing"
    data, sockets = base / "data", base / "run"
    for folder in (data, sockets):
        folder.mkdir(parents=True)
    postgres = pwd.getpwnam("postgres")
    for folder in (base, data, sockets):
        os.chown(folder, postgres.pw_uid, postgres.pw_gid)
    port = free_port()
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                 "--no-sync")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w"]
    _as_postgres(*ctl, "start")

    def restart() -> None:
        _as_postgres(*ctl, "-m", "fast", "restart")

    try:
        _as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                     "cinemaos")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/cinemaos", restart
    finally:
        _as_postgres(*ctl, "-m", "immediate", "stop")


@pytest.fixture
def cluster():
    # Not under pytest's tmp folder: that is private to root, and the cluster runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="cinemaos-pg-"))
    base.chmod(0o755)
    try:
        with own_postgres(base / "cluster") as (url, restart):
            subprocess.run([BIN / "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, check=True,
                           env={**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"},
                           capture_output=True, timeout=120)
            yield url, restart
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _seed(url: str) -> dict:
    """A customer and a showtime in the cluster's database, made with the usual factory."""
    from app import create_app
    from tests.conftest import settings_for_tests
    from tests.factories import Factory

    seeder = create_app(settings_for_tests(SQLALCHEMY_DATABASE_URI=url))
    with seeder.app_context():
        from app.extensions import db

        factory = Factory()
        customer = factory.user("customer", email="restart@example.test")
        showtime = factory.showtime(factory.screen(factory.cinema(), rows=4, seats_per_row=10),
                                    factory.movie("Restart"))
        seats = [seat.id for seat in factory.seats(showtime.screen)]
        ids = {"email": customer.email, "showtime": showtime.id, "movie": showtime.movie_id,
               "seats": seats}
        db.session.remove()
        db.engine.dispose()
    return ids


def test_a_postgres_restart_mid_storm_gives_json_503s_and_recovers(app, cluster):
    url, restart = cluster
    ids = _seed(url)
    env = server_env(DATABASE_URL=url, SECRET_KEY="restart-secret", WEB_CONCURRENCY="2", LOG_LEVEL="ERROR",
                     JWT_SECRET_KEY="restart-jwt-secret-of-sufficient-length", RQ_ASYNC="false",
                     RATELIMIT_ENABLED="false")
    statuses: Counter = Counter()
    bad: list[str] = []
    stop = threading.Event()

    with gunicorn_server(env) as base:
        with httpx.Client(base_url=base, timeout=15) as http:
            login = http.post("/api/auth/login", json={"email": ids["email"], "password": PASSWORD})
            assert login.status_code == 200, login.text
            auth = {"Authorization": f"Bearer {login.json()['access_token']}"}

        def storm(worker: int) -> None:
            paths = ["/api/movies", f"/api/movies/{ids['movie']}", "/api/cinemas",
                     f"/api/showtimes?movie_id={ids['movie']}", "/api/bookings", "/api/auth/me"]
            with httpx.Client(base_url=base, timeout=15, headers=auth) as http:
                i = worker
                while not stop.is_set():
                    answer = http.get(paths[i % len(paths)])
                    i += 1
                    statuses[answer.status_code] += 1
                    json_body = answer.headers.get("content-type", "").startswith("application/json")
                    if answer.status_code >= 500 and (answer.status_code != 503 or not json_body):
                        bad.append(f"{answer.request.url.path}: {answer.status_code} {answer.text[:200]}")

        threads = [threading.Thread(target=storm, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        time.sleep(1)
        restart()
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

        assert not bad, bad[:5]
        assert statuses[200] > 0
        with httpx.Client(base_url=base, timeout=15, headers=auth) as http:
            # Recovered by itself: every request succeeds again, and a write goes through.
            for path in ("/api/movies", "/api/auth/me", "/readyz"):
                assert http.get(path).status_code == 200, path
            hold = http.post("/api/bookings/hold", json={"showtime_id": ids["showtime"],
                                                          "seat_ids": ids["seats"][:2]})
            assert hold.status_code == 201, hold.text
            booking = http.post("/api/bookings", json={"hold_id": hold.json()["hold_id"]})
            assert booking.status_code == 201, booking.text
