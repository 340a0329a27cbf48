"""The demo tells a story: seeded data keeps its own rules, past weeks have sales to learn
from, and generating the coming week succeeds for every demo cinema (issue 18).

The generation runs in a real RQ worker process (``python -m workers``), as it would on a
deployed demo; the schedule it wrote, the demo's own kept shows included, is then checked
by the optimiser's independent ``violations``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app import create_app
from app.common import clock
from app.extensions import db
from app.models import BookingSeat, Cinema, Showtime
from app.scheduling.generation import _rules
from app.scheduling.instance import Horizon, build_instance
from app.seed import DEMO_PASSWORD, seed_demo
from optimizer.model import Show
from optimizer.validate import violations
from tests.conftest import settings_for_tests
from tests.workers_support import start_worker

# A Tuesday: the seed plans around "today", and the story must not depend on the run date.
PINNED = datetime(2030, 1, 8, 7, 0, tzinfo=UTC)


def _login(client, role: str) -> dict[str, str]:
    token = client.post("/api/auth/login", json={"email": f"{role}@cinemaos.local",
                                                 "password": DEMO_PASSWORD}).json["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _written(cinema: Cinema, start, days: int) -> tuple[object, list[Show]]:
    """The instance of the horizon as the app builds it, and every live show in it."""
    db.session.expire_all()
    horizon = Horizon(cinema, start, days)
    instance = build_instance(horizon, None, _rules({}))
    first, last = horizon.bounds
    shows = []
    for showtime in db.session.scalars(select(Showtime).where(
            Showtime.cinema_id == cinema.id, Showtime.status == "scheduled",
            Showtime.starts_at >= first, Showtime.starts_at < last)):
        day, minute = horizon.day_minute(showtime.starts_at)
        shows.append(Show(movie_id=str(showtime.movie_id), screen_id=str(showtime.screen_id),
                          day=day, start=minute, format=showtime.format))
    return instance, shows


def test_seeding_is_quick_and_the_past_has_sales(app):
    clock.advance(PINNED - clock.now())
    started = time.perf_counter()
    seed_demo()
    assert time.perf_counter() - started < 10
    past = select(func.count()).select_from(Showtime).where(Showtime.starts_at < clock.now())
    assert db.session.scalar(past) > 200
    assert db.session.scalar(select(func.count()).select_from(BookingSeat)) > 5000
    before = db.session.scalar(select(func.count()).select_from(Showtime))
    seed_demo()  # again: nothing added twice
    assert db.session.scalar(select(func.count()).select_from(Showtime)) == before


@pytest.mark.slow
def test_the_demo_generates_its_coming_week_in_a_real_worker(app, tmp_path):
    # Not pinned: the worker process reads the real clock, and the seeded "today" (and the
    # past the demand fit learns from) must be its today too.
    seed_demo()
    worker_app = create_app(settings_for_tests(RQ_ASYNC=True))
    client = worker_app.test_client()
    admin = _login(client, "admin")
    runs = {}
    for cinema in db.session.scalars(select(Cinema).order_by(Cinema.id)):
        tomorrow = clock.now().astimezone(ZoneInfo(cinema.timezone)).date() + timedelta(days=1)
        queued = client.post("/api/schedule/generate", headers=admin, json={
            "cinema_id": cinema.id, "start_date": tomorrow.isoformat(), "days": 7,
            "options": {"time_limit_seconds": 8}})
        assert queued.status_code == 202, queued.json
        runs[cinema.id] = (tomorrow, queued.json["id"])
    log = tmp_path / "worker.log"
    worker = start_worker("schedule", burst=True, log=log)
    assert worker.wait(timeout=240) == 0, log.read_text()[-3000:]
    for cinema_id, (start, run_id) in runs.items():
        job = client.get(f"/api/schedule/jobs/{run_id}", headers=admin).json
        assert job["status"] == "succeeded", (job["error"], log.read_text()[-3000:])
        assert job["warnings"] == [], job["warnings"]  # the demo's own shows keep the rules
        assert job["result"]["expected_kept_minor"] > 0
        instance, shows = _written(db.session.get(Cinema, cinema_id), start, 7)
        assert len(shows) > len(instance.fixed)  # the optimiser added shows
        assert violations(instance, shows) == []
