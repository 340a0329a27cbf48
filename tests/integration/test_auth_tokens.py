"""Bad tokens are refused; refresh rotates; reuse kills the session; logout revokes."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import jwt as pyjwt
import pytest
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from sqlalchemy import select

from app import create_app
from app.common.access import allow_anonymous, optional_principal
from app.common.revocations import revoked_family_key, revoked_token_key
from app.extensions import db, redis_client
from app.models import RefreshTokenFamily
from tests.conftest import settings_for_tests
from tests.factories import PASSWORD


def log_in(client, user):
    response = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return response.json


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refresh(client, csrf: str | None):
    headers = {"X-CSRF-TOKEN": csrf} if csrf else {}
    return client.post("/api/auth/refresh", headers=headers)


def me(client, token: str):
    return client.get("/api/auth/me", headers=bearer(token))


def test_a_valid_token_passes(client, factory):
    user = factory.user()
    assert me(client, factory.token(user)).status_code == 200


def test_missing_expired_tampered_and_foreign_tokens_are_401(client, factory, app):
    user = factory.user()
    admin = factory.user("admin")

    missing = client.get("/api/auth/me")
    assert missing.status_code == 401 and missing.json["reason"] == "token_missing"

    expired = create_access_token(identity=str(user.id), expires_delta=timedelta(seconds=-5))
    response = me(client, expired)
    assert response.status_code == 401 and response.json["reason"] == "token_expired"

    # Payload changed to claim the admin's identity, signature left as it was.
    header, payload, signature = factory.token(user).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims.update(sub=str(admin.id), role="admin")
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    response = me(client, f"{header}.{forged}.{signature}")
    assert response.status_code == 401 and response.json["reason"] == "token_invalid"

    other_key = pyjwt.encode({**claims, "sub": str(user.id)}, "some-other-key-of-sufficient-length",
                             algorithm="HS256")
    assert me(client, other_key).status_code == 401

    assert me(client, "not-a-jwt").status_code == 401

    refresh_as_access = create_refresh_token(identity=str(user.id))
    assert me(client, refresh_as_access).status_code == 401


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_alg_none_and_other_algorithms_are_refused(client, factory, app):
    admin = factory.user("admin")
    claims = decode_token(factory.token(admin))
    unsigned = pyjwt.encode(claims, None, algorithm="none")
    response = me(client, unsigned)
    assert response.status_code == 401 and response.json["reason"] == "token_invalid"
    assert "alg" in response.json["message"]

    hs512 = pyjwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS512")
    assert me(client, hs512).status_code == 401


def test_refresh_rotates_the_refresh_token(client, factory):
    user = factory.user()
    first = log_in(client, user)
    old_cookie = client.get_cookie("refresh_token_cookie", path="/api/auth").value

    rotated = refresh(client, first["refresh_csrf_token"])
    assert rotated.status_code == 200, rotated.json
    new_cookie = client.get_cookie("refresh_token_cookie", path="/api/auth").value
    assert new_cookie != old_cookie
    assert rotated.json["access_token"] != first["access_token"]
    assert me(client, rotated.json["access_token"]).status_code == 200

    family = db.session.scalar(select(RefreshTokenFamily).where(RefreshTokenFamily.user_id == user.id))
    assert family.current_jti == decode_token(new_cookie)["jti"]
    assert family.last_rotated_at is not None

    again = refresh(client, rotated.json["refresh_csrf_token"])
    assert again.status_code == 200


def test_refresh_needs_the_cookie_and_its_csrf_header(client, factory):
    user = factory.user()
    assert refresh(client, "anything").json["reason"] == "token_missing"
    log_in(client, user)
    without_csrf = refresh(client, None)
    assert without_csrf.status_code == 401 and without_csrf.json["reason"] == "csrf_failed"
    wrong_csrf = refresh(client, "not-the-right-value")
    assert wrong_csrf.status_code == 401


def test_reusing_an_old_refresh_token_revokes_the_whole_family(client, factory, app):
    user = factory.user()
    login = log_in(client, user)
    stolen = client.get_cookie("refresh_token_cookie", path="/api/auth").value
    rotated = refresh(client, login["refresh_csrf_token"])
    assert rotated.status_code == 200

    thief = app.test_client()
    thief.set_cookie("refresh_token_cookie", stolen, path="/api/auth")
    replay = refresh(thief, login["refresh_csrf_token"])
    assert replay.status_code == 401
    assert replay.json["reason"] == "refresh_token_reused"

    family = db.session.scalar(select(RefreshTokenFamily).where(RefreshTokenFamily.user_id == user.id))
    db.session.refresh(family)
    assert family.revoked_reason == "refresh_token_reused"
    # The legitimate holder's newer refresh token and every access token of the family die too.
    assert refresh(client, rotated.json["refresh_csrf_token"]).status_code == 401
    assert me(client, rotated.json["access_token"]).status_code == 401
    assert me(client, login["access_token"]).status_code == 401
    # Once the Redis mark has expired, the database still refuses the family.
    redis_client.client.delete(revoked_family_key(family.id))
    assert refresh(client, rotated.json["refresh_csrf_token"]).json["reason"] == "token_revoked"
    # Other sessions of the same user are untouched.
    other = app.test_client()
    assert me(other, log_in(other, user)["access_token"]).status_code == 200


def test_logout_revokes_the_access_token_and_the_refresh_family(client, factory, app):
    user = factory.user()
    login = log_in(client, user)
    token = login["access_token"]
    refresh_token = client.get_cookie("refresh_token_cookie", path="/api/auth").value
    response = client.post("/api/auth/logout", headers=bearer(token))
    assert response.status_code == 204
    assert client.get_cookie("refresh_token_cookie", path="/api/auth") is None  # cookie cleared

    revoked = me(client, token)
    assert revoked.status_code == 401 and revoked.json["reason"] == "token_revoked"
    claims = decode_token(token, allow_expired=True)
    ttl = redis_client.client.ttl(revoked_token_key(claims["jti"]))
    remaining = claims["exp"] - int(time.time())
    # Lives as long as the token would have (the slack is time a loaded machine spends between
    # the logout and this line, not drift in the key's expiry).
    assert abs(ttl - remaining) <= 10

    family = db.session.scalar(select(RefreshTokenFamily).where(RefreshTokenFamily.user_id == user.id))
    assert family.revoked_reason == "logout"
    kept_a_copy = app.test_client()
    kept_a_copy.set_cookie("refresh_token_cookie", refresh_token, path="/api/auth")
    assert refresh(kept_a_copy, login["refresh_csrf_token"]).status_code == 401


def test_logout_with_a_token_from_elsewhere_still_revokes_it(client, factory):
    user = factory.user()
    token = factory.token(user)  # no session family: only the token itself is revoked
    assert client.post("/api/auth/logout", headers=bearer(token)).status_code == 204
    assert me(client, token).status_code == 401


def test_a_token_the_worker_remembers_still_expires_on_time(client, factory):
    user = factory.user()
    token = create_access_token(identity=str(user.id), additional_claims={"role": user.role},
                                expires_delta=timedelta(seconds=1))
    assert me(client, token).status_code == 200  # verified once, then remembered by this worker
    time.sleep(1.1)
    expired = me(client, token)
    assert expired.status_code == 401 and expired.json["reason"] == "token_expired"


def test_a_remembered_token_is_not_trusted_by_an_app_with_another_signing_key(client, factory):
    token = factory.token(factory.user())
    assert me(client, token).status_code == 200
    other = create_app(settings_for_tests(JWT_SECRET_KEY="another-signing-key-of-sufficient-length"))
    with other.app_context():
        refused = other.test_client().get("/api/auth/me", headers=bearer(token))
    assert refused.status_code == 401 and refused.json["reason"] == "token_invalid"


def test_public_views_know_a_signed_in_caller_and_ignore_bad_tokens(app, factory):
    user = factory.user()

    @allow_anonymous
    def view():
        principal = optional_principal()
        return principal.id if principal else None

    for headers, expected in (({}, None), (bearer(factory.token(user)), user.id),
                              (bearer("garbage"), None)):
        with app.test_request_context("/", headers=headers):
            assert view() == expected


def test_a_logout_survives_redis_losing_its_data(client, factory):
    """Revocations are durable in PostgreSQL: a flushed (or restarted empty) Redis is refilled
    from there before any token is trusted again."""
    user = factory.user()
    kept, other = log_in(client, user)["access_token"], log_in(client, user)["access_token"]
    assert client.post("/api/auth/logout", headers=bearer(kept)).status_code == 204
    redis_client.client.flushdb()
    revoked = me(client, kept)
    assert revoked.status_code == 401 and revoked.json["reason"] == "token_revoked"
    assert me(client, other).status_code == 200
