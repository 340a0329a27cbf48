"""Swagger UI's Authorize dialog opens on the bearer token's field, and the page has a filter box.

Swagger UI focuses every field of the dialog as it draws it, so the last one drawn keeps the
cursor and is scrolled into view: with the CSRF header's field last, a visitor pasting the
access token typed it there. Debian's headless Chromium draws the served document with this
app's settings and Swagger UI's own files, presses Authorize and reports the focused field.
Skipped where Chromium is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from swagger_ui_bundle import swagger_ui_path

CHROMIUM = shutil.which("chromium")

pytestmark = pytest.mark.slow

PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body><div id="ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script>
SwaggerUIBundle(Object.assign({config}, {{spec: {spec}, dom_id: "#ui", onComplete: () => {{
  document.querySelector(".btn.authorize").click();
  setTimeout(() => {{
    const field = document.activeElement;
    document.body.dataset.focused = field.getAttribute("aria-label") || field.tagName;
    document.body.dataset.filter = String(document.querySelector(".operation-filter-input") !== null);
  }}, 500);
}}}}));
</script></body></html>"""


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_authorize_opens_on_the_bearer_field_and_operations_can_be_filtered(app, client, tmp_path):
    document = client.get("/api/openapi.json").json
    assert list(document["components"]["securitySchemes"])[-1] == "bearerAuth"
    config = app.config["OPENAPI_SWAGGER_UI_CONFIG"]
    served = client.get("/docs").get_data(as_text=True)
    assert f"var override_config = {json.dumps(config, sort_keys=True)};" in served
    page = tmp_path / "docs.html"
    page.write_text(PAGE.format(assets=Path(swagger_ui_path).as_uri(), config=json.dumps(config),
                                spec=json.dumps(document)))

    browser = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
         "--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )
    assert 'data-focused="auth-bearer-value"' in browser.stdout
    assert 'data-filter="true"' in browser.stdout
