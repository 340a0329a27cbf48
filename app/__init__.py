"""CinemaOS API: ``create_app`` wires config, extensions, blueprints, errors and commands."""

from __future__ import annotations

from typing import Any

from flask import Flask

from config import Config

SERVICE_PACKAGES = ("auth", "movies", "cinemas", "scheduling", "bookings", "pricing", "payments", "audit",
                    "tickets", "boxoffice", "reports")


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build an application. ``overrides`` replace settings read from the environment."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(Config.from_env())
    app.config.update(overrides or {})
    register_request_parsing(app)
    register_proxy(app)
    register_logging(app)
    register_metrics(app)
    register_extensions(app)
    register_blueprints(app)
    register_demo_examples(app)
    register_security(app)
    register_commands(app)
    return app


def register_request_parsing(app: Flask) -> None:
    """Bounded JSON bodies, path ids and page arguments; before any route exists."""
    from app.common.pagination import bound_header_pagination
    from app.common.parsing import init_request_parsing

    init_request_parsing(app)
    bound_header_pagination()


def register_proxy(app: Flask) -> None:
    """Behind ``TRUSTED_PROXY_HOPS`` proxies (nginx in docker-compose.yml), take the client's
    address and scheme from their X-Forwarded-* headers: rate limits count per client, not per
    proxy. With no proxy configured the headers are ignored, since any client could forge them.
    """
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_logging(app: Flask) -> None:
    from app.common.logging import configure_logging, install_request_logging

    configure_logging(app)
    install_request_logging(app)


def register_metrics(app: Flask) -> None:
    from app.common.metrics import register_metrics as install

    install(app)


def register_extensions(app: Flask) -> None:
    from importlib import import_module

    from app.bookings.epoch import install_epoch_listeners
    from app.common.access import register_jwt_callbacks
    from app.common.events import install_event_recording
    from app.common.principals import init_auth_near_cache
    from app.extensions import api, db, jwt, limiter, migrate, redis_client

    # Importing the models registers every table on the metadata (for Alembic and queries).
    import_module("app.models")
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    redis_client.init_app(app)
    init_auth_near_cache(app)
    jwt.init_app(app)
    register_jwt_callbacks(jwt)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "ratelimit")
    # Redis down: count in this process rather than fail every limited request.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
    api.init_app(app, spec_kwargs=_spec_kwargs(app))
    install_event_recording(app)
    install_epoch_listeners(app)


def _spec_kwargs(app: Flask) -> dict[str, Any]:
    description = (
        "CinemaOS back office: catalogue, schedules, seat holds, bookings, pricing and "
        "payments. Authenticate with `POST /api/auth/login` and press **Authorize** "
        "with the access token. Each operation lists the roles allowed in `x-roles`."
    )
    if _demo_examples_wanted(app):
        description += (
            "\n\nThe examples are the demo data's (`flask seed-demo`): *Try it out* on login "
            "signs in the demo customer, and each example names what exists now (reload the "
            "page after a step: your hold, booking and payment appear in the next examples)."
        )
    return {"info": {"description": description}}


def register_blueprints(app: Flask) -> None:
    from importlib import import_module

    from app.common.docs import docs_assets_blueprint
    from app.common.health import health_blueprint
    from app.common.media import media_blueprint
    from app.common.queues_api import blp as queues_blueprint
    from app.common.site import web_blueprint
    from app.extensions import api

    app.register_blueprint(health_blueprint)
    app.register_blueprint(media_blueprint)
    app.register_blueprint(docs_assets_blueprint)
    api.register_blueprint(queues_blueprint)
    app.register_blueprint(web_blueprint())
    for name in SERVICE_PACKAGES:
        module = import_module(f"app.{name}")
        for blueprint in module.blueprints():
            api.register_blueprint(blueprint)


def register_demo_examples(app: Flask) -> None:
    """In development, /api/openapi.json carries "Try it out" examples that work against the demo
    data (app/demo_examples.py); ``OPENAPI_DEMO_EXAMPLES`` says otherwise. Never in production,
    whose document keeps the schemas' neutral examples (and no demo password)."""
    if _demo_examples_wanted(app) and "api-docs.openapi_json" in app.view_functions:
        from app.demo_examples import serve_document

        app.view_functions["api-docs.openapi_json"] = serve_document


def _demo_examples_wanted(app: Flask) -> bool:
    wanted = app.config.get("OPENAPI_DEMO_EXAMPLES", app.config["APP_ENV"] == "development")
    return bool(wanted) and app.config["APP_ENV"] != "production"


def register_security(app: Flask) -> None:
    """After the blueprints: each page's Content Security Policy is built from its route."""
    from app.common.security import secure_responses

    secure_responses(app)


def register_commands(app: Flask) -> None:
    from app.commands import register

    register(app)
