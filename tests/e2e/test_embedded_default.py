"""The embedded default boots from an empty folder with no PostgreSQL or Redis configured."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import yaml

from tests.e2e.conftest import BIN, ROOT, gunicorn_server


def _embedded_env(instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "JWT_SECRET_KEY", "APP_ENV"}}
    env.update(INSTANCE_DIR=str(instance), FLASK_APP="wsgi", LOG_LEVEL="WARNING")
    return env


@pytest.mark.slow
def test_embedded_default_migrates_seeds_and_serves(tmp_path):
    env = _embedded_env(tmp_path / "instance")
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 120}
    assert subprocess.run([BIN / "flask", "db", "upgrade"], **run).returncode == 0
    seeded = subprocess.run([BIN / "flask", "seed-demo"], **run)
    assert seeded.returncode == 0, seeded.stderr
    assert "admin@cinemaos.local" in seeded.stdout
    assert (tmp_path / "instance" / "cinemaos.sqlite3").exists()

    with gunicorn_server(env) as base:
        health = httpx.get(f"{base}/healthz", timeout=2)
        assert health.status_code == 200
        assert httpx.get(f"{base}/readyz").json()["checks"] == {"database": "ok", "redis": "ok"}
        assert httpx.get(f"{base}/docs").status_code == 200
        assert httpx.get(f"{base}/docs/assets/swagger-ui-bundle.js").status_code == 200
        _book_a_seat(base)
        _generate_a_schedule_in_the_background(base)


def _book_a_seat(base: str) -> None:
    """The demo customer logs in, picks a showtime, holds a free seat and books it."""
    login = httpx.post(f"{base}/api/auth/login",
                       json={"email": "customer@cinemaos.local", "password": "Demo-pass-2026"})
    assert login.status_code == 200, login.text
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    showtimes = httpx.get(f"{base}/api/showtimes").json()
    items = showtimes["items"] if isinstance(showtimes, dict) else showtimes
    showtime = next(s for s in items if s["starts_at"] > datetime.now(UTC).isoformat())
    seat_map = httpx.get(f"{base}/api/showtimes/{showtime['id']}/seats").json()
    seat = next(s for s in seat_map["seats"] if s["status"] == "available")
    hold = httpx.post(f"{base}/api/bookings/hold", headers=auth,
                      json={"showtime_id": showtime["id"], "seat_ids": [seat["id"]]})
    assert hold.status_code == 201, hold.text
    booking = httpx.post(f"{base}/api/bookings", headers=auth, json={"hold_id": hold.json()["hold_id"]})
    assert booking.status_code == 201, booking.text
    after = httpx.get(f"{base}/api/showtimes/{showtime['id']}/seats").json()
    assert next(s for s in after["seats"] if s["id"] == seat["id"])["status"] == "sold"


def _generate_a_schedule_in_the_background(base: str) -> None:
    """With no worker the job runs in a thread of the API process: the POST answers 202 while it
    is still queued or running, and polling sees it finish (its own context and session)."""
    login = httpx.post(f"{base}/api/auth/login",
                       json={"email": "admin@cinemaos.local", "password": "Demo-pass-2026"})
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    cinemas = httpx.get(f"{base}/api/cinemas").json()
    cinema = (cinemas["items"] if isinstance(cinemas, dict) else cinemas)[0]
    start = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    queued = httpx.post(f"{base}/api/schedule/generate", headers=auth, timeout=30, json={
        "cinema_id": cinema["id"], "start_date": start, "days": 1, "dry_run": True,
        "options": {"time_limit_seconds": 10}})
    assert queued.status_code == 202, queued.text
    assert queued.json()["status"] in ("queued", "running") and queued.json()["result"] is None
    deadline = time.monotonic() + 90
    while (job := httpx.get(f"{base}/api/schedule/jobs/{queued.json()['id']}", headers=auth).json())[
            "status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["solver_status"] in ("optimal", "feasible")


def test_docker_compose_parses_and_names_real_entry_points():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"api", "worker", "scheduler", "postgres", "redis", "minio"} <= set(services)
    assert services["api"]["command"][-1] == "wsgi:app" and (ROOT / "wsgi.py").exists()
    assert (ROOT / services["api"]["command"][2]).exists()  # gunicorn.conf.py
    assert services["worker"]["command"][:3] == ["python", "-m", "workers"]
    assert (ROOT / "workers" / "__main__.py").exists()
    assert (ROOT / services["scheduler"]["command"][2]).exists()  # workers/periodic.py
    assert services["migrate"]["command"][-2:] == ["db", "upgrade"]
