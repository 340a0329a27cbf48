"""Prometheus metrics at ``/metrics``, readable only from ``METRICS_ALLOWED_NETWORKS``.

What is measured:

* every answer's latency, by method, route template (``/api/bookings/<int:booking_id>``, so
  ids never explode the label set) and status;
* sales outcomes, read off the answers of the operations that make them (a hold taken or
  refused, a booking made, a payment captured or declined), so no service carries metric code;
* at scrape time, each RQ queue's depth and how many workers serve it, and how long jobs
  took (``app.common.job_metrics``: workers add to it in Redis from any process).

Under Gunicorn each worker is its own process with its own counters. gunicorn.conf.py points
``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder before the workers fork; prometheus_client
then keeps every process's values in files there and a scrape adds them up, whichever worker
answers it (``child_exit`` there marks a dead worker's gauges gone).
"""

from __future__ import annotations

import ipaddress
import os
import time
from contextlib import suppress

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from redis.exceptions import RedisError

from app.common.job_metrics import job_duration_histogram

REQUEST_SECONDS = Histogram(
    "cinemaos_http_request_duration_seconds", "Time to answer a request",
    ["method", "route", "status"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SALES = Counter("cinemaos_sales_total", "Sales steps by outcome", ["step", "outcome"])

# (method, route) -> the sales step it is; its outcome is read from the status.
_SALES_STEPS = {
    ("POST", "/api/bookings/hold"): "hold",
    ("POST", "/api/bookings"): "booking",
    ("POST", "/api/payments/process"): "payment",
    ("DELETE", "/api/bookings/<int:booking_id>"): "cancellation",
}


def _outcome(status: int) -> str:
    if status < 300:
        return "done"
    if status in (402, 409, 410, 412):
        return "refused"
    return "error" if status >= 500 else "invalid"


class _QueueCollector:
    """Reads each RQ queue's depth and worker count from Redis when scraped."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        from app.common.tasks import QUEUE_NAMES, queue_health

        depth = GaugeMetricFamily("cinemaos_queue_jobs", "Jobs waiting in a queue", labels=["queue"])
        workers = GaugeMetricFamily("cinemaos_queue_workers", "Workers serving a queue",
                                    labels=["queue"])
        with self.app.app_context():
            try:
                health = queue_health()
            except RedisError:  # Redis down: the scrape still answers, without these
                return
        for name, state in health.items():
            depth.add_metric([name], state["jobs"])
            workers.add_metric([name], state["workers"])
        yield depth
        yield workers
        with suppress(RedisError):
            yield from job_duration_histogram(self.app.extensions["rq_connection"], QUEUE_NAMES)


def _allowed(address: str | None, networks: list[ipaddress._BaseNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in networks)


def register_metrics(app: Flask) -> None:
    """Time every request, count sales steps, and serve ``/metrics`` to the allowed networks."""
    networks = [ipaddress.ip_network(n.strip(), strict=False)
                for n in app.config["METRICS_ALLOWED_NETWORKS"].split(",") if n.strip()]
    queues = _QueueCollector(app)

    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def observe(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        rule = request.url_rule.rule if request.url_rule else "unmatched"
        if started is not None and rule != "/metrics":
            REQUEST_SECONDS.labels(request.method, rule, str(response.status_code)).observe(
                time.perf_counter() - started)
            step = _SALES_STEPS.get((request.method, rule))
            if step:
                SALES.labels(step, _outcome(response.status_code)).inc()
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        if not _allowed(request.remote_addr, networks):
            abort(404)
        registry = CollectorRegistry()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            multiprocess.MultiProcessCollector(registry)
        else:
            from prometheus_client import REGISTRY

            registry = REGISTRY
        output = generate_latest(registry)
        if current_app.config["REDIS_URL"]:
            queue_registry = CollectorRegistry()
            queue_registry.register(queues)
            output += generate_latest(queue_registry)
        return Response(output, mimetype=CONTENT_TYPE_LATEST)
