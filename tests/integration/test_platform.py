"""Health probes, error shape, request ids, OpenAPI and Swagger UI (production settings:
test_production_config.py)."""

from __future__ import annotations

from openapi_spec_validator import validate

from app import create_app
from tests.conftest import settings_for_tests


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_names_redis_when_it_is_unreachable(app):
    broken = create_app(settings_for_tests(REDIS_URL="redis://127.0.0.1:1/0"))
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "ok"
    assert response.json["checks"]["redis"].startswith("down")
    assert "redis" in response.json["message"]


def test_errors_share_one_json_shape(client):
    missing = client.get("/api/no-such-thing")
    assert missing.status_code == 404
    assert set(missing.json) >= {"code", "status", "reason", "message", "request_id"}
    assert missing.json["code"] == 404 and missing.json["reason"] == "not_found"

    wrong_method = client.delete("/healthz")
    assert wrong_method.status_code == 405
    assert wrong_method.json["reason"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["Allow"]


def test_request_id_is_echoed_or_generated(client):
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert len(generated.headers["X-Request-ID"]) == 32


def test_openapi_document_validates(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert spec["openapi"] == "3.0.3"
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_swagger_ui_and_its_assets_are_served_locally(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/docs/assets/swagger-ui-bundle.js" in html
    assert "http" not in html.split("/docs/assets/")[0].split("<link")[-1]  # no CDN
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert client.get(f"/docs/assets/{asset}").status_code == 200



def test_readyz_shows_each_queue_and_its_workers_without_failing(app, client, monkeypatch):
    from rq import Queue

    monkeypatch.setitem(app.config, "RQ_ASYNC", True)  # deployed with workers: the queues are Redis's
    Queue("default", connection=app.extensions["rq_connection"]).enqueue("tests.workers_support.nap", 0)
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json["queues"]["default"] == {"jobs": 1, "workers": 0}
    assert set(answer.json["queues"]) == {"schedule", "pricing", "default"}
