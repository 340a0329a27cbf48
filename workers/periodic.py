"""Recurring jobs, loaded by RQ's cron scheduler: ``rq cron workers/periodic.py --url $REDIS_URL``.

Each entry names a thin job of ``workers.jobs`` that calls its service; jobs are idempotent, so a run that
overlaps the previous one changes nothing more.
"""

from rq import cron

from workers import jobs

cron.register(jobs.purge_expired_tokens, queue_name="default", cron="17 * * * *")
cron.register(jobs.expire_unpaid_bookings, queue_name="default", cron="* * * * *")
cron.register(jobs.reprice_upcoming_showtimes, queue_name="pricing", cron="*/15 * * * *")
cron.register(jobs.retry_pending_refunds, queue_name="default", cron="*/10 * * * *")
cron.register(jobs.reconcile_pending_payments, queue_name="default", cron="*/2 * * * *")
cron.register(jobs.redeliver_outbox, queue_name="default", cron="* * * * *")
cron.register(jobs.purge_idempotency_records, queue_name="default", cron="43 3 * * *")
