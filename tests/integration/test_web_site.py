"""The web client's static export served at the site's root (app/common/site.py).

Each page of web/src/pages is a route from the start; until ``npm run build`` wrote it the page
answers 503 with Retry-After, while the API and /docs answer at once. No catch-all route: an
unknown path, or a method a page does not take, gets the API's answers as before.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from app.common.security import _web_policy
from app.common.site import page_names, web_blueprint
from app.common.storage import media_origins
from tests.e2e.conftest import deployed_site


def _export(folder):
    (folder / "_next" / "static" / "chunks").mkdir(parents=True)
    (folder / "manage").mkdir()
    (folder / "index.html").write_text("<!doctype html><title>What's on</title>")
    (folder / "showtime.html").write_text("<!doctype html><title>Seats</title>")
    (folder / "manage.html").write_text("<!doctype html><title>Dashboard</title>")
    (folder / "manage" / "reports.html").write_text("<!doctype html><title>Reports</title>")
    (folder / "_next" / "static" / "chunks" / "main-abc123.js").write_text("console.log(1)")
    return folder


def test_the_routes_are_the_page_files():
    names = page_names()
    assert {"index", "showtime", "login", "verify-email", "reset-password", "manage/index",
            "manage/reports"} <= set(names)
    assert not {"_app", "_document", "404"} & set(names)


def test_built_pages_are_served_with_the_web_policy(app, client, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "WEB_DIR", str(_export(tmp_path)))
    for path, title in (("/", "What's on"), ("/showtime", "Seats"), ("/manage", "Dashboard"),
                        ("/manage/reports", "Reports")):
        page = client.get(path, query_string={"id": 7})
        assert page.status_code == 200, path
        assert f"<title>{title}</title>" in page.get_data(as_text=True)
        assert page.headers["Cache-Control"] == "no-cache"
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    asset = client.get("/_next/static/chunks/main-abc123.js")
    assert asset.status_code == 200 and "max-age=31536000" in asset.headers["Cache-Control"]
    assert client.get("/_next/static/chunks/missing.js").status_code == 404


def test_pages_not_yet_built_ask_to_come_back_while_the_api_answers(app, client, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "WEB_DIR", str(tmp_path / "not-built"))
    page = client.get("/showtime")
    assert page.status_code == 503 and page.headers["Retry-After"] == "10"
    assert 'href="/docs"' in page.get_data(as_text=True)
    assert client.get("/docs").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200


def test_no_catch_all_changes_the_api_answers(app, client, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "WEB_DIR", str(_export(tmp_path)))
    assert client.get("/no-such-page").status_code == 404
    assert client.post("/api/no-such-thing", json={}).status_code == 404
    assert client.post("/showtime").status_code == 405


def test_without_a_web_client_the_front_door_leads_to_the_documentation():
    application = Flask(__name__)
    application.add_url_rule("/docs", "api-docs.openapi_swagger_ui", lambda: "docs")
    application.register_blueprint(web_blueprint(pages=[]))
    answer = application.test_client().get("/")
    assert answer.status_code == 302 and answer.headers["Location"] == "/docs"


@pytest.mark.parametrize("media", [{}, {"S3_BUCKET": "posters", "S3_PUBLIC_URL": "https://cdn.example.com/posters"}])
def test_nginx_gives_the_pages_it_serves_the_web_policy_with_stripe(media):
    """In docker-compose.yml nginx serves the export itself: with the policy the API would send
    (production takes payments through Stripe), posters from a CDN included."""
    site = deployed_site(" ".join(media_origins(media)))
    served = re.search(r'add_header Content-Security-Policy "([^"]+)"', site).group(1)
    expected = _web_policy({"STRIPE_SECRET_KEY": "sk_live_x", **media}).header_value
    assert _directives(served) == _directives(expected)


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}
