"""Liveness and readiness probes for the load balancer and orchestrator."""

from __future__ import annotations

from contextlib import suppress

from flask import Blueprint, current_app, jsonify
from redis.exceptions import RedisError
from sqlalchemy import text

from app.common.tasks import queue_health
from app.extensions import db, redis_client

health_blueprint = Blueprint("health", __name__)


@health_blueprint.get("/healthz")
def healthz():
    """The process is alive and serving; touches nothing else."""
    return jsonify(status="ok")


@health_blueprint.get("/readyz")
def readyz():
    """Ready when PostgreSQL (or the embedded SQLite) and Redis both answer; 503 names what is down.
    The body also lists each queue's waiting jobs and live workers."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; it is reported
        db.session.rollback()
        checks["database"] = f"down: {type(exc).__name__}"
    try:
        redis_client.client.ping()
        checks["redis"] = "ok"
    except Exception as exc:  # noqa: BLE001 - same: reported in the body
        checks["redis"] = f"down: {type(exc).__name__}"
    down = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "ok" if not down else "unavailable", "checks": checks}
    if checks["redis"] == "ok" and current_app.config["REDIS_URL"]:
        # Shown, never failing the probe: the API serves requests without workers, but a
        # queue with jobs and no worker is work nobody will do, and operators must see it.
        with suppress(RedisError):
            body["queues"] = queue_health()
    if down:
        body["message"] = f"not ready: {', '.join(down)} unreachable"
    return jsonify(body), (503 if down else 200)
