"""How long background jobs take, kept in Redis so every worker process (in any container)
adds to one histogram that the API's /metrics serves (``app.common.metrics``).

Workers run in their own processes and containers, which a Prometheus scrape of the API never
reaches; each finished job adds itself to a small hash per queue and outcome instead (bucket
counts, sum, count: one pipelined round trip), and the scrape turns that into a histogram.
"""

from __future__ import annotations

from collections.abc import Iterator

import redis
from prometheus_client.core import HistogramMetricFamily

BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0)
OUTCOMES = ("succeeded", "failed")
_PREFIX = "metrics:jobs"


def _key(queue: str, outcome: str) -> str:
    return f"{_PREFIX}:{queue}:{outcome}"


def record_job_duration(connection: redis.Redis, queue: str, outcome: str, seconds: float) -> None:
    """Count one finished job in the first bucket it fits (cumulated when read)."""
    bucket = next((str(bound) for bound in BUCKETS if seconds <= bound), "+Inf")
    key = _key(queue, outcome)
    pipe = connection.pipeline(transaction=False)
    pipe.hincrby(key, bucket, 1)
    pipe.hincrbyfloat(key, "sum", seconds)
    pipe.execute()


def job_duration_histogram(connection: redis.Redis,
                           queues: tuple[str, ...]) -> Iterator[HistogramMetricFamily]:
    family = HistogramMetricFamily("cinemaos_job_duration_seconds", "Time a background job ran",
                                   labels=["queue", "outcome"])
    for queue in queues:
        for outcome in OUTCOMES:
            raw = {_text(k): _text(v) for k, v in connection.hgetall(_key(queue, outcome)).items()}
            if not raw:
                continue
            running, buckets = 0, []
            for bound in (*map(str, BUCKETS), "+Inf"):
                running += int(raw.get(bound, 0))
                buckets.append((bound, running))
            family.add_metric([queue, outcome], buckets, float(raw.get("sum", 0)))
    yield family


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
