"""``GET /api/jobs/queues``: for operators, whether each background queue is served and how
far behind it is (``/readyz`` shows the short form without failing; this is the documented one)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from app.common.access import STAFF_ROLES
from app.common.blueprint import ServiceBlueprint
from app.common.schemas import field_meta
from app.common.tasks import queue_status

blp = ServiceBlueprint(
    "jobs", __name__, url_prefix="/api",
    description="Background work: the queues, their workers and their backlog.",
)


class QueueStatusSchema(ma.Schema):
    name = ma.fields.String(metadata=field_meta(
        "`schedule` (optimisation runs), `pricing` (repricing sweeps) or `default` "
        "(e-mail, invoices, refunds, housekeeping)", "schedule"))
    runs_in = ma.fields.String(metadata=field_meta(
        "`workers`: RQ workers run the jobs; `api_process`: no workers are configured (the "
        "embedded default), each API process runs them in a background thread, and the counts "
        "are that process's", "workers"))
    live_worker = ma.fields.Boolean(metadata=field_meta(
        "Something runs this queue's jobs now: a live worker listens on it (or the API process "
        "does). False: queued jobs wait until a worker is started", True))
    workers = ma.fields.Integer(metadata=field_meta(
        "Live RQ workers listening on the queue (registered and sending heartbeats; 0 with "
        "`api_process`)", 1))
    queued = ma.fields.Integer(metadata=field_meta("Jobs waiting to start: the queue's depth", 0))
    started = ma.fields.Integer(metadata=field_meta("Jobs running now", 1))
    failed = ma.fields.Integer(metadata=field_meta(
        "Jobs that failed and are kept for inspection (RQ's failed registry; they expire after a year)", 0))
    scheduled = ma.fields.Integer(metadata=field_meta(
        "Jobs due at a later time (retries with a delay, jobs enqueued for later)", 0))


@blp.route("/jobs/queues")
class JobQueues(MethodView):
    @blp.access(*STAFF_ROLES)
    @blp.response(200, QueueStatusSchema(many=True))
    def get(self):
        """Each background queue: whether a live worker serves it, its depth, running and failed jobs

        A queue with `live_worker` false and jobs `queued` is work nobody is doing: start a
        worker (`make worker`, or the compose `worker` service). Answers 503 when Redis, which
        holds the queues, is unreachable.
        """
        return queue_status()
