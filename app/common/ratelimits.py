"""Rate limits of the doors that can be used for guessing: per client address and per account.

Each limit is a setting holding a Flask-Limiter limit string (``"5 per minute;20 per hour"``),
read at request time so tests and deployments can change it. The counters live in Redis
(``RATELIMIT_STORAGE_URI``), so every worker shares them. Over a limit the answer is 429 with
``Retry-After``, in the API's one error shape (``app.common.api``).

Two buckets per door, each with the whole limit: the client's address (one client trying many
accounts or codes) and the account (many addresses trying one account). Behind a proxy the
address is the client's only with ``TRUSTED_PROXY_HOPS`` set (``app.register_proxy``).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_limiter.util import get_remote_address

from app.common.access import optional_principal
from app.extensions import limiter

TOO_MANY = "Too many attempts; wait for the time in Retry-After and try again"


def client_address() -> str:
    return get_remote_address()


def signed_in_account() -> str:
    """The signed-in caller's account; only for limits that exempt anonymous callers."""
    principal = optional_principal()
    return f"user:{principal.id}" if principal else "anonymous"


def anonymous() -> bool:
    return optional_principal() is None


def rate_limited(setting: str, key_func: Callable[[], str], *, scope: str | None = None,
                 exempt_when: Callable[[], bool] | None = None) -> Callable:
    """Limit a view to ``current_app.config[setting]`` per bucket of ``key_func`` (stack one per
    bucket). Views given one ``scope`` share their counters: one budget over several doors.

    The limit is checked when the view is called, so below ``ServiceBlueprint.access`` the
    caller is already identified for ``key_func`` and ``exempt_when``.
    """
    options = {"key_func": key_func, "error_message": TOO_MANY, "exempt_when": exempt_when}
    if scope is None:
        return limiter.limit(lambda: current_app.config[setting], **options)
    return limiter.shared_limit(lambda: current_app.config[setting], scope, **options)
