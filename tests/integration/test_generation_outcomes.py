"""What a manager reads back from a generation: 422s for unschedulable cinemas, failures and
warnings in words, what the cinema keeps, and runs whose worker died (issue 18)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from app.common import clock
from app.extensions import db
from app.models import OptimisationRun, Showtime
from app.scheduling.heartbeat import beating

HOURS = {d: {"open": "10:00", "close": "23:30"} for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
LONDON = ZoneInfo("Europe/London")
# Tuesday morning: the forecasts and the family cut-off depend on weekday and hour.
PINNED = datetime(2030, 1, 8, 9, 0, tzinfo=UTC)
START = PINNED.date() + timedelta(days=2)
FAST = {"time_limit_seconds": 3}
# What leaked before: a Python class name in front of the message.
CLASS_NAME = re.compile(r"\b\w+(Error|Exception)\b")


@pytest.fixture(autouse=True)
def _pinned(app):
    clock.advance(PINNED - clock.now())


def _local(hour: int, minute: int = 0, day=START) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _cinema(factory, *, screens: int = 1, titles=("Heat", "Ran")):
    cinema = factory.cinema(opening_hours=HOURS, timezone="Europe/London")
    halls = [factory.screen(cinema, name=f"Hall {i + 1}", rows=6, seats_per_row=10) for i in range(screens)]
    films = [factory.movie(title, runtime=95, release_date=START - timedelta(days=14)) for title in titles]
    manager = factory.user("manager", cinemas=[cinema])
    return cinema, halls, films, factory.headers(manager)


def _generate(client, headers, cinema, days: int = 1, **extra):
    body = {"cinema_id": cinema.id, "start_date": START.isoformat(), "days": days,
            "options": FAST | extra.pop("options", {}), **extra}
    return client.post("/api/schedule/generate", headers=headers, json=body)


def test_a_cinema_without_screens_or_films_is_a_422_naming_the_problem(client, factory):
    cinema, _halls, films, headers = _cinema(factory, screens=0)
    no_screens = _generate(client, headers, cinema)
    assert no_screens.status_code == 422, no_screens.json
    assert no_screens.json["reason"] == "unschedulable"
    assert "there are no screens to schedule" in no_screens.json["errors"]["problems"]

    empty, _halls, _films, empty_headers = _cinema(factory, titles=())
    for film in films:
        film.status = "archived"
    db.session.commit()
    no_films = _generate(client, empty_headers, empty)
    assert no_films.status_code == 422
    assert "there are no films to schedule" in no_films.json["message"]
    assert db.session.scalar(select(func.count()).select_from(OptimisationRun)) == 0


def test_an_impossible_schedule_fails_in_words_naming_the_film(client, factory):
    cinema, _halls, films, headers = _cinema(factory)
    films[0].distributor_terms = {"min_per_day": 40}  # one screen holds ~8 shows a day
    db.session.commit()
    run = _generate(client, headers, cinema).json
    assert run["status"] == "failed"
    assert '"Heat"' in run["error"], run["error"]
    assert not CLASS_NAME.search(run["error"]), run["error"]
    assert run["error"].startswith(("No schedule can satisfy every rule",
                                    "No schedule was found in the time allowed"))


def test_kept_shows_breaking_a_rule_are_kept_with_a_warning_naming_them(client, factory):
    cinema, halls, _films, headers = _cinema(factory, titles=("Heat",))
    factory.rating("U", family=True)
    family = factory.movie("Paddington", rating="U", runtime=90, release_date=START - timedelta(days=3))
    late = factory.showtime(halls[0], family, starts_at=_local(21, 0).astimezone(UTC))

    run = _generate(client, headers, cinema).json
    assert run["status"] == "succeeded", run["error"]
    assert any('"Paddington" on Hall 1' in w and "21:00" in w and "family film" in w
               for w in run["warnings"]), run["warnings"]
    stored = db.session.get(OptimisationRun, run["id"])
    assert stored.warnings == run["warnings"]
    db.session.expire_all()
    assert db.session.get(Showtime, late.id).status == "scheduled"


def test_a_kept_show_of_an_archived_film_stays_and_gets_no_company(client, factory):
    cinema, halls, films, headers = _cinema(factory)
    kept = factory.showtime(halls[0], films[1], starts_at=_local(14, 0).astimezone(UTC))
    films[1].status = "archived"
    db.session.commit()

    run = _generate(client, headers, cinema).json
    assert run["status"] == "succeeded", run["error"]
    assert run["result"]["shows_created"] > 0
    assert {show["movie_id"] for show in run["result"]["proposal"]} == {films[0].id}
    assert run["warnings"] == []  # nothing to say: the film is simply no longer on offer
    db.session.expire_all()
    assert db.session.get(Showtime, kept.id).status == "scheduled"


def test_admins_set_film_rent_managers_the_concessions_and_the_result_reports_both(client, factory):
    cinema, _halls, films, headers = _cinema(factory)
    admin = factory.headers(factory.user("admin"))
    for film in films:
        etag = client.get(f"/api/movies/{film.id}").headers["ETag"]
        changed = client.put(f"/api/movies/{film.id}", json={"rent_by_week_bp": [6000, 5000]},
                             headers={**admin, "If-Match": etag})
        assert changed.status_code == 200 and changed.json["rent_by_week_bp"] == [6000, 5000]
    refused = client.put(f"/api/movies/{films[0].id}", json={"rent_by_week_bp": [10001]},
                         headers={**admin, "If-Match": client.get(f"/api/movies/{films[0].id}")
                                  .headers["ETag"]})
    assert refused.status_code == 422
    etag = client.get(f"/api/cinemas/{cinema.id}").headers["ETag"]
    spend = client.put(f"/api/cinemas/{cinema.id}", json={"concession_per_visitor_minor": 400},
                       headers={**headers, "If-Match": etag})
    assert spend.status_code == 200 and spend.json["concession_per_visitor_minor"] == 400

    run = _generate(client, headers, cinema, dry_run=True, options={"objective": "kept"}).json
    assert run["status"] == "succeeded", run["error"]
    result = run["result"]
    assert result["objective"] == "kept"
    # Released two weeks before: the third week of the run pays the last rent, 50 %.
    expected = result["expected_revenue_minor"] / 2 + 400 * result["expected_visitors"]
    assert abs(result["expected_kept_minor"] - expected) <= len(result["proposal"]) + 40
    assert result["expected_kept_minor"] != result["expected_revenue_minor"]
    assert all("expected_kept_minor" in show for show in result["proposal"])

    gross = _generate(client, headers, cinema, dry_run=True).json["result"]
    assert gross["objective"] == "revenue" and gross["expected_kept_minor"] > 0
    bad = _generate(client, headers, cinema, options={"objective": "profit"})
    assert bad.status_code == 422


def test_a_running_generation_beats_and_a_silent_one_is_failed_so_a_retry_may_run(app, client, factory):
    cinema, _halls, _films, headers = _cinema(factory)
    run = OptimisationRun(id="silent-run", cinema_id=cinema.id, start_date=START, days=2,
                          status="running", started_at=clock.now(), heartbeat_at=clock.now())
    db.session.add(run)
    db.session.commit()

    with beating(run.id):
        time.sleep(2.5)  # GENERATION_HEARTBEAT_SECONDS is 1 in tests
    db.session.expire_all()
    beat = db.session.get(OptimisationRun, run.id).heartbeat_at
    assert beat > run.started_at
    assert _generate(client, headers, cinema).status_code == 409  # alive: still running

    timeout = app.config["GENERATION_HEARTBEAT_TIMEOUT_SECONDS"]
    assert timeout <= 120  # "failed within two minutes"
    clock.advance(timedelta(seconds=timeout + 1))
    commits = []

    def note(_conn) -> None:
        commits.append("COMMIT")

    event.listen(db.engine, "commit", note)
    try:
        job = client.get("/api/schedule/jobs/silent-run", headers=headers).json
    finally:
        event.remove(db.engine, "commit", note)
    assert job["status"] == "failed" and "stopped" in job["error"]
    assert commits == []  # the read reports the dead worker; it writes nothing
    retry = _generate(client, headers, cinema)
    assert retry.status_code == 202 and retry.json["status"] == "succeeded", retry.json


def test_a_history_of_empty_shows_falls_back_to_the_prior(client, factory):
    """Every past show sold nothing: the fit has nothing to scale by, and the run still works."""
    cinema, halls, films, headers = _cinema(factory)
    for day in range(1, 15):
        for hour in (12, 16, 20):
            factory.showtime(halls[0], films[day % 2],
                             starts_at=_local(hour, 0, PINNED.date() - timedelta(days=day)).astimezone(UTC))
    run = _generate(client, headers, cinema).json
    assert run["status"] == "succeeded", run["error"]
    assert run["result"]["shows_created"] > 0 and run["result"]["expected_revenue_minor"] > 0
