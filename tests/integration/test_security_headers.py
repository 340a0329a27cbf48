"""Security headers on every answer, a per-route Content Security Policy, CORS by allow-list only,
and posters bounded in pixels."""

from __future__ import annotations

import base64
import hashlib
from io import BytesIO

import pytest
from flask import Blueprint, Flask
from PIL import Image, PngImagePlugin

from app.common.docs import inline_scripts
from app.common.errors import ValidationError
from app.common.security import secure_responses
from app.movies.posters import inspect_poster
from config import ConfigError
from tests.conftest import settings_for_tests
from tests.factories import PASSWORD

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
LISTED = "https://app.example.com"


def assert_secured(response, policy: str = API_POLICY) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == policy
    assert "Strict-Transport-Security" not in response.headers  # not in production


@pytest.fixture
def crashing_app():
    """The real app with one route that fails as an unexpected bug would."""
    from app import create_app

    application = create_app(settings_for_tests())

    @application.get("/api/test-crash")
    def crash():
        raise RuntimeError("boom")

    return application


def test_api_answers_carry_the_headers_and_the_strict_policy(client, factory):
    factory.movie()
    assert_secured(client.get("/api/movies"))
    assert_secured(client.get("/api/openapi.json"))
    assert_secured(client.get("/healthz"))


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), [
    ("get", "/api/no-such-thing", {}, 404),
    ("delete", "/api/movies", {}, 405),
    ("get", "/api/auth/me", {}, 401),
    ("post", "/api/auth/login", {"json": {"email": "x"}}, 422),
    ("post", "/api/auth/login", {"data": "{bad", "content_type": "application/json"}, 400),
])
def test_error_answers_carry_the_headers_too(client, method, path, kwargs, status):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status
    assert_secured(response)


def test_a_server_error_carries_the_headers(crashing_app):
    response = crashing_app.test_client().get("/api/test-crash")
    assert response.status_code == 500 and response.json["reason"] == "internal_error"
    assert_secured(response)


def test_docs_page_allows_its_own_inline_script_by_hash_and_nothing_inline_else(client):
    response = client.get("/docs")
    assert response.status_code == 200
    policy = dict(part.split(" ", 1) for part in response.headers["Content-Security-Policy"].split("; "))
    scripts = inline_scripts(response.get_data(as_text=True))
    assert len(scripts) == 1 and "SwaggerUIBundle" in scripts[0]
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["style-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert_secured(client.get("/docs/assets/swagger-ui-bundle.js"))


def test_the_hash_follows_the_swagger_ui_settings():
    from app import create_app

    def docs_policy(config: dict) -> str:
        application = create_app(settings_for_tests(OPENAPI_SWAGGER_UI_CONFIG=config))
        return application.test_client().get("/docs").headers["Content-Security-Policy"]

    assert docs_policy({"docExpansion": "none"}) != docs_policy({"docExpansion": "full"})


def bare_app(**config) -> Flask:
    """A Flask app with only the security step, for settings the real factory refuses in tests."""
    application = Flask(__name__)
    application.config.update({"APP_ENV": "test", "CORS_ORIGINS": [], **config})
    web = Blueprint("web", __name__)
    web.add_url_rule("/", "index", lambda: "<!doctype html><title>CinemaOS</title>")
    application.register_blueprint(web)
    application.add_url_rule("/api/thing", "thing", lambda: {"ok": True})
    secure_responses(application)
    return application


def test_hsts_only_in_production():
    production = bare_app(APP_ENV="production").test_client().get("/api/thing")
    assert production.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in bare_app().test_client().get("/api/thing").headers


def test_web_pages_have_their_own_policy_and_stripe_only_when_stripe_takes_payments():
    sandbox = bare_app().test_client().get("/").headers["Content-Security-Policy"]
    assert "script-src 'self';" in sandbox and "stripe" not in sandbox
    assert "frame-ancestors 'none'" in sandbox
    stripe = bare_app(STRIPE_SECRET_KEY="sk_test_x").test_client().get("/").headers
    assert "script-src 'self' https://js.stripe.com;" in stripe["Content-Security-Policy"]
    assert "frame-src https://js.stripe.com https://hooks.stripe.com;" in stripe["Content-Security-Policy"]
    api = bare_app(STRIPE_SECRET_KEY="sk_test_x").test_client().get("/api/thing").headers
    assert api["Content-Security-Policy"] == API_POLICY


def test_token_answers_are_not_stored(client, factory):
    registered = client.post("/api/auth/register", json={"email": "ada@example.test",
                                                         "password": "Analytical-engine-1"})
    assert registered.status_code == 201 and registered.headers["Cache-Control"] == "no-store"
    factory.user(email="bob@example.test")
    login = client.post("/api/auth/login", json={"email": "bob@example.test", "password": PASSWORD})
    assert login.status_code == 200 and login.headers["Cache-Control"] == "no-store"
    refreshed = client.post("/api/auth/refresh",
                            headers={"X-CSRF-TOKEN": login.json["refresh_csrf_token"]})
    assert refreshed.status_code == 200 and refreshed.headers["Cache-Control"] == "no-store"
    refused = client.post("/api/auth/login", json={"email": "bob@example.test", "password": "Wrong-1234"})
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/api/movies").headers.get("Cache-Control", "")


def test_cors_is_closed_by_default(client):
    answer = client.get("/api/movies", headers={"Origin": LISTED})
    assert answer.status_code == 200
    assert "Access-Control-Allow-Origin" not in answer.headers
    preflight = client.options("/api/movies", headers={
        "Origin": LISTED, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Credentials" not in preflight.headers


@pytest.fixture
def cors_client():
    from app import create_app

    return create_app(settings_for_tests(CORS_ORIGINS=[LISTED])).test_client()


def test_cors_opens_to_a_listed_origin_with_credentials_and_the_headers_clients_read(cors_client):
    answer = cors_client.get("/api/movies", headers={"Origin": LISTED})
    assert answer.headers["Access-Control-Allow-Origin"] == LISTED
    assert answer.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in answer.headers["Vary"]
    exposed = {h.strip().lower() for h in answer.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "retry-after", "x-request-id"} <= exposed

    preflight = cors_client.options("/api/movies/1", headers={
        "Origin": LISTED, "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization, if-match, content-type"})
    assert preflight.headers["Access-Control-Allow-Origin"] == LISTED
    assert "PUT" in preflight.headers["Access-Control-Allow-Methods"]
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "if-match" in allowed and "authorization" in allowed


def test_cors_stays_closed_to_an_unlisted_origin(cors_client):
    for origin in ("https://evil.example", "https://app.example.com.evil.example", "null"):
        answer = cors_client.get("/api/movies", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in answer.headers
        assert "Access-Control-Allow-Credentials" not in answer.headers


@pytest.mark.parametrize("origin", ["*", "https://*.example.com", "app.example.com",
                                    "https://app.example.com/path", "ftp://app.example.com"])
def test_cors_origins_must_be_exact_origins(origin):
    from app import create_app

    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        create_app(settings_for_tests(CORS_ORIGINS=[origin]))


def png(size: tuple[int, int]) -> bytes:
    """A single-colour PNG: 12,000 x 12,000 pixels fit in about 17 kB."""
    buffer = BytesIO()
    Image.new("1", size).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def upload_poster(client, movie_id: int, data: bytes, headers: dict):
    return client.post(f"/api/movies/{movie_id}/poster", data={"file": (BytesIO(data), "p.png")},
                       content_type="multipart/form-data", headers=headers)


@pytest.mark.parametrize("size", [(12000, 12000), (5000, 5000), (4097, 4096)])
def test_a_poster_past_the_pixel_bound_is_refused_naming_the_field(client, factory, size):
    admin = factory.headers(factory.user("admin"))
    movie = factory.movie()
    response = upload_poster(client, movie.id, png(size), admin)
    assert response.status_code == 422, response.json
    assert response.json["reason"] == "poster_too_many_pixels"
    assert "file" in response.json["errors"]
    assert client.get(f"/api/movies/{movie.id}").json["poster_url"] is None
    assert_secured(response)


def test_the_pixel_bound_is_a_setting(client, factory, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_POSTER_PIXELS", 100 * 100)
    admin = factory.headers(factory.user("admin"))
    movie = factory.movie()
    assert upload_poster(client, movie.id, png((100, 100)), admin).status_code == 200
    assert upload_poster(client, movie.id, png((101, 100)), admin).status_code == 422


def test_the_bound_is_read_from_the_header_before_any_pixel_is_decoded(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", refuse)
    monkeypatch.setattr(PngImagePlugin.PngImageFile, "verify", refuse)
    with pytest.raises(ValidationError) as refused:
        inspect_poster(png((5000, 5000)), max_bytes=5 * 1024 * 1024, max_pixels=4096 * 4096)
    assert refused.value.reason == "poster_too_many_pixels"


def test_pillow_itself_refuses_bombs_opened_anywhere():
    with pytest.raises(Image.DecompressionBombError):
        Image.open(BytesIO(png((12000, 12000))))
