"""The web client at the site's root: the static export of web/ (``npm run build`` writes it to
``WEB_DIR``, web/out by default), so no Node server runs beside the API.

Each page of web/src/pages is one route (``/``, ``/showtime``, ``/manage/reports``...), read from
the page files rather than from the export, so the routes exist from the start while
``make run`` builds the pages in the background: until a page is built it answers 503 with
Retry-After and a link to the API's documentation, which is up at once. With no web client at
all (an API-only container behind nginx, which serves the export itself) ``/`` leads to /docs.
Pages are revalidated on every visit (a new build shows at once); the build's hashed assets
under /_next/static are kept for a year. Answers carry the web policy of
app/common/security.py (blueprint ``web``).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, send_from_directory, url_for
from werkzeug.exceptions import NotFound

from app.common.docs import SWAGGER_UI_ENDPOINT

PAGES_SOURCE = Path(__file__).resolve().parents[2] / "web" / "src" / "pages"
# Next.js's own files in pages/ that are not pages (404 is served for unknown client routes).
NOT_ROUTES = {"_app", "_document", "404"}
RETRY_SECONDS = 10
BUILDING = (
    "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>CinemaOS</title>"
    "<h1>The site is being built</h1><p>Reload in a moment. The API and "
    "<a href=\"/docs\">its documentation</a> are already up.</p></html>"
)


def page_names(source: Path = PAGES_SOURCE) -> list[str]:
    """Each page's path without its extension (``index``, ``manage/reports``), tests excluded."""
    names = {
        str(path.relative_to(source).with_suffix(""))
        for path in source.rglob("*.tsx") if not path.name.endswith(".test.tsx")
    } if source.is_dir() else set()
    return sorted(names - NOT_ROUTES)


def web_blueprint(pages: list[str] | None = None) -> Blueprint:
    """One route per page, and the build's assets under /_next."""
    blueprint = Blueprint("web", __name__)
    pages = page_names() if pages is None else pages
    for name in pages:
        # pages/manage/index.tsx is /manage, exported as manage.html (no trailing slashes).
        path = "index" if name == "index" else name.removesuffix("/index")
        rule = "/" if path == "index" else f"/{path}"
        blueprint.add_url_rule(rule, f"page:{name}", _page_view(f"{path}.html"))
    blueprint.add_url_rule("/_next/<path:asset>", "asset", _asset)
    if "index" not in pages:
        blueprint.add_url_rule("/", "front_door", _to_the_documentation)
    return blueprint


def _page_view(html: str):
    def page() -> Response:
        export = Path(current_app.config["WEB_DIR"])
        if not (export / html).is_file():
            return Response(BUILDING, status=503, mimetype="text/html",
                            headers={"Retry-After": str(RETRY_SECONDS), "Cache-Control": "no-store"})
        response = send_from_directory(export, html, max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return response

    return page


def _asset(asset: str) -> Response:
    folder = Path(current_app.config["WEB_DIR"]) / "_next"
    if not folder.is_dir():
        raise NotFound()
    # Files under static/ carry their content's hash in their path: a new build renames them.
    return send_from_directory(folder, asset, max_age=365 * 24 * 3600 if asset.startswith("static/") else 0)


def _to_the_documentation() -> Response:
    return redirect(url_for(SWAGGER_UI_ENDPOINT))
