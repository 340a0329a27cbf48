"""Doors open to guessing: registration, forgot-password and promo codes.

Each is rate-limited per client address and, where an account is named or signed in, per
account (Flask-Limiter on Redis, limits from config), answering 429 with ``Retry-After`` in
the one error shape. Forgot-password does the same work whether or not the account exists;
promo validation tells an anonymous caller only whether a code applies.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.extensions import db, limiter
from app.models import PromoCode

LIMIT = 3
ADDRESS, OTHER_ADDRESS = "203.0.113.7", "198.51.100.9"


@pytest.fixture(autouse=True)
def small_limits(app, monkeypatch):
    monkeypatch.setattr(limiter, "enabled", True)
    for setting in ("REGISTER_RATE_LIMIT", "FORGOT_PASSWORD_RATE_LIMIT", "PROMO_CODE_RATE_LIMIT"):
        monkeypatch.setitem(app.config, setting, f"{LIMIT} per minute")


@pytest.fixture
def basket(factory):
    cinema = factory.cinema()
    showtime = factory.showtime(factory.screen(cinema, rows=1, seats_per_row=4), factory.movie())
    ten_percent = {"kind": "percent", "value": 10, "scope": "basket"}
    db.session.add_all([
        PromoCode(code="WELCOME10", **ten_percent),
        PromoCode(code="OLD", valid_until=datetime(2020, 1, 1, tzinfo=UTC), **ten_percent),
        PromoCode(code="RETIRED", active=False, **ten_percent),
        PromoCode(code="GONE", max_uses=1, uses_count=1, **ten_percent),
    ])
    db.session.commit()
    return {"showtime_id": showtime.id, "seats": [{"seat_id": factory.seats(showtime.screen)[0].id}]}


def post(client, path, body, *, address=ADDRESS, headers=None):
    return client.post(path, json=body, headers=headers or {}, environ_base={"REMOTE_ADDR": address})


def register(n: int) -> tuple[str, dict]:
    return "/api/auth/register", {"email": f"new{n}@example.test", "password": "Correct-horse-9",
                                  "full_name": "New"}


def forgot(n: int) -> tuple[str, dict]:
    return "/api/auth/forgot-password", {"email": f"someone{n}@example.test"}


def assert_rate_limited(response) -> None:
    assert response.status_code == 429, response.json
    body = response.json
    assert body["reason"] == "rate_limited" and body["code"] == 429 and body["message"]
    assert 0 < int(response.headers["Retry-After"]) <= 60


@pytest.mark.parametrize("door", [register, forgot], ids=["register", "forgot-password"])
def test_each_door_is_limited_per_client_address(client, door):
    documented = {register: 201, forgot: 202}[door]  # an account made; a reset link queued
    for n in range(LIMIT):
        assert post(client, *door(n)).status_code == documented
    assert_rate_limited(post(client, *door(LIMIT)))
    assert post(client, *door(LIMIT + 1), address=OTHER_ADDRESS).status_code == documented


@pytest.mark.parametrize("validate", [True, False], ids=["validate", "calculate"])
def test_promo_codes_are_limited_per_address_over_both_doors(client, basket, validate):
    for n in range(LIMIT):
        path = "/api/pricing/promocode/validate" if n % 2 else "/api/pricing/calculate"
        assert post(client, path, basket | {"promo_code": f"GUESS{n}"}).status_code == 200
    path = "/api/pricing/promocode/validate" if validate else "/api/pricing/calculate"
    assert_rate_limited(post(client, path, basket | {"promo_code": "GUESS"}))
    # A quote without a code guesses nothing and is not counted.
    assert post(client, "/api/pricing/calculate", basket).status_code == 200
    assert post(client, path, basket | {"promo_code": "GUESS"}, address=OTHER_ADDRESS).status_code == 200


def test_forgot_password_is_limited_per_account_from_many_addresses(client, factory):
    factory.user(email="victim@example.test")
    for n in range(LIMIT):
        response = post(client, "/api/auth/forgot-password", {"email": "victim@example.test"},
                        address=f"192.0.2.{n + 1}")
        assert response.status_code == 202
    assert_rate_limited(post(client, "/api/auth/forgot-password", {"email": "VICTIM@example.test"},
                             address="192.0.2.200"))


def test_promo_codes_are_limited_per_signed_in_account_from_many_addresses(client, factory, basket):
    headers = factory.headers(factory.user())
    for n in range(LIMIT):
        response = post(client, "/api/pricing/promocode/validate", basket | {"promo_code": f"G{n}"},
                        address=f"192.0.2.{n + 1}", headers=headers)
        assert response.status_code == 200
    assert_rate_limited(post(client, "/api/pricing/promocode/validate", basket | {"promo_code": "G"},
                             address="192.0.2.200", headers=headers))
    # Someone else at those addresses is not affected.
    other = factory.headers(factory.user())
    assert post(client, "/api/pricing/promocode/validate", basket | {"promo_code": "G"},
                address="192.0.2.201", headers=other).status_code == 200


def test_registration_keeps_its_contract_behind_the_limit(client, factory):
    factory.user(email="taken@example.test")
    body = {"email": "taken@example.test", "password": "Correct-horse-9", "full_name": "Again"}
    taken = post(client, "/api/auth/register", body)
    assert taken.status_code == 409 and taken.json["reason"] == "email_taken"
    assert post(client, *register(1)).status_code == 201


def test_forgot_password_does_the_same_work_for_known_and_unknown_addresses(client, factory, monkeypatch):
    """The request only queues a job, whatever the address; the job alone looks the account up."""
    from app.auth import accounts
    from app.common import mail

    factory.user(email="known@example.test")
    queued = []
    real_launch = accounts.launch_task

    def spy(queue_name, task, *args, **kwargs):
        queued.append((queue_name, task.rsplit(".", 1)[-1], args))
        return real_launch(queue_name, task, *args, **kwargs)

    monkeypatch.setattr(accounts, "launch_task", spy)
    monkeypatch.setattr(mail, "launch_task", spy)
    known = post(client, "/api/auth/forgot-password", {"email": "Known@Example.test"})
    first = list(queued)
    queued.clear()
    unknown = post(client, "/api/auth/forgot-password", {"email": "unknown@example.test"})
    assert known.status_code == unknown.status_code == 202 and known.json == unknown.json
    # The request's own work is one job each; only the known account's job went on to send mail.
    assert first[0] == ("default", "send_password_reset", ("known@example.test",))
    assert queued == [("default", "send_password_reset", ("unknown@example.test",))]
    assert [name for _, name, _ in first[1:]] == ["deliver_email"]


@pytest.mark.parametrize(("code", "reason"), [
    ("NOPE", "unknown"), ("OLD", "expired"), ("RETIRED", "inactive"), ("GONE", "used_up"),
])
def test_anonymous_callers_hear_only_valid_or_not(client, factory, basket, code, reason):
    anonymous = post(client, "/api/pricing/promocode/validate", basket | {"promo_code": code}).json
    assert anonymous["applies"] is False and anonymous["reason"] == "not_applicable"
    assert anonymous["message"] == f"Promo code {code} does not apply to this basket"
    quoted = post(client, "/api/pricing/calculate", basket | {"promo_code": code}, address=OTHER_ADDRESS)
    assert quoted.json["promo"] == {key: anonymous[key] for key in ("code", "applies", "reason", "message")}
    signed_in = post(client, "/api/pricing/promocode/validate", basket | {"promo_code": code},
                     headers=factory.headers(factory.user()), address="192.0.2.50").json
    assert signed_in["reason"] == reason


def test_a_valid_code_says_so_to_anyone(client, basket):
    valid = post(client, "/api/pricing/promocode/validate", basket | {"promo_code": "welcome10"}).json
    assert valid["applies"] is True and valid["reason"] == "ok" and valid["discount_minor"] > 0

