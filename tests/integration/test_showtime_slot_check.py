"""Asking what a showtime's slot would meet before saving: the same checks as the write, nothing written."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.common.clock import now
from app.extensions import db
from app.models import AuditEntry, ScreenClosure, Showtime
from tests.integration.test_showtimes_schedule import TOMORROW, at, one_screen_venue


@pytest.fixture
def venue(factory):
    return one_screen_venue(factory)


def check(client, venue, starts_at, headers=None, **extra):
    body = {"movie_id": venue["movie"].id, "screen_id": venue["screen"].id, "starts_at": starts_at, **extra}
    return client.post("/api/schedule/showtime/check", json=body, headers=headers or venue["headers"])


def schedule(client, venue, starts_at):
    body = {"movie_id": venue["movie"].id, "screen_id": venue["screen"].id, "starts_at": starts_at}
    created = client.post("/api/schedule/showtime", json=body, headers=venue["headers"])
    assert created.status_code == 201, created.json
    return created.json


def writes() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Showtime)),
            db.session.scalar(select(func.count()).select_from(AuditEntry)))


def test_a_free_slot_answers_its_times_and_no_obstacle(client, venue):
    answer = check(client, venue, at(18))
    assert answer.status_code == 200, answer.json
    assert answer.json["free"] is True and answer.json["obstacles"] == []
    assert answer.json["ends_at"].startswith(f"{TOMORROW.isoformat()}T19:55")
    assert answer.json["blocked_until"].startswith(f"{TOMORROW.isoformat()}T20:15")
    assert answer.json["format"] == "2D"


def test_every_obstacle_the_write_would_meet_is_listed_and_nothing_is_written(client, venue):
    first = schedule(client, venue, at(18))
    db.session.add(ScreenClosure(screen_id=venue["screen"].id, reason="Projector service",
                                 starts_at=datetime.fromisoformat(at(20)),
                                 ends_at=datetime.fromisoformat(at(21))))
    db.session.commit()
    before = writes()

    answer = check(client, venue, at(20, 10))  # inside the first show's cleaning and the closure
    assert answer.status_code == 200, answer.json
    assert answer.json["free"] is False
    reasons = [o["reason"] for o in answer.json["obstacles"]]
    assert reasons == ["showtime_overlap", "screen_closed"]
    overlap = answer.json["obstacles"][0]
    assert overlap["details"]["conflicting_showtime"]["id"] == first["id"]
    assert str(first["id"]) in overlap["message"]
    assert writes() == before

    # The write meets the same first obstacle.
    refused = client.post("/api/schedule/showtime", headers=venue["headers"], json={
        "movie_id": venue["movie"].id, "screen_id": venue["screen"].id, "starts_at": at(20, 10)})
    assert refused.status_code == 409 and refused.json["reason"] == reasons[0]


def test_a_move_never_conflicts_with_the_showtime_itself(client, venue):
    first = schedule(client, venue, at(18))
    assert check(client, venue, at(18, 30)).json["free"] is False
    moving = check(client, venue, at(18, 30), showtime_id=first["id"])
    assert moving.status_code == 200 and moving.json["free"] is True
    other = schedule(client, venue, at(21))
    onto_other = check(client, venue, at(20, 30), showtime_id=first["id"])
    assert onto_other.json["obstacles"][0]["details"]["conflicting_showtime"]["id"] == other["id"]


def test_refusals_outside_the_slot_answer_as_the_write_would(client, venue, factory):
    assert check(client, venue, at(12), format="IMAX").status_code == 422  # not distributed in IMAX
    past = check(client, venue, (now() - timedelta(hours=1)).isoformat())
    assert past.status_code == 422 and past.json["reason"] == "starts_in_past"
    first = schedule(client, venue, at(18))
    client.delete(f"/api/schedule/showtime/{first['id']}", headers=venue["headers"])
    cancelled = check(client, venue, at(19), showtime_id=first["id"])
    assert cancelled.status_code == 409 and cancelled.json["reason"] == "showtime_cancelled"
    assert check(client, venue, at(19), showtime_id=999_999).status_code == 404


def test_only_managers_of_the_cinema_and_admins_may_ask(client, venue, factory):
    elsewhere = factory.user("manager", cinemas=[factory.cinema()])
    assert check(client, venue, at(18), headers=factory.headers(elsewhere)).status_code == 403
    staff = factory.user("staff", cinemas=[venue["cinema"]])
    assert check(client, venue, at(18), headers=factory.headers(staff)).status_code == 403
    assert client.post("/api/schedule/showtime/check", json={}).status_code == 401
    admin = factory.user("admin")
    assert check(client, venue, at(18), headers=factory.headers(admin)).status_code == 200
