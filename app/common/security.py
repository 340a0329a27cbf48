"""Security headers and CORS on every answer, errors included (``create_app``'s
``register_security`` step).

Headers are built with ``secure`` (secure.py): one typed builder per header, no dependencies,
kept up (2.0 in 2026, Python 3.10-3.14), and it only sets headers on a response object, so it
works with Flask 3.1 as with any framework. flask-talisman, the usual Flask choice, has had no
release since 2023 and does things this API must not: it redirects plain HTTP itself (nginx owns
TLS here), sends HSTS only when it believes the request was secure, and rewrites Flask's
session-cookie settings. CORS is Flask-Cors (6.0, kept up in 2026).

Every answer: ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
``Referrer-Policy: no-referrer`` (pages may carry one-time tokens in their URL) and a Content
Security Policy chosen per route: the API's JSON, files and every error load nothing
(``default-src 'none'; frame-ancestors 'none'``); a page gets its own entry in ``_page_policies``
naming exactly what it loads. HSTS only with ``APP_ENV=production``: nginx terminates TLS in
front of the app, and a development host must stay reachable over plain HTTP.
Answers of the auth service carry tokens or account data: ``Cache-Control: no-store``.

CORS is closed unless ``CORS_ORIGINS`` lists origins; a listed origin may call ``/api/`` with
credentials and read the headers clients act on (ETag, Retry-After, X-Pagination, rate limits,
X-Request-ID...).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_cors import CORS
from secure import (
    CacheControl,
    ContentSecurityPolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)

from app.common.docs import SWAGGER_UI_ENDPOINT, swagger_ui_policy
from app.common.storage import media_origins
from config import ConfigError

# The web client's pages (web/'s static export, app/common/site.py) are served by the blueprint
# of this name: they get _web_policy instead of the API's.
WEB_BLUEPRINT = "web"
# Blueprints whose every answer is kept out of caches: tokens, refresh cookies, account data.
NO_STORE_BLUEPRINTS = frozenset({"auth"})

# Stripe.js and the payment frames it opens come from Stripe's hosts (Stripe's documented CSP):
# the Payment Element's frames from js.stripe.com, a 3-D Secure challenge's from hooks.stripe.com.
STRIPE_SCRIPT_HOST = "https://js.stripe.com"
STRIPE_HOOKS_HOST = "https://hooks.stripe.com"
STRIPE_API_HOST = "https://api.stripe.com"

CORS_PATH = "/api/"
CORS_REQUEST_HEADERS = ("Authorization", "Content-Type", "If-Match", "Idempotency-Key",
                        "X-CSRF-TOKEN", "X-Request-ID")
CORS_EXPOSED_HEADERS = ("ETag", "Location", "Retry-After", "X-Request-ID", "X-Pagination",
                        "Idempotent-Replayed", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                        "X-RateLimit-Reset")


def secure_responses(app: Flask) -> None:
    """Add the security headers to every answer and open CORS to the listed origins only."""
    hsts = (StrictTransportSecurity().max_age(365 * 24 * 3600).include_subdomains()
            if app.config["APP_ENV"] == "production" else None)

    def headers(csp: ContentSecurityPolicy) -> Secure:
        # Checked once here (a malformed value stops the start-up) and kept as a ready mapping.
        return Secure(csp=csp, hsts=hsts, xcto=XContentTypeOptions().nosniff(),
                      xfo=XFrameOptions().deny(), referrer=ReferrerPolicy().no_referrer(),
                      ).validate_and_normalize_headers(on_invalid="raise", strict=True)

    api_headers = headers(_api_policy())
    page_headers = {route: headers(csp) for route, csp in _page_policies(app).items()}
    no_store = Secure(cache=CacheControl().no_store()).validate_and_normalize_headers(on_invalid="raise")

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        chosen = page_headers.get(request.endpoint) or page_headers.get(request.blueprint)
        (chosen or api_headers).set_headers(response)
        if request.blueprint in NO_STORE_BLUEPRINTS:
            no_store.set_headers(response)
        return response

    origins = cors_origins(app.config["CORS_ORIGINS"])
    if origins:
        CORS(app, resources={f"{CORS_PATH}*": {"origins": origins}}, supports_credentials=True,
             allow_headers=list(CORS_REQUEST_HEADERS), expose_headers=list(CORS_EXPOSED_HEADERS),
             max_age=600)

        @app.after_request
        def vary_by_origin(response: Response) -> Response:
            # Flask-Cors adds Vary: Origin only when several origins are listed, yet with one the
            # answer differs too (with or without Access-Control-Allow-Origin): caches must know.
            if request.path.startswith(CORS_PATH):
                response.vary.add("Origin")
            return response


def cors_origins(configured: list[str]) -> list[str]:
    """The configured origins, each checked to be a plain ``scheme://host[:port]``.

    A wildcard or a pattern would let any site call the API with the user's credentials,
    so the setting is refused at start-up instead.
    """
    for origin in configured:
        parts = urlsplit(origin)
        if (parts.scheme not in ("http", "https") or not parts.hostname or "*" in origin
                or parts.path or parts.query or parts.fragment or parts.username):
            raise ConfigError(
                f"CORS_ORIGINS holds {origin!r}; list exact origins such as https://app.example.com"
            )
    return [origin.rstrip("/") for origin in configured]


def _api_policy() -> ContentSecurityPolicy:
    """JSON and files are never rendered as a page: nothing may load, nothing may frame them."""
    return ContentSecurityPolicy().default_src("'none'").frame_ancestors("'none'")


def _page_policies(app: Flask) -> dict[str, ContentSecurityPolicy]:
    """Policies of the routes that serve pages, by endpoint or blueprint name."""
    policies = {WEB_BLUEPRINT: _web_policy(app.config)}
    swagger_ui = swagger_ui_policy(app)
    if swagger_ui is not None:
        policies[SWAGGER_UI_ENDPOINT] = swagger_ui
    return policies


def _web_policy(config: dict) -> ContentSecurityPolicy:
    """The web client's pages: this origin only, and Stripe's hosts when Stripe takes the
    payments (with no Stripe key the sandbox gateway runs and no page loads Stripe.js)."""
    stripe = bool(config.get("STRIPE_SECRET_KEY"))
    scripts = ("'self'", STRIPE_SCRIPT_HOST) if stripe else ("'self'",)
    frames = (STRIPE_SCRIPT_HOST, STRIPE_HOOKS_HOST) if stripe else ("'none'",)
    # 'self' also admits ws(s):// to this host (CSP Level 3), the live seat maps' /ws/ sockets.
    connect = ("'self'", STRIPE_API_HOST) if stripe else ("'self'",)
    return (
        ContentSecurityPolicy()
        .default_src("'self'")
        .script_src(*scripts)
        .frame_src(*frames)
        .connect_src(*connect)
        .img_src("'self'", "data:", *media_origins(config))
        .object_src("'none'")
        .base_uri("'none'")
        .form_action("'self'")
        .frame_ancestors("'none'")
    )
