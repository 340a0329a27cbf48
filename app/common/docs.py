"""Swagger UI at /docs: its assets, served by this app so the page renders with no internet, and
the narrowest Content Security Policy the page runs under.

flask-smorest renders the page from its own template: two local scripts, one local stylesheet and
one inline script that starts Swagger UI. The inline script is allowed by its SHA-256 hash, taken
from the page as this app renders it (the script holds the spec URL and
``OPENAPI_SWAGGER_UI_CONFIG``, so the hash follows the settings): no ``'unsafe-inline'`` for
scripts. Swagger UI 4.15 itself needs only this origin for scripts and styles, ``data:`` images
(the icons in its stylesheet) and this origin to fetch the document and run "Try it out".
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

from flask import Blueprint, Flask
from secure import ContentSecurityPolicy
from swagger_ui_bundle import swagger_ui_path

SWAGGER_UI_ENDPOINT = "api-docs.openapi_swagger_ui"

docs_assets_blueprint = Blueprint(
    "docs_assets", __name__, static_folder=swagger_ui_path, static_url_path="/docs/assets"
)


def swagger_ui_policy(app: Flask) -> ContentSecurityPolicy | None:
    """The page's policy, or None when the app serves no Swagger UI (OPENAPI_SWAGGER_UI_PATH unset)."""
    view = app.view_functions.get(SWAGGER_UI_ENDPOINT)
    if view is None:
        return None
    with app.test_request_context():
        page = view()
    hashes = [f"'sha256-{_sha256(script)}'" for script in inline_scripts(page)]
    return (
        ContentSecurityPolicy()
        .default_src("'none'")
        .script_src("'self'", *hashes)
        .style_src("'self'")
        .img_src("'self'", "data:")
        .connect_src("'self'")
        .base_uri("'none'")
        .form_action("'self'")
        .frame_ancestors("'none'")
    )


def inline_scripts(page: str) -> list[str]:
    """The text of each ``<script>`` without ``src``, exactly as a browser hashes it."""
    parser = _InlineScripts()
    parser.feed(page)
    parser.close()
    return parser.scripts


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inline: bool = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and "src" not in dict(attrs):
            self._inline = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline = False

    def handle_data(self, data: str) -> None:
        if self._inline:
            self.scripts[-1] += data
