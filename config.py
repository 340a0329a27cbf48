"""Settings, every one read from the environment with a sane default.

Two runtime modes follow from what is configured:

* **embedded default** (no ``DATABASE_URL``): SQLite under ``instance/``, an in-process
  fakeredis (Lua enabled) and RQ jobs run in-process. One command, no servers.
* **deployment** (``DATABASE_URL`` and ``REDIS_URL`` set): PostgreSQL through psycopg 3,
  Redis, separate RQ workers.

``APP_ENV=production`` refuses to start unsafe rather than invent what is missing: it names,
one line each, every missing or weak setting (:func:`production_refusals`).

(Over 300 lines: every setting has one home, here, with the reason for its default.)
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent
APP_ENVS = ("development", "test", "production")
MIN_SECRET_LENGTH = 32
# Words of the values people paste from examples; a random key holds none of them.
_PLACEHOLDER_WORDS = ("secret", "change", "example", "placeholder", "password", "dummy", "xxxx")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; raised at start-up, never at request time."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _under_frontend(url: str | None, frontend_url: str) -> str | None:
    """``url`` as is, or under ``frontend_url`` when it is a path ("/media-store")."""
    return frontend_url.rstrip("/") + url if url and url.startswith("/") else url


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = (_env(name) or default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} is {value!r}; expected one of {', '.join(choices)}")
    return value


def _normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` spellings and route them to psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _dev_secrets(instance_dir: Path) -> dict[str, str]:
    """Secrets for the embedded default, generated once and kept in ``instance/``.

    Kept on disk rather than generated per process so that tokens survive a restart and
    every Gunicorn worker signs with the same key.
    """
    path = instance_dir / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    instance_dir.mkdir(parents=True, exist_ok=True)
    values = {"SECRET_KEY": secrets.token_hex(32), "JWT_SECRET_KEY": secrets.token_hex(32)}
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def secret_weakness(value: str) -> str | None:
    """Why ``value`` is unfit to sign tokens and links, or None when it looks random enough."""
    if len(value) < MIN_SECRET_LENGTH:
        return f"{len(value)} characters, fewer than {MIN_SECRET_LENGTH}"
    if len(set(value)) < 10:
        return "too few different characters"
    if any(word in value.lower() for word in _PLACEHOLDER_WORDS):
        return "looks like a placeholder"
    return None


def ticket_signing_keys(raw: str | None) -> dict[str, str]:
    """``TICKET_SIGNING_KEYS`` ("kid:secret,kid:secret") as {key id: secret}.

    Key ids are short (they travel in every ticket's code): 1 to 8 lower-case letters or digits.
    """
    keys = {}
    for item in filter(None, (part.strip() for part in (raw or "").split(","))):
        kid, _, secret = item.partition(":")
        if not (kid.isascii() and kid.isalnum() and kid == kid.lower() and 1 <= len(kid) <= 8 and secret):
            raise ConfigError(f"TICKET_SIGNING_KEYS: {kid!r} is not 'kid:secret' with a key id of "
                              "1 to 8 lower-case letters or digits")
        keys[kid] = secret
    return keys


def payments_sandbox_allowed(settings: Mapping[str, Any]) -> bool:
    """The offline sandbox gateway confirms test cards: never in production unless a staging
    deployment opted in (the one rule for start-up and for the gateway chooser)."""
    return settings["APP_ENV"] != "production" or bool(settings["PAYMENTS_SANDBOX_ALLOWED"])


def production_refusals() -> list[str]:
    """Every reason the environment is unsafe for production, one line each."""
    refusals = []
    for name in ("SECRET_KEY", "JWT_SECRET_KEY"):
        value = _env(name)
        weakness = "missing" if value is None else secret_weakness(value)
        if weakness:
            refusals.append(
                f"{name} is {'missing' if value is None else f'too weak ({weakness})'}: set at least "
                f"{MIN_SECRET_LENGTH} random characters, e.g. from "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
    refusals += _ticket_key_refusals()
    if _env("DATABASE_URL") is None:
        refusals.append("DATABASE_URL is missing: production runs on PostgreSQL")
    if _env("REDIS_URL") is None:
        refusals.append("REDIS_URL is missing: production needs a real Redis")
    if _env("STRIPE_SECRET_KEY") is None:
        if not _env_bool("PAYMENTS_SANDBOX_ALLOWED", False):
            refusals.append(
                "STRIPE_SECRET_KEY is missing: the sandbox gateway would confirm bookings paid with "
                "test cards (a staging deployment may set PAYMENTS_SANDBOX_ALLOWED=true)"
            )
    else:
        if _env("STRIPE_WEBHOOK_SECRET") is None:
            refusals.append(
                "STRIPE_WEBHOOK_SECRET is missing: Stripe's events (3-D Secure outcomes, refunds) "
                "could not be verified, so those payments would never settle"
            )
        if _env("STRIPE_PUBLISHABLE_KEY") is None:
            refusals.append(
                "STRIPE_PUBLISHABLE_KEY is missing: the checkout page could not show Stripe's card "
                "form, so no customer could pay online"
            )
    if _env("SMTP_HOST") is None:
        refusals.append(
            "SMTP_HOST is missing: e-mails, with their password-reset and verification links, "
            "would be written to the log instead of sent"
        )
    if _env("S3_BUCKET") is None and _env("MEDIA_DIR") is None:
        refusals.append(
            "S3_BUCKET and MEDIA_DIR are both missing: name a bucket, or a local folder on a "
            "persistent volume, for posters and invoices"
        )
    return refusals


def _ticket_key_refusals() -> list[str]:
    keys = ticket_signing_keys(_env("TICKET_SIGNING_KEYS"))
    if not keys:
        return ["TICKET_SIGNING_KEYS is missing: tickets' QR codes could not be signed (set "
                "'kid:secret' pairs, secrets of at least 32 random characters)"]
    refusals = [f"TICKET_SIGNING_KEYS key {kid!r} is too weak ({weakness})"
                for kid, secret in keys.items() if (weakness := secret_weakness(secret))]
    if (_env("TICKET_SIGNING_KEY_ID") or next(iter(keys))) not in keys:
        refusals.append("TICKET_SIGNING_KEY_ID names no key of TICKET_SIGNING_KEYS")
    return refusals


def _ticket_keys_or_development(secret_key: str) -> tuple[dict[str, str], str]:
    """The ticket keys and the one signing new tickets; outside production, without keys set, one
    derived from ``SECRET_KEY`` (production refuses to start without its own)."""
    keys = ticket_signing_keys(_env("TICKET_SIGNING_KEYS"))
    if not keys:
        keys = {"dev": hashlib.sha256(f"tickets:{secret_key}".encode()).hexdigest()}
    return keys, _env("TICKET_SIGNING_KEY_ID") or next(iter(keys))


class Config:
    """Flask settings. Build with :meth:`from_env`; tests pass overrides to ``create_app``."""

    @classmethod
    def from_env(cls) -> dict:
        env = _env("APP_ENV", "development")
        if env not in APP_ENVS:
            raise ConfigError(f"APP_ENV is {env!r}; expected one of {', '.join(APP_ENVS)}")
        if env == "production" and (refusals := production_refusals()):
            raise ConfigError("APP_ENV=production refuses to start unsafe:\n  " + "\n  ".join(refusals))
        instance_dir = Path(_env("INSTANCE_DIR", str(BASE_DIR / "instance")))
        database_url = _env("DATABASE_URL")
        redis_url = _env("REDIS_URL")
        embedded = database_url is None

        secret_key = _env("SECRET_KEY")
        jwt_secret = _env("JWT_SECRET_KEY")
        if not (secret_key and jwt_secret):
            generated = _dev_secrets(instance_dir)
            secret_key = secret_key or generated["SECRET_KEY"]
            jwt_secret = jwt_secret or generated["JWT_SECRET_KEY"]

        if embedded:
            instance_dir.mkdir(parents=True, exist_ok=True)
            database_url = f"sqlite:///{instance_dir / 'cinemaos.sqlite3'}"
        secure_cookies = _env_bool("JWT_COOKIE_SECURE", env == "production")
        stripe_key = _env("STRIPE_SECRET_KEY")
        sandbox_opt_in = _env_bool("PAYMENTS_SANDBOX_ALLOWED", False)
        # Said once logging is set up (app.common.logging), where operators look.
        startup_warnings = []
        if env == "production" and stripe_key is None:
            startup_warnings.append(
                "PAYMENTS_SANDBOX_ALLOWED=true: payments go to the offline sandbox gateway, which "
                "confirms test cards and charges nobody; for a staging deployment only"
            )

        ticket_keys, ticket_key_id = _ticket_keys_or_development(secret_key)
        return {
            "APP_ENV": env,
            "STARTUP_WARNINGS": startup_warnings,
            "EMBEDDED": embedded,
            "INSTANCE_DIR": str(instance_dir),
            "SECRET_KEY": secret_key,
            # Database
            "SQLALCHEMY_DATABASE_URI": _normalise_database_url(database_url),
            # Parameters stay out of error messages, hence out of logged tracebacks (a failed
            # INSERT of a user would log the e-mail and password hash), except in development.
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "hide_parameters": env != "development",
                **({"pool_pre_ping": True, "pool_size": _env_int("DB_POOL_SIZE", 5),
                    "max_overflow": _env_int("DB_MAX_OVERFLOW", 10)} if not embedded else {}),
            },
            # Redis and RQ; REDIS_URL=None means the in-process fakeredis
            "REDIS_URL": redis_url,
            "RQ_ASYNC": redis_url is not None and _env_bool("RQ_ASYNC", True),
            # Schedule generation: solver processes per run (the optimiser forks them for long
            # runs); a running run beats every HEARTBEAT seconds and is failed as "worker died"
            # once silent for TIMEOUT seconds, so its dates can be generated again.
            "SCHEDULE_SOLVER_WORKERS": _env_int("SCHEDULE_SOLVER_WORKERS", 2),
            "GENERATION_HEARTBEAT_SECONDS": _env_int("GENERATION_HEARTBEAT_SECONDS", 10),
            "GENERATION_HEARTBEAT_TIMEOUT_SECONDS": _env_int("GENERATION_HEARTBEAT_TIMEOUT_SECONDS", 60),
            # Without RQ workers, jobs run in the API process: "thread" (a background thread per
            # queue; the request answers 202 at once and clients poll) or "inline" (before the
            # answer; for tests and debugging).
            "INPROCESS_JOBS": _env_choice("INPROCESS_JOBS", ("thread", "inline"), "thread"),
            # Auth
            # Each worker keeps revocations and principals, kept coherent by Redis tracking
            # (app.common.near_cache); off: every authenticated request asks Redis.
            "AUTH_NEAR_CACHE": _env_bool("AUTH_NEAR_CACHE", True),
            "JWT_SECRET_KEY": jwt_secret,
            "JWT_ALGORITHM": "HS256",
            "JWT_DECODE_ALGORITHMS": ["HS256"],
            "JWT_ACCESS_TOKEN_EXPIRES": timedelta(seconds=_env_int("ACCESS_TOKEN_TTL_SECONDS", 900)),
            "JWT_REFRESH_TOKEN_EXPIRES": timedelta(
                seconds=_env_int("REFRESH_TOKEN_TTL_SECONDS", 7 * 24 * 3600)
            ),
            "JWT_TOKEN_LOCATION": ["headers", "cookies"],
            "JWT_COOKIE_SECURE": secure_cookies,
            "JWT_COOKIE_SAMESITE": _env("JWT_COOKIE_SAMESITE", "Strict"),
            "JWT_COOKIE_CSRF_PROTECT": True,
            "JWT_REFRESH_COOKIE_PATH": "/api/auth",
            "JWT_REFRESH_CSRF_COOKIE_PATH": "/",
            "BCRYPT_ROUNDS": _env_int("BCRYPT_ROUNDS", 10),
            "PASSWORD_RESET_TTL_SECONDS": _env_int("PASSWORD_RESET_TTL_SECONDS", 3600),
            "EMAIL_VERIFY_TTL_SECONDS": _env_int("EMAIL_VERIFY_TTL_SECONDS", 24 * 3600),
            "LOGIN_RATE_LIMIT": _env("LOGIN_RATE_LIMIT", "10 per minute"),
            # Doors open to guessing (Flask-Limiter strings, per client address and per account)
            "REGISTER_RATE_LIMIT": _env("REGISTER_RATE_LIMIT", "5 per minute;20 per hour"),
            "FORGOT_PASSWORD_RATE_LIMIT": _env("FORGOT_PASSWORD_RATE_LIMIT", "3 per minute;10 per hour"),
            "PROMO_CODE_RATE_LIMIT": _env("PROMO_CODE_RATE_LIMIT", "10 per minute;60 per hour"),
            "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
            "FRONTEND_URL": _env("FRONTEND_URL", "http://127.0.0.1:8000"),
            # The web client's static export (`npm run build` in web/), served at / (app/common/site.py).
            "WEB_DIR": _env("WEB_DIR", str(BASE_DIR / "web" / "out")),
            # Browser origins allowed to call the API cross-origin, with credentials (comma-separated,
            # e.g. "https://app.example.com"); none means CORS stays closed.
            "CORS_ORIGINS": [o.strip() for o in (_env("CORS_ORIGINS") or "").split(",") if o.strip()],
            # Proxies in front whose X-Forwarded-For/-Proto are trusted (1 behind compose's nginx).
            "TRUSTED_PROXY_HOPS": _env_int("TRUSTED_PROXY_HOPS", 0),
            # Who may read /metrics (comma-separated networks); everyone else gets 404.
            "METRICS_ALLOWED_NETWORKS": _env("METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128"),
            # Seat holds and bookings
            "HOLD_TTL_SECONDS": _env_int("HOLD_TTL_SECONDS", 300),
            "MAX_SEATS_PER_HOLD": _env_int("MAX_SEATS_PER_HOLD", 10),
            # Fair sales (customers; staff exempt): seats held plus awaiting payment per showtime,
            # and live holds plus bookings awaiting payment over all showtimes.
            "MAX_UNPAID_SEATS_PER_SHOWTIME": _env_int("MAX_UNPAID_SEATS_PER_SHOWTIME", 10),
            "MAX_UNPAID_CHECKOUTS": _env_int("MAX_UNPAID_CHECKOUTS", 3),
            "PAYMENT_WINDOW_SECONDS": _env_int("PAYMENT_WINDOW_SECONDS", 900),
            # Tickets: keys signing their QR codes ({kid: secret}); new tickets are signed with
            # TICKET_SIGNING_KEY_ID, tickets signed with any other listed key stay valid (rotation).
            "TICKET_SIGNING_KEYS": ticket_keys,
            "TICKET_SIGNING_KEY_ID": ticket_key_id,
            # How long before a show its doors open: a ticket scanned earlier is refused (too_early).
            "DOORS_OPEN_MINUTES": _env_int("DOORS_OPEN_MINUTES", 45),
            # Storage (posters, invoices); no bucket means a local folder served by the app
            "S3_BUCKET": _env("S3_BUCKET"),
            "S3_ENDPOINT_URL": _env("S3_ENDPOINT_URL"),
            "S3_REGION": _env("S3_REGION", "us-east-1"),
            "S3_PUBLIC_URL": _env("S3_PUBLIC_URL"),
            # Where browsers reach the bucket's endpoint, when not at S3_ENDPOINT_URL (a path
            # such as /media-store is taken under FRONTEND_URL): app/common/storage.py says why.
            "S3_BROWSER_URL": _under_frontend(_env("S3_BROWSER_URL"), _env("FRONTEND_URL", "http://127.0.0.1:8000")),
            "MEDIA_DIR": _env("MEDIA_DIR", str(instance_dir / "media")),
            # Lifetime of a link to a private file (invoice, credit note): long enough to open it.
            "SIGNED_LINK_TTL_SECONDS": _env_int("SIGNED_LINK_TTL_SECONDS", 300),
            "MAX_POSTER_BYTES": _env_int("MAX_POSTER_BYTES", 5 * 1024 * 1024),
            # Width x height; larger images are refused (decompression bombs for clients).
            "MAX_POSTER_PIXELS": _env_int("MAX_POSTER_PIXELS", 4096 * 4096),
            # Payments; no Stripe key means the offline sandbox gateway (in production only
            # with PAYMENTS_SANDBOX_ALLOWED, see payments_sandbox_allowed)
            "STRIPE_SECRET_KEY": stripe_key,
            "PAYMENTS_SANDBOX_ALLOWED": sandbox_opt_in,
            "STRIPE_WEBHOOK_SECRET": _env("STRIPE_WEBHOOK_SECRET"),
            "STRIPE_API_BASE": _env("STRIPE_API_BASE"),
            # Stripe.js in the checkout page collects the card with it (public by design).
            "STRIPE_PUBLISHABLE_KEY": _env("STRIPE_PUBLISHABLE_KEY"),
            # A retry with the same Idempotency-Key waits this long for the first attempt's answer.
            "IDEMPOTENCY_WAIT_SECONDS": _env_int("IDEMPOTENCY_WAIT_SECONDS", 10),
            # Clients retry within minutes; a day of answers covers that, then the rows are purged.
            "IDEMPOTENCY_RETENTION_HOURS": _env_int("IDEMPOTENCY_RETENTION_HOURS", 24),
            # E-mail; no SMTP host means messages are written to the log
            "SMTP_HOST": _env("SMTP_HOST"),
            "SMTP_PORT": _env_int("SMTP_PORT", 25),
            "SMTP_USERNAME": _env("SMTP_USERNAME"),
            "SMTP_PASSWORD": _env("SMTP_PASSWORD"),
            "SMTP_USE_TLS": _env_bool("SMTP_USE_TLS", False),
            "MAIL_FROM": _env("MAIL_FROM", "CinemaOS <no-reply@cinemaos.local>"),
            # Logging
            "LOG_LEVEL": _env("LOG_LEVEL", "INFO"),
            "LOG_JSON": _env_bool("LOG_JSON", env == "production"),
            # OpenAPI / Swagger UI (assets served by this app, no CDN)
            "API_TITLE": "CinemaOS API",
            "API_VERSION": "1.0.0",
            "OPENAPI_VERSION": "3.0.3",
            "OPENAPI_URL_PREFIX": "/",
            "OPENAPI_JSON_PATH": "api/openapi.json",
            "OPENAPI_SWAGGER_UI_PATH": "docs",
            "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
            # a filter box over the operations (by tag) and each operation's id (a generated
            # client's method name) beside its path
            "OPENAPI_SWAGGER_UI_CONFIG": {"persistAuthorization": True, "withCredentials": True,
                                          "filter": True, "displayOperationId": True},
            "JSON_SORT_KEYS": False,
            "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 10 * 1024 * 1024),
            # JSON bodies are refused (413) past this, before they are read; uploads keep the above.
            "MAX_JSON_BODY_BYTES": _env_int("MAX_JSON_BODY_BYTES", 1024 * 1024),
        }
